package org.bulkfhir.store.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bulkfhir.core.search.SearchQuery;
import org.bulkfhir.core.search.SearchQuery.Criterion;
import org.bulkfhir.core.search.SearchQuery.DateValue;
import org.bulkfhir.core.search.SearchQuery.QuantityValue;
import org.bulkfhir.core.search.SearchQuery.Ref;
import org.bulkfhir.core.search.SearchQuery.Token;
import org.bulkfhir.core.search.SearchParamKind;
import org.bulkfhir.core.search.index.ParamAliases;
import org.bulkfhir.core.search.index.SearchParamIds;

/**
 * Turns {@code _typeFilter} queries into SQL over the search-parameter index, as a predicate on
 * a {@code resource} row (alias given by the caller): each criterion is a semi-join on its index
 * table, restricted to its parameter's {@link SearchParamIds id} (an alias parameter's to its
 * bases' rows); criteria are AND-ed, a criterion's values OR-ed, and
 * several queries for one type OR-ed. Index rows belong to a version ({@code res_pk}), so the
 * predicate holds for the version the export reads, never for another one.
 *
 * <p>Date criteria follow FHIR's range semantics: an indexed value is the inclusive range
 * {@code [low, high]} its precision covers, the search value {@code [pl, ph]} likewise; {@code eq}
 * means the search range contains the value's, {@code ge} = {@code gt} or {@code eq}, and so on.
 * A resource matches when any of its values does. Tokens of plain {@code code} elements are
 * indexed without a system (the system is implied by the element's binding), so
 * {@code system|code} also matches such a code; an explicit {@code |code} asks for no system.
 *
 * <p>The client re-applies {@code _typeFilter} in memory with the same rules
 * ({@code org.bulkfhir.core.search.QueryEvaluator}, C-18): a change of semantics here belongs there too.
 */
public final class SearchSqlCompiler {

    /** One query as a predicate on rows aliased {@code alias}; it includes the query's resource type. */
    public SqlPredicate compile(SearchQuery q, String alias) {
        SqlPredicate.Builder b = new SqlPredicate.Builder();
        b.bind("(" + alias + ".res_type = ?", q.resourceType());
        for (Criterion c : q.criteria()) {
            b.sql(" AND ");
            criterion(b, q.resourceType(), c, alias);
        }
        return b.sql(")").build();
    }

    /** Several queries OR-ed; {@link SqlPredicate#TRUE} when there are none. */
    public SqlPredicate anyOf(List<SearchQuery> queries, String alias) {
        if (queries == null || queries.isEmpty()) {
            return SqlPredicate.TRUE;
        }
        SqlPredicate.Builder b = new SqlPredicate.Builder().sql("(");
        for (int i = 0; i < queries.size(); i++) {
            SqlPredicate p = compile(queries.get(i), alias);
            b.sql(i > 0 ? " OR " : "").sql(p.sql());
            b.binds.addAll(p.binds());
        }
        return b.sql(")").build();
    }

    /**
     * For rows of several types: a row of a type without queries passes, a row of a filtered type
     * must match one of that type's queries.
     */
    public SqlPredicate forTypes(Map<String, List<SearchQuery>> byType, String alias) {
        if (byType == null || byType.isEmpty()) {
            return SqlPredicate.TRUE;
        }
        SqlPredicate.Builder b = new SqlPredicate.Builder().sql("(" + alias + ".res_type NOT IN (");
        List<String> types = new ArrayList<>(byType.keySet());
        for (int i = 0; i < types.size(); i++) {
            b.bind(i > 0 ? ",?" : "?", types.get(i));
        }
        b.sql(")");
        for (String type : types) {
            SqlPredicate p = anyOf(byType.get(type), alias);
            b.sql(" OR ").sql(p.sql());
            b.binds.addAll(p.binds());
        }
        return b.sql(")").build();
    }

