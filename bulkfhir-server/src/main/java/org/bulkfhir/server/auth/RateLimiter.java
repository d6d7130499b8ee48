package org.bulkfhir.server.auth;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per key (a caller address): {@code perMinute} requests a minute on average, with
 * bursts up to that many. Per node, in memory: it keeps one address from starving the others on
 * this node (S-17) before any work is done, and a flood of spoofed or rotating addresses costs
 * no database writes. Limits per client, which must hold across nodes, are {@link SharedRateLimiter}.
 */
public final class RateLimiter implements RequestLimiter {
    private static final int MAX_KEYS = 100_000;

    private final double capacity;
    private final double perMilli;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }

    public RateLimiter(int perMinute, Clock clock) {
        this.capacity = perMinute;
        this.perMilli = perMinute / 60_000.0;
        this.clock = clock;
    }

    @Override
    public long acquire(String key) {
        long now = clock.millis();
        if (buckets.size() > MAX_KEYS) {
            // Full buckets carry no information; dropping them bounds memory under address spraying.
            buckets.entrySet().removeIf(e -> refill(e.getValue(), now) >= capacity);
        }
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(capacity, now));
        synchronized (b) {
            b.tokens = refill(b, now);
            b.updated = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - b.tokens) / perMilli / 1000.0));
        }
    }

    private double refill(Bucket b, long now) {
        synchronized (b) {
            return Math.min(capacity, b.tokens + (now - b.updated) * perMilli);
        }
    }
}
