package org.bulkfhir.core.fhir;

/** FHIR logical ids. */
public final class FhirIds {
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
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
