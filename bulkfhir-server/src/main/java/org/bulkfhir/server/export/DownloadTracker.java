package org.bulkfhir.server.export;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bulkfhir.store.export.ExportJobRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads in progress, so no node's janitor removes an expired job's files while a client is
 * still reading them (S-16). Each node counts its own downloads and, while it has any of a job,
 * keeps pushing the job's {@code download_until} forward in the database, where every node's
 * janitor looks. A node that dies stops pushing, and the hold lapses one lease later.
 */
public final class DownloadTracker {
    private static final Logger LOG = LoggerFactory.getLogger(DownloadTracker.class);

    private final ConcurrentHashMap<String, AtomicInteger> active = new ConcurrentHashMap<>();
    private final ExportJobRepository jobs;
    private final long holdMillis;

    DownloadTracker(ExportJobRepository jobs, long holdMillis) {
        this.jobs = jobs;
        this.holdMillis = holdMillis;
    }

    public void started(String jobId) {
        active.computeIfAbsent(jobId, k -> new AtomicInteger()).incrementAndGet();
        hold(jobId, System.currentTimeMillis());
    }

    public void finished(String jobId) {
        active.computeIfPresent(jobId, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** Whether this node is serving a file of the job right now. */
    public boolean busy(String jobId) {
        AtomicInteger n = active.get(jobId);
        return n != null && n.get() > 0;
    }

    /** Renews the shared hold of every job this node is serving. */
    void renew(long now) {
        for (String jobId : active.keySet()) {
            hold(jobId, now);
        }
    }

    private void hold(String jobId, long now) {
        try {
            jobs.downloading(jobId, now + holdMillis);
        } catch (RuntimeException e) {
            // The local count still protects downloads on this node; the next renewal tries again.
            LOG.warn("could not record the download of export {}: {}", jobId, e.getMessage());
        }
    }
}
