package org.bulkfhir.client.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The scope to request when the user names none: only what the export needs (C-9), in the
 * SMART v2 syntax ({@code .rs}) when the server advertises it, else v1 ({@code .read}).
 */
public final class Scopes {
    private Scopes() {
    }

    public static boolean serverSpeaksV2(SmartConfiguration config) {
        if (config == null) {
            return false;
        }
        if (config.capabilities().contains("permission-v2")) {
            return true;
        }
        return config.scopes().stream().anyMatch(s -> s.startsWith("system/") && s.matches(".*\\.c?r?u?d?s$"))
                && !config.capabilities().contains("permission-v1");
    }

    /** @param types the export's {@code _type} list (empty: everything) */
    public static String forExport(List<String> types, boolean groupLevel, boolean v2) {
        String read = v2 ? ".rs" : ".read";
        if (types.isEmpty()) {
            return "system/*" + read;
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (String t : types) {
            scopes.add("system/" + t + read);
        }
        if (groupLevel) {
            scopes.add("system/Group" + read); // servers should require Group read for a Group export (3.0)
        }
        return String.join(" ", new ArrayList<>(scopes));
    }
}
