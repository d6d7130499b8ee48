package org.bulkfhir.core.search.index;

import java.util.List;
import java.util.Set;

/**
 * Everything the store indexes for one resource version: search-parameter values by kind and
 * the patients whose compartment contains the resource. Produced by {@link SearchParamExtractor}
 * at write time; the rows it becomes are what {@code _typeFilter} and Patient/Group-level
 * exports query.
 */
public record ResourceIndex(
        List<TokenEntry> tokens,
        List<StringEntry> strings,
        List<DateEntry> dates,
        List<ReferenceEntry> references,
        List<QuantityEntry> quantities,
        List<UriEntry> uris,
        Set<String> patientCompartments) {

    /** A token value: Coding, CodeableConcept coding, Identifier, ContactPoint, code, boolean, id. */
    public record TokenEntry(String param, String system, String code, String text) {
    }

    /** A string value: {@code normalized} is lower-cased and accent-stripped, {@code exact} as written. */
    public record StringEntry(String param, String normalized, String exact) {
    }

    /** A date value as the inclusive range of epoch milliseconds its precision covers. */
    public record DateEntry(String param, long low, long high) {
    }

    /**
     * A reference value: {@code targetType}/{@code targetId} for a local {@code Type/id}
     * reference, {@code url} for an absolute or canonical one (both may be set).
     */
    public record ReferenceEntry(String param, String targetType, String targetId, String url) {
    }

    /** A quantity value (Quantity, Money, Age, Duration...). */
    public record QuantityEntry(String param, double value, String system, String code, String unit) {
    }

    /** A uri, url, canonical or oid value. */
    public record UriEntry(String param, String uri) {
    }
}