    private void criterion(SqlPredicate.Builder b, String type, Criterion c, String a) {
        if (c instanceof SearchQuery.IdCriterion id) {
            b.sql("(");
            for (int i = 0; i < id.anyOf().size(); i++) {
                b.bind((i > 0 ? " OR " : "") + a + ".res_id = ?", id.anyOf().get(i));
            }
            b.sql(")");
        } else if (c instanceof SearchQuery.LastUpdatedCriterion lu) {
            b.sql("(");
            for (int i = 0; i < lu.anyOf().size(); i++) {
                b.sql(i > 0 ? " OR " : "");
                date(b, lu.anyOf().get(i), a + ".last_updated", a + ".last_updated");
            }
            b.sql(")");
        } else if (c instanceof SearchQuery.MissingCriterion m) {
            b.sql("+" + a + ".pk " + (m.missing() ? "NOT IN" : "IN") + " (SELECT res_pk FROM " + table(m.kind()) + " WHERE ");
            paramRows(b, type, m.param());
            b.sql(")");
        } else if (c instanceof SearchQuery.TokenCriterion t) {
            semiJoin(b, a, t.not(), "idx_token", type, t.param());
            for (int i = 0; i < t.anyOf().size(); i++) {
                b.sql(i > 0 ? " OR " : "");
                token(b, t.anyOf().get(i), t.text());
            }
            b.sql("))");
        } else if (c instanceof SearchQuery.StringCriterion s) {
            semiJoin(b, a, false, "idx_string", type, s.param());
            for (int i = 0; i < s.anyOf().size(); i++) {
                String v = s.anyOf().get(i);
                b.sql(i > 0 ? " OR " : "");
                switch (s.match()) {
                    case EXACT -> b.bind("exact = ?", v);
                    case STARTS_WITH -> b.bind("normalized LIKE ? ESCAPE '\\'", likeEscape(v) + "%");
                    case CONTAINS -> b.bind("normalized LIKE ? ESCAPE '\\'", "%" + likeEscape(v) + "%");
                    default -> throw new IllegalStateException(s.match().toString());
                }
            }
            b.sql("))");
        } else if (c instanceof SearchQuery.DateCriterion d) {
            semiJoin(b, a, false, "idx_date", type, d.param());
            for (int i = 0; i < d.anyOf().size(); i++) {
                b.sql(i > 0 ? " OR " : "");
                date(b, d.anyOf().get(i), "low", "high");
            }
            b.sql("))");
        } else if (c instanceof SearchQuery.ReferenceCriterion r) {
            semiJoin(b, a, false, "idx_reference", type, r.param());
            for (int i = 0; i < r.anyOf().size(); i++) {
                Ref ref = r.anyOf().get(i);
                b.sql(i > 0 ? " OR " : "");
                if (ref.url() != null) {
                    b.bind("url = ?", ref.url());
                } else if (ref.type() != null) {
                    b.bind("(target_type = ?", ref.type()).bind(" AND target_id = ?)", ref.id());
                } else {
                    b.bind("target_id = ?", ref.id());
                }
            }
            b.sql("))");
        } else if (c instanceof SearchQuery.QuantityCriterion q) {
            semiJoin(b, a, false, "idx_quantity", type, q.param());
            for (int i = 0; i < q.anyOf().size(); i++) {
                b.sql(i > 0 ? " OR " : "");
                quantity(b, q.anyOf().get(i));
            }
            b.sql("))");
        } else if (c instanceof SearchQuery.UriCriterion u) {
            semiJoin(b, a, false, "idx_uri", type, u.param());
            for (int i = 0; i < u.anyOf().size(); i++) {
                String v = u.anyOf().get(i);
                b.sql(i > 0 ? " OR " : "");
                switch (u.match()) {
                    case EXACT -> b.bind("uri = ?", v);
                    case BELOW -> b.bind("uri LIKE ? ESCAPE '\\'", likeEscape(v) + "%");
                    // The stored uri is a prefix of the value: the value is "below" it.
                    case ABOVE -> b.bind("CAST(? AS TEXT) LIKE (uri || '%')", v);
                    default -> throw new IllegalStateException(u.match().toString());
                }
            }
            b.sql("))");
        } else {
            throw new IllegalStateException("unknown criterion " + c);
        }
    }

    /**
     * Opens {@code +a.pk [NOT] IN (SELECT res_pk FROM table WHERE param AND key range AND (}; the caller
     * closes {@code ))}. The unary plus keeps the planner from driving the row lookup from these
     * lists: SQLite 3.51 turned two such lists on the same key into a nested loop over both
     * (minutes on 150k Observations); as tests on the key range or batch the caller already
     * drives, each list is built once and probed per row.
     */
    private static void semiJoin(SqlPredicate.Builder b, String a, boolean not, String table, String type,
                                 String param) {
        b.sql("+" + a + ".pk " + (not ? "NOT IN" : "IN") + " (SELECT res_pk FROM " + table + " WHERE ");
        paramRows(b, type, param);
        // Restricting the index rows to the tested rows' key range changes no answer (the outer
        // rows are in it) but lets each task read only its share of the index.
        b.bind(" AND res_pk >= ?", SqlPredicate.PkBound.LO).bind(" AND res_pk <= ? AND (", SqlPredicate.PkBound.HI);
    }

