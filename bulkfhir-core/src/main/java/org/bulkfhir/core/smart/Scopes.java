package org.bulkfhir.core.smart;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.bulkfhir.core.smart.Scope.Permission;

/**
 * What a token lets its holder do: the {@code system/} scopes it carries, v1 and v2 alike
 * (S-95…S-97). Questions are asked per resource type and permission; scopes with {@code ?param=}
 * constraints only ever answer "partly", since enforcing them needs a query (see
 * {@link #constrainedFor}).
 */
public final class Scopes {
    private static final Scopes ALL = new Scopes(List.of(new Scope(Scope.ALL_TYPES, EnumSet.allOf(Permission.class), null,
            Scope.Syntax.V2)));
    private static final Scopes NONE = new Scopes(List.of());

    private final List<Scope> scopes;

    private Scopes(List<Scope> scopes) {
        this.scopes = List.copyOf(scopes);
    }

    /** Everything, for servers running without authorization. */
    public static Scopes all() {
        return ALL;
    }

    public static Scopes none() {
        return NONE;
    }

    public static Scopes of(Collection<Scope> scopes) {
        return new Scopes(new ArrayList<>(new LinkedHashSet<>(scopes)));
    }

    /**
     * Parses a space-separated scope string, keeping the {@code system/} scopes and dropping the
     * rest ({@code patient/}, {@code user/}, {@code launch}, unknown suffixes): a backend service is
     * granted none of those.
     */
    public static Scopes parse(String scopeString) {
        List<Scope> out = new ArrayList<>();
        for (String token : tokens(scopeString)) {
            Scope.parse(token).ifPresent(out::add);
        }
        return of(out);
    }

    /** Tokens of a scope string that are not {@code system/} scopes this server understands. */
    public static List<String> unsupported(String scopeString) {
        List<String> out = new ArrayList<>();
        for (String token : tokens(scopeString)) {
            if (Scope.parse(token).isEmpty()) {
                out.add(token);
            }
        }
        return out;
    }

    private static List<String> tokens(String scopeString) {
        List<String> out = new ArrayList<>();
        if (scopeString == null) {
            return out;
        }
        for (String token : scopeString.trim().split("\\s+")) {
            if (!token.isEmpty()) {
                out.add(token);
            }
        }
        return out;
    }

    public List<Scope> asList() {
        return scopes;
    }

    public boolean isEmpty() {
        return scopes.isEmpty();
    }

    /** True when an unconstrained scope grants {@code permission} on {@code type}. */
    public boolean allows(String type, Permission permission) {
        for (Scope s : scopes) {
            if (!s.constrained() && s.covers(type) && s.permissions().contains(permission)) {
                return true;
            }
        }
        return false;
    }

    public boolean canRead(String type) {
        return allows(type, Permission.READ);
    }

    public boolean canSearch(String type) {
        return allows(type, Permission.SEARCH);
    }

    /** Write in the v1 sense: create, update and delete are each checked on their own. */
    public boolean canCreate(String type) {
        return allows(type, Permission.CREATE);
    }

    public boolean canUpdate(String type) {
        return allows(type, Permission.UPDATE);
    }

    public boolean canDelete(String type) {
        return allows(type, Permission.DELETE);
    }

    /** True when read is granted on every type ({@code system/*.read} or {@code system/*.rs}…). */
    public boolean canReadAllTypes() {
        return canRead(Scope.ALL_TYPES);
    }

    /** Of {@code candidates}, the types that may be read without constraints, in their order. */
    public List<String> readableTypes(Collection<String> candidates) {
        List<String> out = new ArrayList<>();
        for (String type : candidates) {
            if (canRead(type)) {
                out.add(type);
            }
        }
        return out;
    }

    /**
     * Named types that carry read permission (wildcards excluded), for callers with no list of
     * candidates; check {@link #canReadAllTypes()} first.
     */
    public Set<String> namedReadableTypes() {
        Set<String> out = new TreeSet<>();
        for (Scope s : scopes) {
            if (!s.allTypes() && !s.constrained() && s.permissions().contains(Permission.READ)) {
                out.add(s.type());
            }
        }
        return out;
    }

    /** Constrained scopes granting {@code permission} on {@code type}, for callers that can enforce them. */
    public List<Scope> constrainedFor(String type, Permission permission) {
        List<Scope> out = new ArrayList<>();
        for (Scope s : scopes) {
            if (s.constrained() && s.covers(type) && s.permissions().contains(permission)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Whether any scope grants read (with or without constraints) on anything. */
    public boolean grantsAnyRead() {
        for (Scope s : scopes) {
            if (s.permissions().contains(Permission.READ)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The part of these (requested) scopes that {@code allowed} permits: per requested scope,
     * the permissions and types both sides share. A wildcard request against named allowed
     * types narrows to those types; v1 requests stay v1 where v1 can say the result (S-93, S-96).
     */
    public Scopes narrowTo(Scopes allowed) {
        List<Scope> granted = new ArrayList<>();
        for (Scope want : scopes) {
            for (Scope may : allowed.scopes) {
                if (!(may.allTypes() || want.allTypes() || may.type().equals(want.type()))) {
                    continue;
                }
                if (may.constrained() && !Objects.equals(may.constraint(), want.constraint())) {
                    continue;
                }
                Set<Permission> both = EnumSet.noneOf(Permission.class);
                both.addAll(want.permissions());
                both.retainAll(may.permissions());
                if (both.isEmpty()) {
                    continue;
                }
                String type = want.allTypes() ? may.type() : want.type();
                String constraint = want.constraint() != null ? want.constraint() : may.constraint();
                granted.add(new Scope(type, both, constraint, want.syntax()));
            }
        }
        return of(withoutSubsumed(granted));
    }

    private static List<Scope> withoutSubsumed(List<Scope> in) {
        List<Scope> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            Scope a = in.get(i);
            boolean subsumed = false;
            for (int j = 0; j < in.size() && !subsumed; j++) {
                if (i == j) {
                    continue;
                }
                Scope b = in.get(j);
                boolean typeCovered = b.allTypes() || b.type().equals(a.type());
                boolean constraintCovered = b.constraint() == null || Objects.equals(b.constraint(), a.constraint());
                boolean permsCovered = b.permissions().containsAll(a.permissions());
                boolean strictlyLarger = !(b.type().equals(a.type()) && b.permissions().equals(a.permissions())
                        && Objects.equals(b.constraint(), a.constraint()));
                // Equal scopes: keep the first only.
                subsumed = typeCovered && constraintCovered && permsCovered && (strictlyLarger || j < i);
            }
            if (!subsumed) {
                out.add(a);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Scope s : scopes) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(s);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scopes other && other.scopes.equals(scopes);
    }

    @Override
    public int hashCode() {
        return scopes.hashCode();
    }
}
