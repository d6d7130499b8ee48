package org.bulkfhir.core.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code _typeFilter} values of one export, per resource type, as a client re-applies them
 * (C-18): the types whose queries can be evaluated here, and the types that have at least one
 * query that cannot (a chained parameter, {@code _has}, a parameter or modifier this code does
 * not know) with the reason. Queries of one type are OR-ed, so a single query that cannot be
 * evaluated makes the whole type unverifiable: a resource failing the others might match it.
 *
 * @param checkable queries by type, every one of them evaluable
 * @param unverifiable why each remaining type's filter cannot be checked locally
 */
public record TypeFilterSet(Map<String, List<SearchQuery>> checkable, Map<String, String> unverifiable) {

    public TypeFilterSet {
        checkable = Collections.unmodifiableMap(new LinkedHashMap<>(checkable));
        unverifiable = Collections.unmodifiableMap(new LinkedHashMap<>(unverifiable));
    }

    /**
     * @param typeFilters the values as sent; each may be a 2.0 comma list of queries, which is split
     *                    the way our server splits it
     * @param now the instant {@code ap} tolerances are measured from (the export's transactionTime)
     */
    public static TypeFilterSet parse(List<String> typeFilters, long now) {
        TypeFilterParser parser = new TypeFilterParser(now);
        Map<String, List<SearchQuery>> checkable = new LinkedHashMap<>();
        Map<String, String> unverifiable = new LinkedHashMap<>();
        for (String value : typeFilters) {
            for (String query : TypeFilterParser.splitList(value)) {
                int mark = query.indexOf('?');
                String type = (mark < 0 ? query : query.substring(0, mark)).trim();
                try {
                    SearchQuery q = parser.parse(query);
                    checkable.computeIfAbsent(q.resourceType(), k -> new ArrayList<>()).add(q);
                } catch (InvalidSearchException e) {
                    unverifiable.putIfAbsent(type, e.getMessage());
                }
            }
        }
        unverifiable.keySet().forEach(checkable::remove);
        return new TypeFilterSet(checkable, unverifiable);
    }

    public boolean isEmpty() {
        return checkable.isEmpty() && unverifiable.isEmpty();
    }
}
