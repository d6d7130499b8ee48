package org.bulkfhir.server.auth;

/** {@code open}: no checks, every caller may do everything; {@code smart}: SMART Backend Services tokens required. */
public enum AuthMode {
    OPEN, SMART;

    public static AuthMode parse(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "open" -> OPEN;
            case "smart" -> SMART;
            default -> throw new IllegalArgumentException("Unknown auth mode '" + text + "': use open or smart");
        };
    }
}