    /**
     * The rows of {@code param}: its own, or for an {@link ParamAliases alias} its bases' rows (of
     * the alias's target type, for a restricted reference).
     */
    private static void paramRows(SqlPredicate.Builder b, String type, String param) {
        ParamAliases.Alias alias = ParamAliases.of(type, param);
        List<String> params = alias == null ? List.of(param) : alias.bases();
        if (params.size() == 1) {
            b.bind("param_id = ?", SearchParamIds.of(type, params.get(0)));
        } else {
            b.sql("param_id IN (");
            for (int i = 0; i < params.size(); i++) {
                b.bind(i > 0 ? ", ?" : "?", SearchParamIds.of(type, params.get(i)));
            }
            b.sql(")");
        }
        if (alias != null && alias.targetType() != null) {
            b.bind(" AND target_type = ?", alias.targetType());
        }
    }

    private static void token(SqlPredicate.Builder b, Token t, boolean text) {
        if (text) {
            b.bind("text LIKE ? ESCAPE '\\'", likeEscape(t.code()) + "%");
        } else if (!t.systemGiven()) {
            b.bind("code = ?", t.code());
        } else if (t.system() == null) {
            b.bind("(code = ? AND system IS NULL)", t.code());
        } else if (t.code() == null) {
            b.bind("system = ?", t.system());
        } else {
            b.bind("(code = ?", t.code()).bind(" AND (system = ? OR system IS NULL))", t.system());
        }
    }

    /** A date value against a stored range given by two column expressions. */
    private static void date(SqlPredicate.Builder b, DateValue v, String low, String high) {
        Long pl = v.low();
        Long ph = v.high();
        switch (v.prefix()) {
            case EQ -> b.bind("(" + low + " >= ?", pl).bind(" AND " + high + " <= ?)", ph);
            case NE -> b.bind("NOT (" + low + " >= ?", pl).bind(" AND " + high + " <= ?)", ph);
            case GT -> b.bind(high + " > ?", ph);
            case LT -> b.bind(low + " < ?", pl);
            // ge = gt or eq; le = lt or eq (FHIR's definitions, not "overlaps").
            case GE -> b.bind("(" + high + " > ?", ph).bind(" OR (" + low + " >= ?", pl)
                    .bind(" AND " + high + " <= ?))", ph);
            case LE -> b.bind("(" + low + " < ?", pl).bind(" OR (" + low + " >= ?", pl)
                    .bind(" AND " + high + " <= ?))", ph);
            case SA -> b.bind(low + " > ?", ph);
            case EB -> b.bind(high + " < ?", pl);
            case AP -> b.bind("(" + low + " <= ?", ph).bind(" AND " + high + " >= ?)", pl);
            default -> throw new IllegalStateException(v.prefix().toString());
        }
    }

    private static void quantity(SqlPredicate.Builder b, QuantityValue v) {
        b.sql("(");
        switch (v.prefix()) {
            case EQ -> b.bind("value >= ?", v.low()).bind(" AND value < ?", v.high());
            case NE -> b.bind("NOT (value >= ?", v.low()).bind(" AND value < ?)", v.high());
            case GT, SA -> b.bind("value > ?", v.number());
            case LT, EB -> b.bind("value < ?", v.number());
            case GE -> b.bind("value >= ?", v.number());
            case LE -> b.bind("value <= ?", v.number());
            case AP -> b.bind("value >= ?", v.low()).bind(" AND value <= ?", v.high());
            default -> throw new IllegalStateException(v.prefix().toString());
        }
        if (v.system() != null && v.code() != null) {
            b.bind(" AND system = ?", v.system()).bind(" AND code = ?", v.code());
        } else if (v.system() != null) {
            b.bind(" AND system = ?", v.system());
        } else if (v.code() != null) {
            b.bind(" AND (code = ?", v.code()).bind(" OR unit = ?)", v.code());
        }
        b.sql(")");
    }

    static String table(SearchParamKind kind) {
        return switch (kind) {
            case TOKEN -> "idx_token";
            case STRING -> "idx_string";
            case DATE -> "idx_date";
            case REFERENCE -> "idx_reference";
            case QUANTITY -> "idx_quantity";
            case URI -> "idx_uri";
        };
    }

    private static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
