package org.bulkfhir.server.export;

/**
 * Task sizes that start small and double up to the configured size. A job's first file is
 * sealed when its first task completes, so a small first task lets a client with
 * {@code allowPartialManifests} start downloading within a fraction of a second whatever the
 * export's size (S-43); the full-size tasks after it keep the per-task overhead low.
 */
final class TaskRamp {
    /** The first key-range task of a system job is this fraction of the full size: 1,562 of 50,000 rows. */
    static final int FIRST_DIVISOR = 32;
    /**
     * The first batch of a Patient or Group job is this fraction of the full size: of 500 patients,
     * 3. On a server whose JIT had not yet compiled the export path, 15 patients (about 4,000
     * resources) took half a second to their first file. System jobs keep 1/32: there each task
     * costs a file per type, and a 100-patient system export took 1.3 s instead of 0.85 s at 1/128.
     */
    static final int FIRST_PATIENTS_DIVISOR = 128;

    private final int full;
    private int size;

    TaskRamp(int full) {
        this(full, FIRST_DIVISOR);
    }

    private TaskRamp(int full, int divisor) {
        this.full = Math.max(1, full);
        this.size = Math.max(1, this.full / divisor);
    }

    /**
     * For a job of {@code total} known in advance: one that fits in a single full-size task is
     * shared evenly between the workers instead, as it ends within a second or so anyway (a
     * 100-patient Patient export took 0.7 s in one task and 1.1 s ramped over three).
     */
    static TaskRamp forTotal(int full, long total, int workers) {
        TaskRamp ramp = new TaskRamp(full, FIRST_PATIENTS_DIVISOR);
        if (total > 0 && total <= ramp.full) {
            ramp.size = (int) Math.max(1, (total + Math.max(1, workers) - 1) / Math.max(1, workers));
        }
        return ramp;
    }

    /** A ramp that an earlier plan part left with {@code size} as its next task's size. */
    static TaskRamp resume(int full, int size) {
        TaskRamp ramp = new TaskRamp(full);
        ramp.size = Math.max(1, Math.min(ramp.full, size));
        return ramp;
    }

    /** The size of the next task. */
    int size() {
        return size;
    }

    /** A task of {@link #size} was planned; the one after it is twice as large, up to the full size. */
    void advance() {
        size = (int) Math.min(full, 2L * size);
    }
}
