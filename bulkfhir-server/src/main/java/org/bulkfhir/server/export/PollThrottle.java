package org.bulkfhir.server.export;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Spots clients polling a running job much faster than the {@code Retry-After} they were given
 * (S-50). A poll is early when it comes less than a quarter of the advertised delay (and at
 * least the configured minimum) after the last answered poll; early polls get 429 and do not
 * reset the clock, so a client cannot creep forward by hammering.
 */
public final class PollThrottle {
    private record Last(long at, long advertisedMillis) {
    }

    private final ConcurrentHashMap<String, Last> last = new ConcurrentHashMap<>();
    private final long minIntervalMillis;

    public PollThrottle(long minIntervalMillis) {
        this.minIntervalMillis = minIntervalMillis;
    }

    /** Milliseconds the caller must still wait, or 0 when this poll may be answered. */
    public long tooEarly(String key, long now) {
        Last l = last.get(key);
        if (l == null) {
            return 0;
        }
        long threshold = Math.max(minIntervalMillis, l.advertisedMillis() / 4);
        long waited = now - l.at();
        return waited >= threshold ? 0 : threshold - waited;
    }

    public void answered(String key, long now, long advertisedMillis) {
        last.put(key, new Last(now, advertisedMillis));
    }

    public void forget(String key) {
        last.remove(key);
    }
}
