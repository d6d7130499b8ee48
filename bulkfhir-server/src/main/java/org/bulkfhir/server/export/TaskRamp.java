package org.bulkfhir.server.export;

/**
 * Task sizes that start small and double up to the configured size. A job's first file is
 * sealed when its first task completes, so a small first task lets a client with
 * {@code allowPartialManifests} start downloading within a fraction of a second whatever the
 * export's size (S-43); the full-size tasks after it keep the per-task overhead low.
 */
final class TaskRamp {
    /**
     * The first task is this fraction of the full size: of a 500-patient batch, 15 patients,
     * sealed well within the status hold's second also in a 10,000-patient store.
     */
    static final int FIRST_DIVISOR = 32;

    private final int full;
    private int size;

    TaskRamp(int full) {
        this.full = Math.max(1, full);
        this.size = Math.max(1, this.full / FIRST_DIVISOR);
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
