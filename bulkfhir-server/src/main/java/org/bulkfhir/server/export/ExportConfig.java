package org.bulkfhir.server.export;

import java.nio.file.Path;
import java.time.Duration;

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
        Duration statusHold) {

    public static ExportConfig defaults(Path dataDir) {
        return new ExportConfig(dataDir.resolve("export-files"), Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                256L * 1024 * 1024, Duration.ofHours(2), 4, Duration.ofSeconds(60), 50_000, 500, 3, 0,
                Duration.ofMinutes(1), Duration.ofMillis(500), 1000, Duration.ofSeconds(1));
    }

    public ExportConfig withFilesDir(Path dir) {
        return new ExportConfig(dir, workers, fileSplitBytes, expiry, maxActiveJobsPerClient, lease, rowsPerTask,
                patientsPerTask, maxAttempts, resourcesPerSecondPerWorker, janitorInterval, minPollInterval, manifestPageSize, statusHold);
    }

    public ExportConfig withWorkers(int n) {
        return new ExportConfig(filesDir, n, fileSplitBytes, expiry, maxActiveJobsPerClient, lease, rowsPerTask,
                patientsPerTask, maxAttempts, resourcesPerSecondPerWorker, janitorInterval, minPollInterval, manifestPageSize, statusHold);
    }

    public ExportConfig withFileSplitBytes(long bytes) {
        return new ExportConfig(filesDir, workers, bytes, expiry, maxActiveJobsPerClient, lease, rowsPerTask,
                patientsPerTask, maxAttempts, resourcesPerSecondPerWorker, janitorInterval, minPollInterval, manifestPageSize, statusHold);
    }

    public ExportConfig withExpiry(Duration d) {
        return new ExportConfig(filesDir, workers, fileSplitBytes, d, maxActiveJobsPerClient, lease, rowsPerTask,
                patientsPerTask, maxAttempts, resourcesPerSecondPerWorker, janitorInterval, minPollInterval, manifestPageSize, statusHold);
    }

    public ExportConfig withMaxActiveJobsPerClient(int n) {
        return new ExportConfig(filesDir, workers, fileSplitBytes, expiry, n, lease, rowsPerTask,
                patientsPerTask, maxAttempts, resourcesPerSecondPerWorker, janitorInterval, minPollInterval, manifestPageSize, statusHold);
    }

    public ExportConfig withLease(Duration d) {
        return new ExportConfig(filesDir, workers, fileSplitBytes, expiry, maxActiveJobsPerClient, d, rowsPerTask,
                patientsPerTask, maxAttempts, resourcesPerSecondPerWorker, janitorInterval, minPollInterval, manifestPageSize, statusHold);
    }

    public ExportConfig withTaskSizes(int rows, int patients) {
        return new ExportConfig(filesDir, workers, fileSplitBytes, expiry, maxActiveJobsPerClient, lease, rows,
                patients, maxAttempts, resourcesPerSecondPerWorker, janitorInterval, minPollInterval, manifestPageSize, statusHold);
    }

    public ExportConfig withThrottle(int resourcesPerSecond) {
        return new ExportConfig(filesDir, workers, fileSplitBytes, expiry, maxActiveJobsPerClient, lease, rowsPerTask,
                patientsPerTask, maxAttempts, resourcesPerSecond, janitorInterval, minPollInterval, manifestPageSize, statusHold);
    }

    public ExportConfig withJanitorInterval(Duration d) {
        return new ExportConfig(filesDir, workers, fileSplitBytes, expiry, maxActiveJobsPerClient, lease, rowsPerTask,
                patientsPerTask, maxAttempts, resourcesPerSecondPerWorker, d, minPollInterval, manifestPageSize, statusHold);
    }

    public ExportConfig withMinPollInterval(Duration d) {
        return new ExportConfig(filesDir, workers, fileSplitBytes, expiry, maxActiveJobsPerClient, lease, rowsPerTask,
                patientsPerTask, maxAttempts, resourcesPerSecondPerWorker, janitorInterval, d, manifestPageSize, statusHold);
    }

    public ExportConfig withManifestPageSize(int n) {
        return new ExportConfig(filesDir, workers, fileSplitBytes, expiry, maxActiveJobsPerClient, lease, rowsPerTask,
                patientsPerTask, maxAttempts, resourcesPerSecondPerWorker, janitorInterval, minPollInterval, n, statusHold);
    }

    public ExportConfig withStatusHold(Duration d) {
        return new ExportConfig(filesDir, workers, fileSplitBytes, expiry, maxActiveJobsPerClient, lease, rowsPerTask,
                patientsPerTask, maxAttempts, resourcesPerSecondPerWorker, janitorInterval, minPollInterval,
                manifestPageSize, d);
    }
}
