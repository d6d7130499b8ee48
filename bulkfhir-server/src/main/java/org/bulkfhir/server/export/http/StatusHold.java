package org.bulkfhir.server.export.http;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.bulkfhir.store.export.JobRow;

/**
 * Holds a status request of a running job for a moment, answering as soon as the job reaches an
 * end state: a short export's client then gets its manifest when the job finishes, not a whole
 * Retry-After (at least a second) later. With {@code allowPartialManifests} it also answers as
 * soon as the answer has news (files to list, or a {@code next} link), so a client sees a sealed
 * file within moments of its sealing.
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

    /** How long a job will still run, in milliseconds, as far as its progress tells. */
    @FunctionalInterface
    interface Remaining {
        long millis(JobRow job, long nowMillis);
    }

    /**
     * The job as it stands when it ended, when {@code news} (null without partial manifests)
     * says the answer lists something new, or when the hold ran out, whichever came first. An
     * early answer with nothing new would only cost the client a Retry-After, hence the news
     * test rather than any progress of the job. News does not end the hold of a job that
     * {@code remaining} expects to end within it: its client gets the whole manifest at the end
     * instead of a first file now and the rest a Retry-After (at least a second) later.
     */
    JobRow await(JobRow running, Function<String, JobRow> reload, BooleanSupplier news, Remaining remaining) {
        if (holdMillis <= 0 || !slots.tryAcquire()) {
            return running;
        }
        try {
            long deadline = System.nanoTime() + holdMillis * 1_000_000;
            JobRow job = running;
            while (!ended(job)) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                // The estimate is rough early on, and answering with news costs the client at least
                // a one-second Retry-After for the rest: only a job clearly outlasting the hold
                // (by a quarter of it) is answered before it ends.
                if (left <= 0 || (news != null && news.getAsBoolean()
                        && remaining.millis(job, System.currentTimeMillis()) > left + holdMillis / 4)) {
                    break;
                }
                Thread.sleep(RECHECK_MILLIS);
                job = reload.apply(job.id());
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
