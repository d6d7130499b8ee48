package org.bulkfhir.client.export;

import java.util.Locale;
import java.util.regex.Pattern;

/** Where the export runs: the whole system, all patients, or one Group's members. */
public record ExportLevel(Kind kind, String groupId) {
    public enum Kind { SYSTEM, PATIENT, GROUP }

    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    public static final ExportLevel SYSTEM = new ExportLevel(Kind.SYSTEM, null);
    public static final ExportLevel PATIENT = new ExportLevel(Kind.PATIENT, null);

    public static ExportLevel group(String id) {
        if (id == null || !FHIR_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("'" + id + "' is not a FHIR id (letters, digits, '-' and '.', up to 64)");
        }
        return new ExportLevel(Kind.GROUP, id);
    }

    /** {@code system}, {@code patient} or {@code group:ID}. */
    public static ExportLevel parse(String text) {
        String t = text == null ? "" : text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("system")) {
            return SYSTEM;
        }
        if (lower.equals("patient")) {
            return PATIENT;
        }
        if (lower.startsWith("group:")) {
            return group(t.substring("group:".length()));
        }
        throw new IllegalArgumentException("unknown export level '" + text + "': use system, patient or group:ID");
    }

    /** The path below the FHIR base. */
    public String path() {
        return switch (kind) {
            case SYSTEM -> "$export";
            case PATIENT -> "Patient/$export";
            case GROUP -> "Group/" + groupId + "/$export";
        };
    }

    @Override
    public String toString() {
        return kind == Kind.GROUP ? "group:" + groupId : kind.name().toLowerCase(Locale.ROOT);
    }
}
