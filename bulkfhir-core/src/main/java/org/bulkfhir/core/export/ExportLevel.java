package org.bulkfhir.core.export;

/** The three kick-off endpoints of the Bulk Data IG. */
public enum ExportLevel {
    SYSTEM("system"),
    PATIENT("patient"),
    GROUP("group");

    private final String code;

    ExportLevel(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static ExportLevel ofCode(String code) {
        for (ExportLevel l : values()) {
            if (l.code.equals(code)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown export level '" + code + "'");
    }
}
