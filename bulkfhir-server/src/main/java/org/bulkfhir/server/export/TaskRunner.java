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
        JobFilters filters = new JobFilters(job);
        JobTypes types = filters.types;
        Long until = filters.options.until();
        long t = job.transactionTime();
        List<NewTask> newTasks = List.of();
        long planned = 0;
        long rows = 0;
        switch (task.kind()) {
            case PLAN -> {
                if (task.resType() == null) {
                    writeIgnoredParameters(job, out);
                }
                ExportPlanner.Plan plan = planner.plan(job, filters, claim, task);
                newTasks = plan.tasks();
                planned = plan.plannedRows();
            }
            case RANGE -> {
                SnapshotReader.Range range = new SnapshotReader.Range(task.resType(), task.loPk(), task.hiPk(), t,
                        job.since(), until, filters.forType(task.resType(), "r"));
                reader.streamRange(range, (type, body) -> {
                    claim.row();
                    out.write("output", type, filters.output(type, body));
                });
                if (types.provenance() != null) {
                    claim.check();
                    reader.collectRangeProvenance(job.id(), range, types.provenance());
                }
                rows = task.estimate();
            }
            case PATIENTS -> {
                Long since = task.fullHistory() ? null : job.since();
                SnapshotReader.Batch batch = new SnapshotReader.Batch(job.id(), task.loKey(), task.hiKey(), t, since,
                        until);
                if (filters.options.organizeOutputBy() != null) {
                    writeBlocks(batch, filters, claim, out);
                } else {
                    List<String> present = reader.typesInBatch(batch);
                    SnapshotReader.ContextRefs refs = reader.contextRefs(job.id(), types.context());
                    for (String type : types.output()) {
                        if (type.equals("Patient") || present.contains(type)) {
                            reader.streamBatch(batch, type, filters.forType(type, "r"), refs, (rt, body) -> {
                                claim.row();
                                out.write("output", rt, filters.output(rt, body));
                            });
                        }
                    }
                    claim.check();
                    if (refs != null) {
                        refs.record();
                    }
                    if (types.provenance() != null) {
                        reader.collectBatchProvenance(batch, types.provenance(), types.output(),
                                filters.forAllTypes("r"), filters.forType("Provenance", "p"));
                    }
                }
            }
            case CONTEXT -> {
                for (String type : reader.contextTypes(job.id())) {
                    // Collected Provenance were filtered when collected (or, associated data, are not filtered).
                    var filter = type.equals("Provenance") ? null : filters.forType(type, "r");
                    reader.streamContext(job.id(), type, t, filter, (rt, body) -> {
                        claim.row();
                        out.write("output", rt, filters.output(rt, body));
                    });
                }
            }
            case DELETED -> {
                boolean system = ExportLevel.ofCode(job.level()) == ExportLevel.SYSTEM;
                boolean listed = ExportLevel.ofCode(job.level()) == ExportLevel.GROUP
                        || !filters.options.patients().isEmpty();
                String memberJob = listed ? job.id() : null;
                for (String type : types.output()) {
                    SnapshotReader.DeletedSink sink = (rt, id) -> {
                        claim.row();
                        out.write("deleted", "Bundle", deleteBundle(rt, id));
                    };
                    if (system) {
                        reader.streamDeleted(type, job.since(), until, t, sink);
                    } else {
                        reader.streamDeletedInCompartment(type, memberJob, job.since(), until, t, sink);
                    }
                }
            }
            default -> throw new IllegalStateException("unknown task kind " + task.kind());
        }
        long resources = out.resources();
        return new Completion(resources, rows, out.finish(), newTasks, planned);
    }

    /**
     * Organized output (S-78): one block per patient, opened by a header Parameters resource
     * naming the patient, holding the patient's Patient resource and compartment resources.
     */
    private void writeBlocks(SnapshotReader.Batch batch, JobFilters filters, Claim claim, NdjsonFileWriter out)
            throws IOException {
        String[] open = {null};
        reader.streamOrganized(batch, filters.types.output(), filters.forAllTypes("r"), (patient, type, body) -> {
            claim.row();
            if (!patient.equals(open[0])) {
                out.startBlock("Patient", header(patient));
                open[0] = patient;
            }
            out.writeInBlock(filters.output(type, body));
        });
        out.endBlock();
    }

    static byte[] header(String patientId) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        try (JsonGenerator g = Json.FACTORY.createGenerator(buf)) {
            g.writeStartObject();
            g.writeStringField("resourceType", "Parameters");
            g.writeArrayFieldStart("parameter");
            g.writeStartObject();
            g.writeStringField("name", "header");
            g.writeObjectFieldStart("valueReference");
            g.writeStringField("reference", "Patient/" + patientId);
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }
        return buf.toByteArray();
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
