package org.bulkfhir.core.search;

/** The comparison prefixes of date and quantity values (FHIR R4 search §3.1.1.4.2). */
public enum SearchPrefix {
    EQ, NE, GT, LT, GE, LE, SA, EB, AP;

    /** The prefix at the start of {@code value}, or null when it starts with none. */
    static SearchPrefix at(String value) {
        if (value.length() < 2 || !Character.isLetter(value.charAt(0)) || !Character.isLetter(value.charAt(1))) {
            return null;
        }
        try {
            return valueOf(value.substring(0, 2).toUpperCase());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public String code() {
        return name().toLowerCase();
    }
}
