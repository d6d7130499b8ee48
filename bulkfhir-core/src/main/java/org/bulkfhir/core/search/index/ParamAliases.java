package org.bulkfhir.core.search.index;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.search.SearchParamKind;

/**
 * Search parameters whose values are exactly other parameters' values, so the store keeps no
 * rows of their own and answers them from the others' rows. Two shapes occur in R4:
 * <ul>
 *   <li><b>a reference restricted to one target type</b>: Observation {@code patient} is
 *       {@code Observation.subject.where(resolve() is Patient)} and {@code subject} is
 *       {@code Observation.subject}; its values are {@code subject}'s of target type Patient, and
 *       the extractor derives them instead of evaluating the path again;</li>
 *   <li><b>a union</b>: Observation {@code combo-code} is {@code Observation.code |
 *       Observation.component.code}, the branches of {@code code} and {@code component-code}.</li>
 * </ul>
 * On generated data they were one index row in six. Found from HAPI's R4 definitions, not a
 * hand-written list: a restricted reference has one branch {@code X.where(resolve() is T)} and
 * its base parameter's only branch is {@code X}; a union's branches are exactly the branches of
 * other parameters of its kind, none of them an alias itself.
 */
public final class ParamAliases {
    /**
     * The parameters whose rows answer an alias, and for a restricted reference the target type
     * its rows must have (null for a union).
     */
    public record Alias(List<String> bases, String targetType) {
    }

    private static final Pattern RESOLVE_IS =
            Pattern.compile("(.+)\\.where\\(\\s*resolve\\(\\s*\\)\\s+is\\s+([A-Za-z]+)\\s*\\)");
    private static final Map<String, Map<String, Alias>> BY_TYPE = new ConcurrentHashMap<>();

    private ParamAliases() {
    }

    /** The alias definition of {@code param} on {@code type}, or null when it has rows of its own. */
    public static Alias of(String type, String param) {
        return forType(type).get(param);
    }

    /** All aliases of {@code type}, by parameter name; empty for an unknown type. */
    public static Map<String, Alias> forType(String type) {
        return BY_TYPE.computeIfAbsent(type, ParamAliases::find);
    }

    private record Param(SearchParamKind kind, List<String> branches) {
    }

    private static Map<String, Alias> find(String type) {
        Set<String> types = Fhir.r4().getResourceTypes();
        if (!types.contains(type)) {
            return Map.of();
        }
        Map<String, Param> params = new TreeMap<>();
        for (RuntimeSearchParam sp : ParamPaths.searchParams(Fhir.r4().getResourceDefinition(type))) {
            SearchParamKind kind = SearchParamKind.of(sp.getParamType());
            List<String> branches = ParamPaths.branches(type, sp, types);
            if (kind != null && !branches.isEmpty() && !ParamPaths.ROW_COLUMNS.contains(sp.getName())) {
                params.put(sp.getName(), new Param(kind, branches));
            }
        }
        Map<String, Alias> aliases = new TreeMap<>();
        for (Map.Entry<String, Param> p : params.entrySet()) {
            Alias restricted = restrictedReference(p.getKey(), p.getValue(), params);
            if (restricted != null) {
                aliases.put(p.getKey(), restricted);
            }
        }
        // Unions last, over parameters that keep their rows.
        for (Map.Entry<String, Param> p : params.entrySet()) {
            if (!aliases.containsKey(p.getKey())) {
                Alias union = union(p.getKey(), p.getValue(), params, aliases);
                if (union != null) {
                    aliases.put(p.getKey(), union);
                }
            }
        }
        return Collections.unmodifiableMap(aliases);
    }

    private static Alias restrictedReference(String name, Param p, Map<String, Param> params) {
        if (p.kind != SearchParamKind.REFERENCE || p.branches.size() != 1) {
            return null;
        }
        Matcher m = RESOLVE_IS.matcher(p.branches.get(0));
        if (!m.matches()) {
            return null;
        }
        List<String> base = List.of(m.group(1).trim());
        for (Map.Entry<String, Param> q : params.entrySet()) {
            if (!q.getKey().equals(name) && q.getValue().kind == SearchParamKind.REFERENCE
                    && q.getValue().branches.equals(base)) {
                return new Alias(List.of(q.getKey()), m.group(2));
            }
        }
        return null;
    }

    private static Alias union(String name, Param p, Map<String, Param> params, Map<String, Alias> aliases) {
        if (p.branches.size() < 2) {
            return null;
        }
        Set<String> wanted = new LinkedHashSet<>(p.branches);
        Set<String> covered = new LinkedHashSet<>();
        List<String> bases = new ArrayList<>();
        for (Map.Entry<String, Param> q : params.entrySet()) {
            Param qp = q.getValue();
            if (q.getKey().equals(name) || qp.kind != p.kind || aliases.containsKey(q.getKey())
                    || !wanted.containsAll(qp.branches) || covered.containsAll(qp.branches)) {
                continue;
            }
            bases.add(q.getKey());
            covered.addAll(qp.branches);
        }
        return covered.equals(wanted) && bases.size() >= 2 ? new Alias(List.copyOf(bases), null) : null;
    }
}
