package org.bulkfhir.core.fhir;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * FHIR {@code instant}: a date, a time with at least seconds, and a mandatory zone. Both roles
 * validate it strictly because malformed instants (a {@code -4:00} offset, missing seconds) were
 * silently dropped or mangled by real implementations.
 */
public final class FhirInstant {
    // The regex of the FHIR R4 instant datatype.
    private static final Pattern INSTANT = Pattern.compile(
            "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])"
                    + "T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]{1,9})?(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))");
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneOffset.UTC);

    private FhirInstant() {
    }

    /** Epoch milliseconds as a FHIR instant in UTC with millisecond precision. */
    public static String format(long epochMillis) {
        return MILLIS.format(Instant.ofEpochMilli(epochMillis));
    }

    public static boolean isValid(String value) {
        return value != null && INSTANT.matcher(value).matches();
    }

    /**
     * Parses a FHIR instant to epoch milliseconds (sub-millisecond digits are truncated).
     *
     * @throws IllegalArgumentException naming what is wrong, safe to show a user
     */
    public static long parse(String value) {
        if (!isValid(value)) {
            throw new IllegalArgumentException("'" + value + "' is not a FHIR instant: it needs a date, a time with"
                    + " seconds and a time zone, e.g. 2024-01-31T09:30:00Z or 2024-01-31T09:30:00.000-04:00");
        }
        try {
            return OffsetDateTime.parse(value.replace(":60", ":59")).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not a valid FHIR instant: " + e.getMessage(), e);
        }
    }
}
