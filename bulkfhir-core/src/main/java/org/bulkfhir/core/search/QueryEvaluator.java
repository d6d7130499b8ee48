package org.bulkfhir.core.search;

import java.util.List;
import java.util.function.Predicate;
import org.bulkfhir.core.search.SearchQuery.Criterion;
import org.bulkfhir.core.search.SearchQuery.DateValue;
import org.bulkfhir.core.search.SearchQuery.QuantityValue;
import org.bulkfhir.core.search.SearchQuery.Ref;
import org.bulkfhir.core.search.SearchQuery.Token;
import org.bulkfhir.core.search.index.ResourceIndex;
import org.bulkfhir.core.search.index.ResourceIndex.DateEntry;
import org.bulkfhir.core.search.index.ResourceIndex.QuantityEntry;
import org.bulkfhir.core.search.index.ResourceIndex.ReferenceEntry;
import org.bulkfhir.core.search.index.ResourceIndex.StringEntry;
import org.bulkfhir.core.search.index.ResourceIndex.TokenEntry;
import org.bulkfhir.core.search.index.ResourceIndex.UriEntry;

/**
 * Decides whether one resource's index entries satisfy a {@link SearchQuery}, in memory. It is
 * the store's {@code SearchSqlCompiler} (bulkfhir-store) read row by row, clause for clause:
 * criteria AND-ed, a criterion's values OR-ed, {@code :not} as "no entry matches", the same date
 * range, quantity precision and token system rules. Keep the two in step: a client that removes
 * what our server would have kept (or the reverse) reports a server bug that is not there.
 */
final class QueryEvaluator {
    private QueryEvaluator() {
    }

    /**
     * @param id the resource's logical id, or null
     * @param lastUpdated the inclusive millisecond range of {@code meta.lastUpdated}, or null when absent
     */
    static boolean matches(SearchQuery q, ResourceIndex ix, String id, long[] lastUpdated) {
        for (Criterion c : q.criteria()) {
            if (!holds(c, ix, id, lastUpdated)) {
                return false;
            }
        }
        return true;
    }

    private static boolean holds(Criterion c, ResourceIndex ix, String id, long[] lastUpdated) {
        if (c instanceof SearchQuery.IdCriterion i) {
            return id != null && i.anyOf().contains(id);
        }
        if (c instanceof SearchQuery.LastUpdatedCriterion lu) {
            // A missing value compares as SQL NULL: no prefix matches it, not even ne.
            return lastUpdated != null && lu.anyOf().stream().anyMatch(v -> date(v, lastUpdated[0], lastUpdated[1]));
        }
        if (c instanceof SearchQuery.MissingCriterion m) {
            return m.missing() != hasAny(ix, m.kind(), m.param());
        }
        if (c instanceof SearchQuery.TokenCriterion t) {
            boolean any = any(ix.tokens(), TokenEntry::param, t.param(),
                    e -> t.anyOf().stream().anyMatch(v -> token(v, t.text(), e)));
            return t.not() != any;
        }
        if (c instanceof SearchQuery.StringCriterion s) {
            return any(ix.strings(), StringEntry::param, s.param(),
                    e -> s.anyOf().stream().anyMatch(v -> string(s.match(), v, e)));
        }
        if (c instanceof SearchQuery.DateCriterion d) {
            return any(ix.dates(), DateEntry::param, d.param(),
                    e -> d.anyOf().stream().anyMatch(v -> date(v, e.low(), e.high())));
        }
        if (c instanceof SearchQuery.ReferenceCriterion r) {
            return any(ix.references(), ReferenceEntry::param, r.param(),
                    e -> r.anyOf().stream().anyMatch(v -> reference(v, e)));
        }
        if (c instanceof SearchQuery.QuantityCriterion q) {
            return any(ix.quantities(), QuantityEntry::param, q.param(),
                    e -> q.anyOf().stream().anyMatch(v -> quantity(v, e)));
        }
        if (c instanceof SearchQuery.UriCriterion u) {
            return any(ix.uris(), UriEntry::param, u.param(),
                    e -> u.anyOf().stream().anyMatch(v -> uri(u.match(), v, e.uri())));
        }
        throw new IllegalStateException("unknown criterion " + c);
    }

