package org.bulkfhir.server.export;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.bulkfhir.core.export.ExportLevel;
import org.bulkfhir.core.fhir.OperationOutcomes;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.store.export.ExportJobRepository.Completion;
import org.bulkfhir.store.export.JobRow;
import org.bulkfhir.store.export.NewTask;
import org.bulkfhir.store.export.SnapshotReader;
import org.bulkfhir.store.export.TaskRow;

/** Runs one claimed task into a {@link NdjsonFileWriter}; the caller publishes and completes it. */
final class TaskRunner {
    private final SnapshotReader reader;
    private final ExportPlanner planner;

    TaskRunner(SnapshotReader reader, ExportPlanner planner) {
        this.reader = reader;
        this.planner = planner;
    }

    Completion run(JobRow job, Claim claim, NdjsonFileWriter out) throws IOException {
        TaskRow task = claim.task;
        JobTypes types = JobTypes.of(job);
        long t = job.transactionTime();
        List<NewTask> newTasks = List.of();
        long planned = 0;
        long rows = 0;
        switch (task.kind()) {
            case PLAN -> {
                writeIgnoredParameters(job, out);
                ExportPlanner.Plan plan = planner.plan(job, claim);
                newTasks = plan.tasks();
                planned = plan.plannedRows();
            }
            case RANGE -> {
                reader.streamRange(task.resType(), task.loPk(), task.hiPk(), t, job.since(), (type, body) -> {
                    claim.row();
                    out.write("output", type, body);
                });
                rows = task.estimate();
            }
            case PATIENTS -> {
                Long since = task.fullHistory() ? null : job.since();
                SnapshotReader.Batch batch = new SnapshotReader.Batch(job.id(), task.loKey(), task.hiKey(), t, since);
                List<String> present = reader.typesInBatch(batch);
                for (String type : types.output()) {
                    if (type.equals("Patient") || present.contains(type)) {
                        reader.streamBatch(batch, type, (rt, body) -> {
                            claim.row();
                            out.write("output", rt, body);
                        });
                    }
                }
                claim.check();
                reader.collectContextRefs(batch, types.output(), types.context());
            }
            case CONTEXT -> {
                for (String type : reader.contextTypes(job.id())) {
                    reader.streamContext(job.id(), type, t, (rt, body) -> {
                        claim.row();
                        out.write("output", rt, body);
                    });
                }
            }
            case DELETED -> {
                boolean system = ExportLevel.ofCode(job.level()) == ExportLevel.SYSTEM;
                String memberJob = ExportLevel.ofCode(job.level()) == ExportLevel.GROUP ? job.id() : null;
                for (String type : types.output()) {
                    SnapshotReader.DeletedSink sink = (rt, id) -> {
                        claim.row();
                        out.write("deleted", "Bundle", deleteBundle(rt, id));
                    };
                    if (system) {
                        reader.streamDeleted(type, job.since(), t, sink);
                    } else {
                        reader.streamDeletedInCompartment(type, memberJob, job.since(), t, sink);
                    }
                }
            }
            default -> throw new IllegalStateException("unknown task kind " + task.kind());
        }
        long resources = out.resources();
        return new Completion(resources, rows, out.finish(), newTasks, planned);
    }

    /** One OperationOutcome line per parameter ignored under {@code handling=lenient} (S-24). */
    private static void writeIgnoredParameters(JobRow job, NdjsonFileWriter out) throws IOException {
        if (job.ignored() == null) {
            return;
        }
        List<Map<String, String>> ignored = Json.MAPPER.readValue(job.ignored(), new TypeReference<>() {
        });
        for (Map<String, String> i : ignored) {
            OperationOutcomes.Issue issue = new OperationOutcomes.Issue("warning", "not-supported",
                    "Ignored under handling=lenient: " + i.get("reason"), i.get("parameter"));
            out.write("error", "OperationOutcome", OperationOutcomes.of(issue));
        }
    }

    /** A deleted resource as the IG wants it: a transaction Bundle with one DELETE entry (S-64). */
    static byte[] deleteBundle(String type, String id) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        try (JsonGenerator g = Json.FACTORY.createGenerator(buf)) {
            g.writeStartObject();
            g.writeStringField("resourceType", "Bundle");
            g.writeStringField("type", "transaction");
            g.writeArrayFieldStart("entry");
            g.writeStartObject();
            g.writeObjectFieldStart("request");
            g.writeStringField("method", "DELETE");
            g.writeStringField("url", type + "/" + id);
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }
        return buf.toByteArray();
    }
}
