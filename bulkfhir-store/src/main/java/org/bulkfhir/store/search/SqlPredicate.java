package org.bulkfhir.store.search;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A SQL boolean expression with its bind values (String, Long or Double, or a {@link PkBound}), in
 * placeholder order.
 */
public record SqlPredicate(String sql, List<Object> binds) {
    /** Matches every row. */
    public static final SqlPredicate TRUE = new SqlPredicate("1=1", List.of());

    /**
     * The key range of the rows the predicate is tested on, bound when the statement runs. Index
     * lookups use it to stay inside the task's range: without it, every task of an export
     * collected the matches of the whole store, and a filtered 10,000-patient export took 100
     * times as long as a 1,000-patient one.
     */
    public enum PkBound {
        LO, HI
    }

    public SqlPredicate {
        binds = List.copyOf(binds);
    }

    /** " AND (sql)", or "" for {@link #TRUE} and null, to append to a WHERE clause. */
    public static String and(SqlPredicate p) {
        return p == null || p == TRUE ? "" : " AND " + p.sql();
    }

    /** Binds the values from {@code index} on, with no key range; returns the next free index. Null binds nothing. */
    public static int bind(SqlPredicate p, PreparedStatement ps, int index) throws SQLException {
        return bind(p, ps, index, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Binds the values from {@code index} on for rows with keys in {@code [lo, hi]}; returns the next free index. */
    public static int bind(SqlPredicate p, PreparedStatement ps, int index, long lo, long hi) throws SQLException {
        if (p == null) {
            return index;
        }
        for (Object v : p.binds()) {
            if (v == PkBound.LO) {
                ps.setLong(index++, lo);
            } else if (v == PkBound.HI) {
                ps.setLong(index++, hi);
            } else if (v instanceof String s) {
                ps.setString(index++, s);
            } else if (v instanceof Long l) {
                ps.setLong(index++, l);
            } else if (v instanceof Integer n) {
                ps.setInt(index++, n);
            } else if (v instanceof Double d) {
                ps.setDouble(index++, d);
            } else {
                throw new IllegalStateException("unsupported bind value " + v);
            }
        }
        return index;
    }

    /** Builds a predicate piece by piece. */
    static final class Builder {
        final StringBuilder sql = new StringBuilder();
        final List<Object> binds = new ArrayList<>();

        Builder sql(String s) {
            sql.append(s);
            return this;
        }

        Builder bind(String s, Object v) {
            sql.append(s);
            binds.add(v);
            return this;
        }

        SqlPredicate build() {
            return new SqlPredicate(sql.toString(), binds);
        }
    }
}
