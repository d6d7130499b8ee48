package org.bulkfhir.store.generate;

import java.time.LocalDate;

/**
 * The generator's clock. Everything is placed relative to a fixed reference date, never the
 * wall clock, so a seed reproduces the same bytes on any day. Times are epoch seconds in UTC;
 * formatting is done by hand because it runs a few million times per thousand patients and
 * {@code DateTimeFormatter} is the slowest step otherwise.
 */
final class FhirTime {
    static final long DAY = 86_400L;
    static final long HOUR = 3_600L;
    static final long MINUTE = 60L;
    static final double YEAR_DAYS = 365.2425;

    /** The "today" of every generated population. */
    static final long REFERENCE = epochDay(2025, 6, 30) * DAY;
    /** Clinical history starts here: encounters fall between this and {@link #REFERENCE}. */
    static final long WINDOW_START = epochDay(2010, 1, 1) * DAY;
    static final long BIRTH_MIN = epochDay(1930, 1, 1) * DAY;
    static final long BIRTH_MAX = epochDay(2020, 12, 31) * DAY;

    private FhirTime() {
    }

    static long epochDay(int year, int month, int day) {
        return LocalDate.of(year, month, day).toEpochDay();
    }

    static long years(double y) {
        return (long) (y * YEAR_DAYS * DAY);
    }

    static double ageYears(long birth, long at) {
        return (at - birth) / (YEAR_DAYS * DAY);
    }

    static LocalDate date(long epochSecond) {
        return LocalDate.ofEpochDay(Math.floorDiv(epochSecond, DAY));
    }

    static int year(long epochSecond) {
        return date(epochSecond).getYear();
    }

    static int month(long epochSecond) {
        return date(epochSecond).getMonthValue();
    }

    /** FHIR {@code date}: {@code 1957-03-12}. */
    static String dateOnly(long epochSecond) {
        char[] c = new char[10];
        writeDate(c, date(epochSecond));
        return new String(c);
    }

    /** FHIR {@code dateTime} / {@code instant} in UTC: {@code 2015-03-04T10:15:00Z}. */
    static String dateTime(long epochSecond) {
        char[] c = new char[20];
        writeDate(c, date(epochSecond));
        int secs = (int) Math.floorMod(epochSecond, DAY);
        c[10] = 'T';
        two(c, 11, secs / 3600);
        c[13] = ':';
        two(c, 14, secs / 60 % 60);
        c[16] = ':';
        two(c, 17, secs % 60);
        c[19] = 'Z';
        return new String(c);
    }

    private static void writeDate(char[] c, LocalDate d) {
        int y = d.getYear();
        c[0] = (char) ('0' + y / 1000);
        c[1] = (char) ('0' + y / 100 % 10);
        c[2] = (char) ('0' + y / 10 % 10);
        c[3] = (char) ('0' + y % 10);
        c[4] = '-';
        two(c, 5, d.getMonthValue());
        c[7] = '-';
        two(c, 8, d.getDayOfMonth());
    }

    private static void two(char[] c, int at, int v) {
        c[at] = (char) ('0' + v / 10);
        c[at + 1] = (char) ('0' + v % 10);
    }
}
