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

    public static NewTask of(TaskKind kind) {
        return new NewTask(kind, null, null, null, null, null, false, 0);
    }
}
