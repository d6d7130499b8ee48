package org.bulkfhir.store.export;

/**
 * A sealed export file. {@code kind} is output, error or deleted; {@code resType} its one type
 * (for organized output, the organizing type). {@code continuesIn} names the next file when a
 * block of organized output goes on there; {@code seq} is the order the job's files were sealed
 * in (0 until recorded). {@code crc32c} is the CRC-32C of the file's bytes as 8 hex digits (null
 * only for files sealed before it was recorded); {@code sha256} is their hex SHA-256, null unless
 * the server was asked for it.
 */
public record FileRow(String jobId, String name, int taskSeq, String kind, String resType, long count, long bytes,
                      String crc32c, String sha256, String continuesIn, long seq) {

    /** A strong validator for the file's content (its {@code ETag}). */
    public String contentTag() {
        return crc32c != null ? crc32c + "-" + bytes : sha256;
    }
}
