package org.bulkfhir.core.search;

import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.bulkfhir.core.fhir.Fhir;

/**
 * The search parameters a {@code _typeFilter} may use, per resource type: the R4 parameters
 * (HAPI's definitions) of a kind the store indexes and with a path to index, which is exactly
 * what the write path extracts. {@code _id} and {@code _lastUpdated} are answered from the
 * resource row itself. The CapabilityStatement lists this same set (S-3), so what is advertised
 * and what is accepted cannot drift apart.
 */
public final class SearchParameters {
    private static final Map<String, Map<String, SearchParamKind>> BY_TYPE = new ConcurrentHashMap<>();

    private SearchParameters() {
    }

    /** Usable parameters of {@code type}, by name, sorted; empty for an unknown type. */
    public static Map<String, SearchParamKind> forType(String type) {
        return BY_TYPE.computeIfAbsent(type, SearchParameters::load);
    }

    /** The kind of {@code name} on {@code type}, or null when it cannot be used in a filter. */
    public static SearchParamKind kind(String type, String name) {
        return forType(type).get(name);
    }

    private static Map<String, SearchParamKind> load(String type) {
        if (!Fhir.r4().getResourceTypes().contains(type)) {
            return Map.of();
        }
        RuntimeResourceDefinition def = Fhir.r4().getResourceDefinition(type);
        Map<String, SearchParamKind> params = new TreeMap<>();
        for (RuntimeSearchParam sp : def.getSearchParams()) {
            SearchParamKind kind = SearchParamKind.of(sp.getParamType());
            boolean indexed = sp.getPath() != null && !sp.getPath().isBlank();
            if (kind != null && indexed) {
                params.put(sp.getName(), kind);
            }
        }
        return Collections.unmodifiableMap(params);
    }
}
