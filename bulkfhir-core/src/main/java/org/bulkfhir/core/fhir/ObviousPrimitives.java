package org.bulkfhir.core.fhir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Primitive values that are plainly valid for their FHIR type, recognised without HAPI: a JSON
 * boolean for a boolean, a JSON number for a decimal, a small JSON integer for an integer, a
 * strict {@code YYYY-MM-DD} or full timestamp with a real calendar day for a date, dateTime or
 * instant. Most values of real data are such, and setting each on a HAPI instance cost more than
 * the rest of a write's checks together. Anything not recognised here is not rejected but left
 * to HAPI, so this can only make a check faster, never different.
 */
final class ObviousPrimitives {
    private ObviousPrimitives() {
    }

    /** True when {@code value} is surely a valid value of the FHIR primitive type {@code type}. */
    static boolean valid(String type, JsonNode value) {
        return switch (type) {
            case "boolean" -> value.isBoolean();
            case "decimal" -> value.isNumber();
            case "integer" -> value.isInt();
            case "positiveInt" -> value.isInt() && value.intValue() >= 1;
            case "unsignedInt" -> value.isInt() && value.intValue() >= 0;
            case "date" -> value.isTextual() && date(value.asText(), false, false);
            case "dateTime" -> value.isTextual() && date(value.asText(), true, false);
            case "instant" -> value.isTextual() && date(value.asText(), true, true);
            case "base64Binary" -> value.isTextual() && base64(value.asText());
            default -> false;
        };
    }

    /**
     * {@code YYYY}, {@code YYYY-MM}, {@code YYYY-MM-DD} (not for an instant), and with {@code time}
     * also {@code YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)}; years 1000 to 2999.
     */
    static boolean date(String s, boolean time, boolean instant) {
        int n = s.length();
        if (n != 4 && n != 7 && n != 10 && !(time && n >= 20)) {
            return false;
        }
        if (instant && n < 20) {
            return false;
        }
        int year = number(s, 0, 4);
        if (year < 1000 || year > 2999) {
            return false;
        }
        if (n == 4) {
            return true;
        }
        int month = s.charAt(4) == '-' ? number(s, 5, 7) : -1;
        if (month < 1 || month > 12) {
            return false;
        }
        if (n == 7) {
            return true;
        }
        int day = s.charAt(7) == '-' ? number(s, 8, 10) : -1;
        if (day < 1 || day > daysIn(year, month)) {
            return false;
        }
        if (n == 10) {
            return true;
        }
        if (s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return false;
        }
        int hour = number(s, 11, 13);
        int minute = number(s, 14, 16);
        int second = number(s, 17, 19);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return false;
        }
        int at = 19;
        if (s.charAt(at) == '.') {
            int digits = 0;
            at++;
            while (at < n && Character.isDigit(s.charAt(at)) && s.charAt(at) < 128) {
                at++;
                digits++;
            }
            if (digits < 1 || digits > 3 || at >= n) {
                return false;
            }
        }
        char zone = s.charAt(at);
        if (zone == 'Z') {
            return at + 1 == n;
        }
        if ((zone != '+' && zone != '-') || at + 6 != n || s.charAt(at + 3) != ':') {
            return false;
        }
        int offsetHours = number(s, at + 1, at + 3);
        int offsetMinutes = number(s, at + 4, at + 6);
        return offsetHours >= 0 && offsetHours <= 14 && offsetMinutes >= 0 && offsetMinutes <= 59;
    }

    /** Canonical base64: the alphabet, padded to a multiple of four. */
    static boolean base64(String s) {
        int n = s.length();
        if (n == 0 || n % 4 != 0) {
            return false;
        }
        int padding = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '=') {
                padding++;
                if (i < n - 2) {
                    return false;
                }
            } else if (padding > 0 || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    private static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** The ASCII digits {@code s[from, to)} as a number, or -1. */
    private static int number(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
