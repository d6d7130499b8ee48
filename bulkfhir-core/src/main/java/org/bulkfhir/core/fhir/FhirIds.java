package org.bulkfhir.core.fhir;

/** FHIR logical ids. */
public final class FhirIds {
    /** The characters an id may hold, by ASCII code: a table lookup is cheaper than five comparisons. */
    private static final boolean[] ALLOWED = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            ALLOWED[c] = true;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            ALLOWED[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            ALLOWED[c] = true;
        }
        ALLOWED['-'] = true;
        ALLOWED['.'] = true;
    }

    private FhirIds() {
    }

    /** {@code [A-Za-z0-9\-.]{1,64}}, checked by hand: a regex here showed up in load profiles. */
    public static boolean isValid(String id) {
        if (id == null) {
            return false;
        }
        int n = id.length();
        if (n == 0 || n > 64) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (c >= 128 || !ALLOWED[c]) {
                return false;
            }
        }
        return true;
    }
}
