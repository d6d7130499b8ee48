package org.bulkfhir.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.export.ExportJobRepository;
import org.bulkfhir.store.export.JobRow;

/**
 * The server's own view of a job, read from its database and file folder: when it was accepted,
 * when it completed, and when its first file was sealed. A client only learns these at its next
 * poll, and {@code Retry-After} counts whole seconds, so for short jobs the client's figures are
 * mostly polling granularity; these are not.
 */
public final class JobTimes {
    private final ExportJobRepository jobs;
    private final Path filesRoot;

    public JobTimes(Database database, Path filesRoot) {
        this.jobs = new ExportJobRepository(database);
        this.filesRoot = filesRoot;
    }

    /**
     * @param seconds accepted to completed
     * @param firstSealedSeconds accepted to the first sealed file (its last write), -1 if unknown
     */
    public record Times(double seconds, double firstSealedSeconds) {
    }

    public Optional<Times> of(String jobId) throws IOException {
        Optional<JobRow> row = jobs.job(jobId);
        if (row.isEmpty() || row.get().completedAt() == null) {
            return Optional.empty();
        }
        JobRow job = row.get();
        long firstSealed = Long.MAX_VALUE;
        Path dir = filesRoot.resolve(jobId);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".ndjson")).toList()) {
                    firstSealed = Math.min(firstSealed, Files.getLastModifiedTime(f).toMillis());
                }
            }
        }
        return Optional.of(new Times((job.completedAt() - job.createdAt()) / 1000.0,
                firstSealed == Long.MAX_VALUE ? -1 : Math.max(0, firstSealed - job.createdAt()) / 1000.0));
    }
}
