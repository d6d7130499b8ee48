package org.bulkfhir.server.export.http;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.bulkfhir.store.export.JobRow;

/**
 * Holds a status request of a running job for a moment, answering as soon as the job reaches an
 * end state: a short export's client then gets its manifest when the job finishes, not a whole
 * Retry-After (at least a second) later.
 *
 * <p>The job row is re-read from the database, so a job finishing on another node is seen too.
 * Each hold occupies a request thread, so only a few run at once; a poll that finds no free
 * slot is answered immediately, as without a hold.
 */
final class StatusHold {
    private static final long RECHECK_MILLIS = 25;
    private static final int MAX_CONCURRENT_HOLDS = 16;

    private final long holdMillis;
    private final Semaphore slots = new Semaphore(MAX_CONCURRENT_HOLDS);

    StatusHold(Duration hold) {
        this.holdMillis = hold.toMillis();
    }

    /**
     * The job as it stands when it ended or when the hold ran out, whichever came first. With
     * {@code sealedFiles} (a job with {@code allowPartialManifests}), also as soon as the first
     * manifest page fills ({@code pageSize} files), since the answer then lists files it could not
     * before. An early answer that lists nothing new would only cost the client a Retry-After.
     */
    JobRow await(JobRow running, Function<String, JobRow> reload, IntSupplier sealedFiles, int pageSize) {
        if (holdMillis <= 0 || !slots.tryAcquire()) {
            return running;
        }
        try {
            long deadline = System.nanoTime() + holdMillis * 1_000_000;
            boolean awaitFirstPage = sealedFiles != null && sealedFiles.getAsInt() < pageSize;
            JobRow job = running;
            while (!ended(job) && System.nanoTime() < deadline) {
                Thread.sleep(RECHECK_MILLIS);
                job = reload.apply(job.id());
                if (awaitFirstPage && sealedFiles.getAsInt() >= pageSize) {
                    break;
                }
            }
            return job;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return running;
        } finally {
            slots.release();
        }
    }

    private static boolean ended(JobRow job) {
        return !job.status().active();
    }
}
