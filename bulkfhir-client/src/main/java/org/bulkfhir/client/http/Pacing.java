package org.bulkfhir.client.http;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait between attempts, and how many attempts to make. One object so that tests
 * can shrink every delay at once instead of sleeping for real.
 *
 * @param initialBackoff first delay when the server gives no {@code Retry-After}
 * @param maxBackoff exponential backoff stops growing here
 * @param maxRetryAfter a server's {@code Retry-After} is honoured up to this; longer values are
 *     logged and capped, because some EHRs answer with hours
 * @param transientRetries consecutive transient failures (5xx, transient OperationOutcomes,
 *     connection errors) tolerated before giving up
 * @param fileAttempts attempts per file download (each a resume when possible)
 */
public record Pacing(Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter, int transientRetries,
        int fileAttempts, Pauser pauser, Clock clock) {

    public static Pacing defaults() {
        return new Pacing(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(60), 8, 6,
                Pauser.SLEEP, Clock.systemUTC());
    }

    public Pacing withPauser(Pauser p) {
        return new Pacing(initialBackoff, maxBackoff, maxRetryAfter, transientRetries, fileAttempts, p, clock);
    }

    public Pacing withMaxRetryAfter(Duration d) {
        return new Pacing(initialBackoff, maxBackoff, d, transientRetries, fileAttempts, pauser, clock);
    }

    public Pacing withClock(Clock c) {
        return new Pacing(initialBackoff, maxBackoff, maxRetryAfter, transientRetries, fileAttempts, pauser, c);
    }

    /**
     * Exponential backoff with jitter: the n-th consecutive wait (n from 0) is a random value
     * between half and all of {@code initial·2ⁿ}, capped. Jitter keeps parallel downloads that
     * failed together from retrying together.
     */
    public Duration backoff(int attempt) {
        long base = initialBackoff.toMillis();
        long cap = maxBackoff.toMillis();
        long full = attempt >= 30 ? cap : Math.min(cap, base << Math.min(attempt, 30));
        long half = full / 2;
        return Duration.ofMillis(half + (full - half == 0 ? 0 : ThreadLocalRandom.current().nextLong(full - half + 1)));
    }

    /** The delay to use: the server's {@code Retry-After} (capped) when it sent one, else backoff. */
    public Duration delay(String retryAfterHeader, int attempt) {
        return RetryAfter.parse(retryAfterHeader, clock)
                .map(d -> RetryAfter.cap(d, maxRetryAfter))
                .orElseGet(() -> backoff(attempt));
    }

    public void pause(Duration d) {
        try {
            pauser.pause(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.bulkfhir.client.BulkDataException(org.bulkfhir.client.BulkDataException.Kind.INTERRUPTED,
                    "interrupted");
        }
    }
}
