package org.bulkfhir.store.export;

/** A sealed export file. {@code kind} is output, error or deleted; {@code resType} its one type. */
public record FileRow(String jobId, String name, int taskSeq, String kind, String resType, long count, long bytes,
                      String sha256) {
}
