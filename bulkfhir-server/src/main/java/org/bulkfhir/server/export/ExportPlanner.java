package org.bulkfhir.server.export;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bulkfhir.core.export.ExportLevel;
import org.bulkfhir.store.export.JobRow;
import org.bulkfhir.store.export.NewTask;
import org.bulkfhir.store.export.SnapshotReader;
import org.bulkfhir.store.export.TaskKind;

/**
 * Splits a job into tasks. System level: per type, key ranges of {@code rowsPerTask} stored rows,
 * cut while streaming the keys in order (never OFFSET paging, which rescans). Patient/Group
 * level: the job's patients as of T (those of the {@code patient} parameter, if given) are
 * listed in the database and cut into batches. A context task (context resources, collected
 * Provenance) and, with {@code _since}, a deleted task follow.
 */
final class ExportPlanner {
    private final SnapshotReader reader;
    private final ExportConfig config;

    ExportPlanner(SnapshotReader reader, ExportConfig config) {
        this.reader = reader;
        this.config = config;
    }

    record Plan(List<NewTask> tasks, long plannedRows) {
    }

    Plan plan(JobRow job, JobFilters filters, Claim claim) throws IOException {
        JobTypes types = filters.types;
        List<NewTask> tasks = new ArrayList<>();
        long[] planned = {0};
        ExportLevel level = ExportLevel.ofCode(job.level());
        if (level == ExportLevel.SYSTEM) {
            for (String type : types.output()) {
                long[] range = {-1, -1, 0};
                reader.forEachPk(type, job.since(), pk -> {
                    if (range[2] == 0) {
                        range[0] = pk;
                    }
                    range[1] = pk;
                    if (++range[2] == config.rowsPerTask()) {
                        tasks.add(NewTask.range(type, range[0], range[1], range[2]));
                        planned[0] += range[2];
                        range[2] = 0;
                        claim.check();
                    }
                });
                if (range[2] > 0) {
                    tasks.add(NewTask.range(type, range[0], range[1], range[2]));
                    planned[0] += range[2];
                }
            }
        } else {
            if (level == ExportLevel.PATIENT) {
                reader.loadAllPatients(job.id(), job.transactionTime(), filters.options.patients());
            } else {
                reader.loadGroupMembers(job.id(), job.groupId(), job.transactionTime(), job.since(),
                        filters.options.patients());
            }
            String[] batch = {null, null};
            boolean[] batchFull = {false};
            int[] n = {0};
            reader.forEachPatientKey(job.id(), (key, full) -> {
                if (n[0] > 0 && (n[0] == config.patientsPerTask() || full != batchFull[0])) {
                    tasks.add(NewTask.patients(batch[0], batch[1], batchFull[0], 0));
                    n[0] = 0;
                    claim.check();
                }
                if (n[0] == 0) {
                    batch[0] = key;
                    batchFull[0] = full;
                }
                batch[1] = key;
                n[0]++;
            });
            if (n[0] > 0) {
                tasks.add(NewTask.patients(batch[0], batch[1], batchFull[0], 0));
            }
        }
        // Context resources and Provenance are collected by the tasks above and written after them.
        if ((!types.context().isEmpty() || types.provenance() != null) && !tasks.isEmpty()) {
            tasks.add(NewTask.of(TaskKind.CONTEXT));
        }
        if (job.since() != null) {
            tasks.add(NewTask.of(TaskKind.DELETED));
        }
        return new Plan(tasks, planned[0]);
    }
}
