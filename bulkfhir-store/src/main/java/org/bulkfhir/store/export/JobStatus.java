package org.bulkfhir.store.export;

/** Life of an export job. Only ACCEPTED and RUNNING jobs have claimable tasks. */
public enum JobStatus {
    /** Kicked off; its plan task has not run yet. */
    ACCEPTED,
    RUNNING,
    COMPLETED,
    FAILED,
    /** Cancelled or deleted by the client; kept as a marker so its URLs answer 404, not resurrect. */
    CANCELLED,
    /** Files removed after {@code expires_at}. */
    EXPIRED;

    public boolean active() {
        return this == ACCEPTED || this == RUNNING;
    }

    public String code() {
        return name().toLowerCase();
    }

    public static JobStatus ofCode(String code) {
        return valueOf(code.toUpperCase());
    }
}
