package org.bulkfhir.server.export;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts downloads in progress per job on this node, so the janitor leaves an expired job's
 * files alone while a client is still reading them (S-16).
 */
public final class DownloadTracker {
    private final ConcurrentHashMap<String, AtomicInteger> active = new ConcurrentHashMap<>();

    public void started(String jobId) {
        active.computeIfAbsent(jobId, k -> new AtomicInteger()).incrementAndGet();
    }

    public void finished(String jobId) {
        active.computeIfPresent(jobId, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    public boolean busy(String jobId) {
        AtomicInteger n = active.get(jobId);
        return n != null && n.get() > 0;
    }
}
