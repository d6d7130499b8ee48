package org.bulkfhir.server.export;

import org.bulkfhir.store.export.ExportJobRepository;

/**
 * Spots clients polling a running job much faster than the {@code Retry-After} they were given
 * (S-50). A poll is early when it comes less than a quarter of the advertised delay (and at
 * least the configured minimum) after the last answered poll; early polls get 429 and do not
 * reset the clock, so a client cannot creep forward by hammering.
 *
 * <p>The last answered poll is kept on the job's row, so a client that a load balancer sends to
 * another node for each poll is paced the same. Two polls answered at the same instant by two
 * nodes may both pass; that lets one extra poll through, nothing worse.
 */
public final class PollThrottle {
    private final ExportJobRepository jobs;
    private final long minIntervalMillis;

    public PollThrottle(ExportJobRepository jobs, long minIntervalMillis) {
        this.jobs = jobs;
        this.minIntervalMillis = minIntervalMillis;
    }

    /** Milliseconds the caller must still wait, or 0 when this poll may be answered. */
    public long tooEarly(String jobId, long now) {
        return jobs.lastPoll(jobId).map(l -> {
            long threshold = Math.max(minIntervalMillis, l.adviceMillis() / 4);
            long waited = now - l.at();
            return waited >= threshold ? 0 : threshold - waited;
        }).orElse(0L);
    }

    public void answered(String jobId, long now, long advertisedMillis) {
        jobs.polled(jobId, now, advertisedMillis);
    }

    /** Nothing to forget: the pacing lives and dies with the job's row. */
    public void forget(String jobId) {
    }
}
