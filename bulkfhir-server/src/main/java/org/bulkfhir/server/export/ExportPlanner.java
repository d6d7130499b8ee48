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
 * each cut where the previous one ended (never OFFSET paging from the start, which rescans).
 * Patient/Group level: the job's patients as of T (those of the {@code patient} parameter, if
 * given) are listed in the database and cut into batches of {@code patientsPerTask}. The first
 * tasks are smaller ({@link TaskRamp}), so the first file is sealed early. A context task (context resources, collected
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
            TaskRamp ramp = new TaskRamp(config.rowsPerTask());
            for (String type : types.output()) {
                reader.forEachKeyRange(type, job.since(), ramp::size, range -> {
                    tasks.add(NewTask.range(type, range.lo(), range.hi(), range.rows()));
                    ramp.advance();
                    planned[0] += range.rows();
                    claim.check();
                });
            }
        } else {
            int patients;
            if (level == ExportLevel.PATIENT) {
                patients = reader.loadAllPatients(job.id(), job.transactionTime(), filters.options.patients());
            } else {
                patients = reader.loadGroupMembers(job.id(), job.groupId(), job.transactionTime(), job.since(),
                        filters.options.patients());
            }
            String[] batch = {null, null};
            boolean[] batchFull = {false};
            int[] n = {0};
            TaskRamp ramp = TaskRamp.forTotal(config.patientsPerTask(), patients, config.workers());
            reader.forEachPatientKey(job.id(), (key, full) -> {
                if (n[0] > 0 && (n[0] == ramp.size() || full != batchFull[0])) {
                    tasks.add(NewTask.patients(batch[0], batch[1], batchFull[0], 0));
                    ramp.advance();
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
