package org.bulkfhir.core.search;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;

/** The search-parameter types the store indexes, one index table each. */
public enum SearchParamKind {
    TOKEN, STRING, DATE, REFERENCE, QUANTITY, URI;

    /** The kind of a HAPI search parameter type, or null for one the store does not index (number, composite…). */
    public static SearchParamKind of(RestSearchParameterTypeEnum t) {
        if (t == null) {
            return null;
        }
        return switch (t) {
            case TOKEN -> TOKEN;
            case STRING -> STRING;
            case DATE -> DATE;
            case REFERENCE -> REFERENCE;
            case QUANTITY -> QUANTITY;
            case URI -> URI;
            default -> null;
        };
    }

    /** The FHIR code ({@code token}, {@code date}…), as used in a CapabilityStatement. */
    public String code() {
        return name().toLowerCase();
    }
}
