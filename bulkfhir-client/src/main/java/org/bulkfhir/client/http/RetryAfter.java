package org.bulkfhir.client.http;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Retry-After} is either delta-seconds ({@code 120}) or an HTTP-date; both occur in the
 * field, and clients that only read integers turn a date into "retry now".
 */
public final class RetryAfter {
    private static final Logger LOG = LoggerFactory.getLogger(RetryAfter.class);

    private RetryAfter() {
    }

    /** The wait the header asks for; empty when absent or unreadable. A date in the past is zero. */
    public static Optional<Duration> parse(String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String v = header.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            } catch (NumberFormatException e) {
                return Optional.of(Duration.ofDays(365)); // absurdly many digits: capped by the caller
            }
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration d = Duration.between(clock.instant(), at.toInstant());
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            LOG.debug("Ignoring unreadable Retry-After '{}'", v);
            return Optional.empty();
        }
    }

    /** Caps a server-requested wait, saying so when it is cut, since a silent cap looks like a bug. */
    public static Duration cap(Duration requested, Duration max) {
        if (requested.compareTo(max) > 0) {
            LOG.info("Server asked to wait {}s (Retry-After); waiting {}s instead", requested.toSeconds(), max.toSeconds());
            return max;
        }
        return requested;
    }
}
