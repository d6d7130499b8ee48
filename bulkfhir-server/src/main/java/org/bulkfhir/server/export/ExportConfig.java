package org.bulkfhir.server.export;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Export engine settings.
 *
 * @param filesDir where export files are written (shared by all nodes of a deployment)
 * @param workers worker threads on this node; 0 runs no workers (an API-only node)
 * @param fileSplitBytes a file is closed and the next one started once it reaches this size
 * @param expiry how long files stay available after a job completes
 * @param maxActiveJobsPerClient running jobs a client may have before kick-off answers 429
 * @param lease how long a claimed task stays with its worker without a heartbeat
 * @param rowsPerTask system level: stored rows per task (key-range size)
 * @param patientsPerTask Patient/Group level: patients per task
 * @param maxAttempts a task that fails this many times fails its job
 * @param resourcesPerSecondPerWorker throttle on the export read load (0 = unlimited), to keep
 *     exports from starving the rest of the database (S-17)
 * @param janitorInterval how often expired jobs are removed
 * @param minPollInterval polls of a running job closer together than this get 429 (S-50); it is
 *     also the smallest Retry-After the status endpoint advertises
 * @param manifestPageSize with {@code allowPartialManifests}, files per manifest page (S-66)
 * @param statusHold how long a status request of a running job may wait for it to finish before
 *     answering 202, so a short export's manifest is answered at once instead of one Retry-After
 *     later; zero answers at once
 * @param sha256 also record each file's SHA-256 (the manifest always has its CRC-32C); it costs
 *     about a quarter of a system export's CPU
 */
public record ExportConfig(
        Path filesDir,
        int workers,
        long fileSplitBytes,
        Duration expiry,
        int maxActiveJobsPerClient,
        Duration lease,
        int rowsPerTask,
        int patientsPerTask,
        int maxAttempts,
        int resourcesPerSecondPerWorker,
        Duration janitorInterval,
        Duration minPollInterval,
        int manifestPageSize,
        Duration statusHold,
        boolean sha256) {

    public static ExportConfig defaults(Path dataDir) {
        return new ExportConfig(dataDir.resolve("export-files"), Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                256L * 1024 * 1024, Duration.ofHours(2), 4, Duration.ofSeconds(60), 50_000, 500, 3, 0,
                Duration.ofMinutes(1), Duration.ofMillis(500), 1000, Duration.ofSeconds(1), false);
    }

    public ExportConfig withFilesDir(Path dir) {
        return with(c -> c.filesDir = dir);
    }

    public ExportConfig withWorkers(int n) {
        return with(c -> c.workers = n);
    }

    public ExportConfig withFileSplitBytes(long bytes) {
        return with(c -> c.fileSplitBytes = bytes);
    }

    public ExportConfig withExpiry(Duration d) {
        return with(c -> c.expiry = d);
    }

    public ExportConfig withMaxActiveJobsPerClient(int n) {
        return with(c -> c.maxActiveJobsPerClient = n);
    }

    public ExportConfig withLease(Duration d) {
        return with(c -> c.lease = d);
    }

    public ExportConfig withTaskSizes(int rows, int patients) {
        return with(c -> {
            c.rowsPerTask = rows;
            c.patientsPerTask = patients;
        });
    }

    public ExportConfig withThrottle(int resourcesPerSecond) {
        return with(c -> c.resourcesPerSecondPerWorker = resourcesPerSecond);
    }

    public ExportConfig withJanitorInterval(Duration d) {
        return with(c -> c.janitorInterval = d);
    }

    public ExportConfig withMinPollInterval(Duration d) {
        return with(c -> c.minPollInterval = d);
    }

    public ExportConfig withManifestPageSize(int n) {
        return with(c -> c.manifestPageSize = n);
    }

    public ExportConfig withStatusHold(Duration d) {
        return with(c -> c.statusHold = d);
    }

    public ExportConfig withSha256(boolean on) {
        return with(c -> c.sha256 = on);
    }

    /** Rows per second the workers read when nothing else competes: the throttle if set, else a prior. */
    public double expectedRowsPerSecond() {
        return resourcesPerSecondPerWorker > 0 ? (double) resourcesPerSecondPerWorker * Math.max(1, workers)
                : Progress.UNTHROTTLED_ROWS_PER_SECOND;
    }

    private ExportConfig with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /** A field-by-field copy to change settings on and build a new config from. */
    private static final class Copy {
        Path filesDir;
        int workers;
        long fileSplitBytes;
        Duration expiry;
        int maxActiveJobsPerClient;
        Duration lease;
        int rowsPerTask;
        int patientsPerTask;
        int maxAttempts;
        int resourcesPerSecondPerWorker;
        Duration janitorInterval;
        Duration minPollInterval;
        int manifestPageSize;
        Duration statusHold;
        boolean sha256;

        Copy(ExportConfig from) {
            filesDir = from.filesDir;
            workers = from.workers;
            fileSplitBytes = from.fileSplitBytes;
            expiry = from.expiry;
            maxActiveJobsPerClient = from.maxActiveJobsPerClient;
            lease = from.lease;
            rowsPerTask = from.rowsPerTask;
            patientsPerTask = from.patientsPerTask;
            maxAttempts = from.maxAttempts;
            resourcesPerSecondPerWorker = from.resourcesPerSecondPerWorker;
            janitorInterval = from.janitorInterval;
            minPollInterval = from.minPollInterval;
            manifestPageSize = from.manifestPageSize;
            statusHold = from.statusHold;
            sha256 = from.sha256;
        }

        ExportConfig build() {
            return new ExportConfig(filesDir, workers, fileSplitBytes, expiry, maxActiveJobsPerClient, lease, rowsPerTask,
                    patientsPerTask, maxAttempts, resourcesPerSecondPerWorker, janitorInterval, minPollInterval, manifestPageSize, statusHold,
                    sha256);
        }
    }
}