    private static <E> boolean any(List<E> entries, java.util.function.Function<E, String> param, String name,
                                   Predicate<E> test) {
        for (E e : entries) {
            if (name.equals(param.apply(e)) && test.test(e)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasAny(ResourceIndex ix, SearchParamKind kind, String name) {
        return switch (kind) {
            case TOKEN -> any(ix.tokens(), TokenEntry::param, name, e -> true);
            case STRING -> any(ix.strings(), StringEntry::param, name, e -> true);
            case DATE -> any(ix.dates(), DateEntry::param, name, e -> true);
            case REFERENCE -> any(ix.references(), ReferenceEntry::param, name, e -> true);
            case QUANTITY -> any(ix.quantities(), QuantityEntry::param, name, e -> true);
            case URI -> any(ix.uris(), UriEntry::param, name, e -> true);
        };
    }

    private static boolean token(Token t, boolean text, TokenEntry e) {
        if (text) {
            return e.text() != null && e.text().startsWith(t.code());
        }
        if (!t.systemGiven()) {
            return t.code().equals(e.code());
        }
        if (t.system() == null) {
            return t.code().equals(e.code()) && e.system() == null;
        }
        if (t.code() == null) {
            return t.system().equals(e.system());
        }
        // Plain code elements are indexed without a system (their binding implies it).
        return t.code().equals(e.code()) && (e.system() == null || t.system().equals(e.system()));
    }

    private static boolean string(SearchQuery.StringMatch match, String v, StringEntry e) {
        return switch (match) {
            case EXACT -> v.equals(e.exact());
            case STARTS_WITH -> e.normalized() != null && e.normalized().startsWith(v);
            case CONTAINS -> e.normalized() != null && e.normalized().contains(v);
        };
    }

    /** A search value against a stored range: FHIR's definitions, as the SQL compiler writes them. */
    static boolean date(DateValue v, long low, long high) {
        long pl = v.low();
        long ph = v.high();
        boolean within = low >= pl && high <= ph;
        return switch (v.prefix()) {
            case EQ -> within;
            case NE -> !within;
            case GT -> high > ph;
            case LT -> low < pl;
            case GE -> high > ph || within;
            case LE -> low < pl || within;
            case SA -> low > ph;
            case EB -> high < pl;
            case AP -> low <= ph && high >= pl;
        };
    }

    private static boolean reference(Ref r, ReferenceEntry e) {
        if (r.url() != null) {
            return r.url().equals(e.url());
        }
        if (r.type() != null) {
            return r.type().equals(e.targetType()) && r.id().equals(e.targetId());
        }
        return r.id().equals(e.targetId());
    }

    private static boolean quantity(QuantityValue v, QuantityEntry e) {
        double x = e.value();
        boolean value = switch (v.prefix()) {
            case EQ -> x >= v.low() && x < v.high();
            case NE -> !(x >= v.low() && x < v.high());
            case GT, SA -> x > v.number();
            case LT, EB -> x < v.number();
            case GE -> x >= v.number();
            case LE -> x <= v.number();
            case AP -> x >= v.low() && x <= v.high();
        };
        if (!value) {
            return false;
        }
        if (v.system() != null && v.code() != null) {
            return v.system().equals(e.system()) && v.code().equals(e.code());
        }
        if (v.system() != null) {
            return v.system().equals(e.system());
        }
        if (v.code() != null) {
            return v.code().equals(e.code()) || v.code().equals(e.unit());
        }
        return true;
    }

    private static boolean uri(SearchQuery.UriMatch match, String v, String stored) {
        return switch (match) {
            case EXACT -> v.equals(stored);
            case BELOW -> stored.startsWith(v);
            // The stored uri is a prefix of the value: the value is "below" it.
            case ABOVE -> v.startsWith(stored);
        };
    }
}
