package org.bulkfhir.store.search;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A SQL boolean expression with its bind values (String, Long or Double), in placeholder order. */
public record SqlPredicate(String sql, List<Object> binds) {
    /** Matches every row. */
    public static final SqlPredicate TRUE = new SqlPredicate("1=1", List.of());

    public SqlPredicate {
        binds = List.copyOf(binds);
    }

    /** " AND (sql)", or "" for {@link #TRUE} and null, to append to a WHERE clause. */
    public static String and(SqlPredicate p) {
        return p == null || p == TRUE ? "" : " AND " + p.sql();
    }

    /** Binds the values from {@code index} on; returns the next free index. Null binds nothing. */
    public static int bind(SqlPredicate p, PreparedStatement ps, int index) throws SQLException {
        if (p == null) {
            return index;
        }
        for (Object v : p.binds()) {
            if (v instanceof String s) {
                ps.setString(index++, s);
            } else if (v instanceof Long l) {
                ps.setLong(index++, l);
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
