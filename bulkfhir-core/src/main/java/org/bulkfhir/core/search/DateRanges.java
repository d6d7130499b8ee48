package org.bulkfhir.core.search;

import java.time.LocalDate;

/**
 * FHIR date, dateTime and instant strings as the inclusive range of epoch milliseconds their
 * precision covers: {@code 2020} is all of 2020, {@code 2020-03-01T10:15:00Z} is that second.
 *
 * <p>Parsed from the lexical form rather than through {@code BaseDateTimeType.getValue()},
 * because HAPI reads a dateTime without an offset in the JVM's default time zone, which would
 * make the index depend on where the loader ran. A value without an offset is taken as UTC.
 */
public final class DateRanges {
    public static final long OPEN_LOW = Long.MIN_VALUE;
    public static final long OPEN_HIGH = Long.MAX_VALUE;

    private DateRanges() {
    }

    /** The lowest millisecond of {@code value}, or {@link #OPEN_LOW} if it is absent or malformed. */
    public static long low(String value) {
        long[] r = range(value);
        return r == null ? OPEN_LOW : r[0];
    }

    /** The highest millisecond of {@code value}, or {@link #OPEN_HIGH} if it is absent or malformed. */
    public static long high(String value) {
        long[] r = range(value);
        return r == null ? OPEN_HIGH : r[1];
    }

    /** {@code [low, high]}, or null if {@code value} is not a FHIR date, dateTime or instant. */
    public static long[] range(String value) {
        if (value == null) {
            return null;
        }
        String s = value.trim();
        int n = s.length();
        if (n < 4) {
            return null;
        }
        try {
            int year = digits(s, 0, 4);
            if (n == 4) {
                long low = epochDay(year, 1, 1);
                return days(low, epochDay(year + 1, 1, 1));
            }
            expect(s, 4, '-');
            int month = digits(s, 5, 7);
            if (n == 7) {
                LocalDate first = LocalDate.of(year, month, 1);
                return days(first.toEpochDay(), first.plusMonths(1).toEpochDay());
            }
            expect(s, 7, '-');
            int day = digits(s, 8, 10);
            long epochDay = LocalDate.of(year, month, day).toEpochDay();
            if (n == 10) {
                return days(epochDay, epochDay + 1);
            }
            expect(s, 10, 'T');
            int hour = digits(s, 11, 13);
            expect(s, 13, ':');
            int minute = digits(s, 14, 16);
            int i = 16;
            int second = 0;
            int millis = 0;
            long span; // width of the precision in ms, minus one
            if (i < n && s.charAt(i) == ':') {
                second = digits(s, 17, 19);
                i = 19;
                span = 999;
                if (i < n && s.charAt(i) == '.') {
                    int start = ++i;
                    while (i < n && Character.isDigit(s.charAt(i))) {
                        i++;
                    }
                    int fracDigits = i - start;
                    if (fracDigits == 0) {
                        return null;
                    }
                    String frac = s.substring(start, Math.min(i, start + 3));
                    millis = Integer.parseInt(frac);
                    for (int k = frac.length(); k < 3; k++) {
                        millis *= 10;
                    }
                    span = fracDigits >= 3 ? 0 : (fracDigits == 2 ? 9 : 99);
                }
            } else {
                span = 59_999;
            }
            int offsetSeconds = 0;
            if (i < n) {
                char z = s.charAt(i);
                if (z == 'Z' && i + 1 == n) {
                    offsetSeconds = 0;
                } else if ((z == '+' || z == '-') && n - i == 6 && s.charAt(i + 3) == ':') {
                    int oh = digits(s, i + 1, i + 3);
                    int om = digits(s, i + 4, i + 6);
                    offsetSeconds = (z == '-' ? -1 : 1) * (oh * 3600 + om * 60);
                } else {
                    return null;
                }
            }
            if (hour > 24 || minute > 59 || second > 60) {
                return null;
            }
            long low = (epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds) * 1000L + millis;
            return new long[] {low, low + span};
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long[] days(long firstDay, long dayAfterLast) {
        return new long[] {firstDay * 86_400_000L, dayAfterLast * 86_400_000L - 1};
    }

    private static long epochDay(int year, int month, int day) {
        return LocalDate.of(year, month, day).toEpochDay();
    }

    private static void expect(String s, int at, char c) {
        if (s.charAt(at) != c) {
            throw new IllegalArgumentException();
        }
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException();
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
