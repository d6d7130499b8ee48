package org.bulkfhir.server.export.output;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;

/**
 * Where export files go: a local (or shared) directory, or an S3-compatible bucket. The engine
 * writes a task's files through {@link #create}, makes them visible all at once when the task
 * completes, and removes a job's files on DELETE or expiry; the file endpoint reads them back.
 * Names are {@code <jobId>/<name>}, fixed by the task, so a re-run replaces what an earlier run
 * of the same task published.
 */
public interface OutputStore extends AutoCloseable {

    /** Checks the store is usable (directory writable, bucket reachable) before the node serves. */
    void open() throws IOException;

    /** A new file of one run of a task ({@code attempt} tells runs apart); nobody sees it until published. */
    PendingFile create(String jobId, String name, String attempt) throws IOException;

    /**
     * Bytes {@code [first, first + length)} of a published file.
     *
     * @throws java.nio.file.NoSuchFileException when the file is gone (removed, expired)
     */
    InputStream read(String jobId, String name, long first, long length) throws IOException;

    /** Removes every file of a job, including what unfinished runs left behind. */
    void deleteJob(String jobId) throws IOException;

    /**
     * A URL from which a client fetches the file without a token and without this server, valid
     * no later than {@code notAfter}; empty when files are served by this server.
     */
    Optional<String> directUrl(String jobId, String name, Instant notAfter);

    /** Whether {@link #directUrl} hands out URLs, so manifests need no token for the files. */
    boolean servesDirectly();

    /** Where the files are, for the start-up line and logs (no secrets). */
    String describe();

    @Override
    default void close() {
    }
}
