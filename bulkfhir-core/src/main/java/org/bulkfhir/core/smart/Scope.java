package org.bulkfhir.core.smart;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART {@code system/} scope, in either syntax: v1 ({@code system/Observation.read}) or v2
 * ({@code system/Observation.rs?category=laboratory}). Both map onto the same permission set, so
 * the rest of the server never cares which one a client spoke; the syntax is remembered only so
 * that a granted scope can be written back the way it was asked for (S-96).
 */
public record Scope(String type, Set<Permission> permissions, String constraint, Syntax syntax) {
    /** The v2 permission letters, in the order SMART requires them ({@code c r u d s}). */
    public enum Permission {
        CREATE('c'), READ('r'), UPDATE('u'), DELETE('d'), SEARCH('s');

        final char letter;

        Permission(char letter) {
            this.letter = letter;
        }

        public char letter() {
            return letter;
        }
    }

    public enum Syntax { V1, V2 }

    public static final String ALL_TYPES = "*";
    public static final Set<Permission> V1_READ = Collections.unmodifiableSet(EnumSet.of(Permission.READ, Permission.SEARCH));
    public static final Set<Permission> V1_WRITE = Collections.unmodifiableSet(
            EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE));

    private static final Pattern SYSTEM = Pattern.compile("system/(\\*|[A-Z][A-Za-z]{0,63})\\.([a-z*]+)(\\?(.*))?");

    public Scope {
        permissions = Collections.unmodifiableSet(permissions.isEmpty() ? EnumSet.noneOf(Permission.class) : EnumSet.copyOf(permissions));
        if (constraint != null && constraint.isEmpty()) {
            constraint = null;
        }
    }

    /**
     * Parses one scope token. Empty when it is not a {@code system/} scope this server grants:
     * {@code patient/} and {@code user/} scopes, launch or OpenID scopes, unknown suffixes and v2
     * letters out of order (which SMART lets a server ignore).
     */
    public static Optional<Scope> parse(String token) {
        Matcher m = SYSTEM.matcher(token);
        if (!m.matches()) {
            return Optional.empty();
        }
        String type = m.group(1);
        String suffix = m.group(2);
        String constraint = m.group(4);
        switch (suffix) {
            case "read" -> {
                return constraint == null ? Optional.of(new Scope(type, V1_READ, null, Syntax.V1)) : Optional.empty();
            }
            case "write" -> {
                return constraint == null ? Optional.of(new Scope(type, V1_WRITE, null, Syntax.V1)) : Optional.empty();
            }
            case "*" -> {
                return constraint == null ? Optional.of(new Scope(type, EnumSet.allOf(Permission.class), null, Syntax.V1))
                        : Optional.empty();
            }
            default -> {
                return v2Permissions(suffix).map(p -> new Scope(type, p, constraint, Syntax.V2));
            }
        }
    }

    /** Letters of {@code cruds}, each at most once and in that order; anything else is not v2. */
    private static Optional<Set<Permission>> v2Permissions(String letters) {
        Set<Permission> out = EnumSet.noneOf(Permission.class);
        int next = 0;
        Permission[] all = Permission.values();
        for (char ch : letters.toCharArray()) {
            int found = -1;
            for (int i = next; i < all.length; i++) {
                if (all[i].letter == ch) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                return Optional.empty();
            }
            out.add(all[found]);
            next = found + 1;
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    public boolean allTypes() {
        return ALL_TYPES.equals(type);
    }

    public boolean covers(String resourceType) {
        return allTypes() || type.equals(resourceType);
    }

    public boolean constrained() {
        return constraint != null;
    }

    /** The {@code ?param=value} constraints, decoded, in order; a parameter may repeat. */
    public Map<String, List<String>> constraintParameters() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (constraint == null) {
            return out;
        }
        for (String pair : constraint.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    /**
     * The scope as text, in its own syntax where that syntax can say it: a v1 scope whose
     * permissions were narrowed to something v1 has no word for is written in v2.
     */
    @Override
    public String toString() {
        String suffix = null;
        if (syntax == Syntax.V1 && constraint == null) {
            if (permissions.equals(V1_READ)) {
                suffix = "read";
            } else if (permissions.equals(V1_WRITE)) {
                suffix = "write";
            } else if (permissions.size() == Permission.values().length) {
                suffix = "*";
            }
        }
        if (suffix == null) {
            StringBuilder letters = new StringBuilder();
            for (Permission p : permissions) {
                letters.append(p.letter);
            }
            suffix = letters.toString();
        }
        return "system/" + type + "." + suffix + (constraint == null ? "" : "?" + constraint);
    }
}
