package org.bulkfhir.store.export;

/**
 * A sealed export file. {@code kind} is output, error or deleted; {@code resType} its one type
 * (for organized output, the organizing type). {@code continuesIn} names the next file when a
 * block of organized output goes on there; {@code seq} is the order the job's files were sealed
 * in (0 until recorded).
 */
public record FileRow(String jobId, String name, int taskSeq, String kind, String resType, long count, long bytes,
                      String sha256, String continuesIn, long seq) {
}
