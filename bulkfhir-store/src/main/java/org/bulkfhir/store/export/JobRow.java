package org.bulkfhir.store.export;

/** A row of {@code export_job}. Instants are epoch milliseconds; {@code types} is a comma list or null;
 * {@code options} the JSON of the 2.0/3.0 parameters (core {@code ExportOptions}). */
public record JobRow(
        String id,
        String clientId,
        String level,
        String groupId,
        String requestUrl,
        String outputFormat,
        Long since,
        String types,
        String ignored,
        long transactionTime,
        JobStatus status,
        long createdAt,
        Long startedAt,
        Long completedAt,
        Long expiresAt,
        String error,
        int tasksTotal,
        int tasksDone,
        long plannedRows,
        long doneRows,
        long resources,
        String options) {
}
