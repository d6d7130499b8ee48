package org.bulkfhir.core.search;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one string normalization of search: used when values are indexed and when a filter's
 * values are compared with them, so both sides always agree.
 */
public final class SearchText {
    /** Indexed strings are cut to this many chars. */
    public static final int MAX_LENGTH = 200;
    private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");

    private SearchText() {
    }

    /** Lower-cased, accents stripped, at most {@value #MAX_LENGTH} chars; null stays null. */
    public static String normalize(String s) {
        if (s == null) {
            return null;
        }
        boolean ascii = true;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (!ascii) {
            // Lower-case first: some upper-case letters lower-case into a base letter plus a mark.
            lower = COMBINING_MARKS.matcher(Normalizer.normalize(lower, Normalizer.Form.NFD)).replaceAll("");
        }
        return truncate(lower);
    }

    /** At most {@value #MAX_LENGTH} chars, never cutting a surrogate pair. */
    public static String truncate(String s) {
        if (s == null || s.length() <= MAX_LENGTH) {
            return s;
        }
        int end = MAX_LENGTH;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
