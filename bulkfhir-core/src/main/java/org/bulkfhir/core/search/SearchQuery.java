package org.bulkfhir.core.search;

import java.util.List;

/**
 * One parsed {@code _typeFilter} query: a resource type and criteria that must all hold (AND);
 * each criterion holds when any of its values matches (a comma list is OR). Values are already
 * decoded and checked, so compiling a query cannot fail.
 *
 * @param text the query as given, for messages
 */
public record SearchQuery(String resourceType, List<Criterion> criteria, String text) {

    public SearchQuery {
        criteria = List.copyOf(criteria);
    }

    /** A condition on one search parameter. */
    public sealed interface Criterion {
        /** The parameter name, as in the query (without modifier). */
        String param();
    }

    /**
     * Token values. {@code not} negates the whole OR list ({@code :not}); with {@code text} each
     * value is matched as a prefix of the coding's display or text ({@code :text}).
     */
    public record TokenCriterion(String param, boolean not, boolean text, List<Token> anyOf) implements Criterion {
        public TokenCriterion {
            anyOf = List.copyOf(anyOf);
        }
    }

    /**
     * {@code code} (any system), {@code system|code}, {@code |code} (no system) or
     * {@code system|} (any code of the system): {@code systemGiven} tells the first form from the
     * others, a null {@code system} with it means "no system".
     */
    public record Token(String system, String code, boolean systemGiven) {
    }

    public enum StringMatch { STARTS_WITH, EXACT, CONTAINS }

    /** String values: normalized for STARTS_WITH and CONTAINS, as given for EXACT. */
    public record StringCriterion(String param, StringMatch match, List<String> anyOf) implements Criterion {
        public StringCriterion {
            anyOf = List.copyOf(anyOf);
        }
    }

    /** A date value: the prefix and the inclusive epoch-millisecond range its precision covers. */
    public record DateValue(SearchPrefix prefix, long low, long high) {
    }

    public record DateCriterion(String param, List<DateValue> anyOf) implements Criterion {
        public DateCriterion {
            anyOf = List.copyOf(anyOf);
        }
    }

    /** A reference: {@code type} may be null (a bare id); an absolute one is matched by {@code url}. */
    public record Ref(String type, String id, String url) {
    }

    public record ReferenceCriterion(String param, List<Ref> anyOf) implements Criterion {
        public ReferenceCriterion {
            anyOf = List.copyOf(anyOf);
        }
    }

    /**
     * A quantity: for EQ/NE/AP the value must fall in {@code [low, high)} (the precision of the
     * number as written, or ±10% for AP); otherwise it is compared with {@code number}. A null
     * {@code system} with a {@code code} matches the code or the unit in any system.
     */
    public record QuantityValue(SearchPrefix prefix, double number, double low, double high, String system,
                                String code) {
    }

    public record QuantityCriterion(String param, List<QuantityValue> anyOf) implements Criterion {
        public QuantityCriterion {
            anyOf = List.copyOf(anyOf);
        }
    }

    public enum UriMatch { EXACT, BELOW, ABOVE }

    public record UriCriterion(String param, UriMatch match, List<String> anyOf) implements Criterion {
        public UriCriterion {
            anyOf = List.copyOf(anyOf);
        }
    }

    /** {@code :missing=true|false}: the parameter has no indexed value, or has one. */
    public record MissingCriterion(String param, SearchParamKind kind, boolean missing) implements Criterion {
    }

    /** {@code _id}, matched on the resource's logical id. */
    public record IdCriterion(List<String> anyOf) implements Criterion {
        public IdCriterion {
            anyOf = List.copyOf(anyOf);
        }

        @Override
        public String param() {
            return "_id";
        }
    }

    /** {@code _lastUpdated}, matched on the stored version's last-updated instant. */
    public record LastUpdatedCriterion(List<DateValue> anyOf) implements Criterion {
        public LastUpdatedCriterion {
            anyOf = List.copyOf(anyOf);
        }

        @Override
        public String param() {
            return "_lastUpdated";
        }
    }
}
