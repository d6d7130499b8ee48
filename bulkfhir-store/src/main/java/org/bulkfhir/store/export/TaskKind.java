package org.bulkfhir.store.export;

/** What an export task does. */
public enum TaskKind {
    /**
     * Splits the job into the tasks below. At system level in parts: a plan task that stopped
     * early adds one that goes on from {@code res_type} after {@code lo_pk} ({@link NewTask#planFrom}).
     */
    PLAN,
    /** One resource type, primary keys {@code lo_pk..hi_pk} (system level). */
    RANGE,
    /** A batch of the job's patients, {@code lo_key..hi_key} of their sort keys (Patient/Group level). */
    PATIENTS,
    /** The context resources referenced by the patient batches; runs after all of them. */
    CONTEXT,
    /** Resources deleted after {@code _since}. */
    DELETED;

    public String code() {
        return name().toLowerCase();
    }

    public static TaskKind ofCode(String code) {
        return valueOf(code.toUpperCase());
    }
}
