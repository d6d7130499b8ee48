package org.bulkfhir.store.export;

/** A task the planner adds to a job; {@code estimate} is its expected row count, for progress. */
public record NewTask(TaskKind kind, String resType, Long loPk, Long hiPk, String loKey, String hiKey,
                      boolean fullHistory, long estimate) {

    public static NewTask range(String type, long lo, long hi, long estimate) {
        return new NewTask(TaskKind.RANGE, type, lo, hi, null, null, false, estimate);
    }

    public static NewTask patients(String loKey, String hiKey, boolean fullHistory, long estimate) {
        return new NewTask(TaskKind.PATIENTS, null, null, null, loKey, hiKey, fullHistory, estimate);
    }

    /**
     * A plan task that goes on where an earlier one stopped (system level): with the ranges of
     * {@code type} above key {@code after}, then the types after it. {@code hi_pk} carries the
     * size of its first range (the ramp goes on where it was) and {@code estimate} the most rows
     * it plans before it hands the rest on.
     */
    public static NewTask planFrom(String type, long after, int nextRangeSize, long maxRows) {
        return new NewTask(TaskKind.PLAN, type, after, (long) nextRangeSize, null, null, false, maxRows);
    }

    public static NewTask of(TaskKind kind) {
        return new NewTask(kind, null, null, null, null, null, false, 0);
    }
}
