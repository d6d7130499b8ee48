package org.bulkfhir.store.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bulkfhir.core.search.index.ParamAliases;
import org.bulkfhir.core.search.index.SearchParamIds;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Leaner search-index rows, for both databases:
 * <ul>
 *   <li>one integer {@code param_id} ({@link SearchParamIds}) replaces the {@code res_type} and
 *       {@code param} text columns of every {@code idx_*} value table;</li>
 *   <li>rows of alias parameters ({@link ParamAliases}: Observation {@code patient} is
 *       {@code subject} of type Patient, {@code combo-code} is {@code code} and
 *       {@code component-code}) are dropped, searches answer them from their bases' rows;</li>
 *   <li>the date and quantity indexes lead with {@code res_pk} after the parameter, so an export
 *       task filtering its key range reads only its share (range values first made every task
 *       read every matching value in the store).</li>
 * </ul>
 * A Java migration because the ids are computed in Java; the existing rows are copied across.
 */
public class V7__Search_param_ids extends BaseJavaMigration {

    private record Table(String name, String columns, List<String> indexes) {
    }

    /** {@code %B} is the dialect's 64-bit integer, {@code %D} its double. */
    private static final List<Table> TABLES = List.of(
            new Table("idx_token", "system TEXT, code TEXT, text TEXT",
                    List.of("idx_token_value (param_id, code, res_pk)")),
            new Table("idx_string", "normalized TEXT NOT NULL, exact TEXT NOT NULL",
                    List.of("idx_string_value (param_id, normalized, res_pk)")),
            new Table("idx_date", "low %B NOT NULL, high %B NOT NULL",
                    List.of("idx_date_value (param_id, res_pk, low, high)")),
            new Table("idx_reference", "target_type TEXT, target_id TEXT, url TEXT",
                    // Both cover their lookups: the Provenance lookup by target and the context
                    // references of exported rows read only the index (they probed the table for
                    // every row's target_type before).
                    List.of("idx_reference_value (param_id, target_id, res_pk, target_type)",
                            "idx_reference_by_pk (res_pk, target_type, target_id)")),
            new Table("idx_quantity", "value %D NOT NULL, system TEXT, code TEXT, unit TEXT",
                    List.of("idx_quantity_value (param_id, res_pk, value)")),
            new Table("idx_uri", "uri TEXT NOT NULL",
                    List.of("idx_uri_value (param_id, uri, res_pk)")));

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        boolean pg = c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE search_param_v7 (res_type TEXT NOT NULL, param TEXT NOT NULL, param_id INTEGER NOT NULL)");
            fillParamIds(c);
            for (Table t : TABLES) {
                String columns = t.columns.replace("%B", pg ? "BIGINT" : "INTEGER")
                        .replace("%D", pg ? "DOUBLE PRECISION" : "REAL");
                String copied = columnNames(columns);
                s.execute("CREATE TABLE " + t.name + "_v7 (res_pk " + (pg ? "BIGINT" : "INTEGER")
                        + " NOT NULL, param_id INTEGER NOT NULL, " + columns + ")");
                s.execute("INSERT INTO " + t.name + "_v7 (res_pk, param_id, " + copied + ") SELECT t.res_pk, m.param_id, "
                        + prefixed(copied) + " FROM " + t.name + " t JOIN search_param_v7 m"
                        + " ON m.res_type = t.res_type AND m.param = t.param");
                s.execute("DROP TABLE " + t.name);
                s.execute("ALTER TABLE " + t.name + "_v7 RENAME TO " + t.name);
                for (String index : t.indexes) {
                    s.execute("CREATE INDEX " + index.replace(" (", " ON " + t.name + " ("));
                    // A load that crashed with this index deferred must not restore the old definition.
                    s.execute("DELETE FROM deferred_index WHERE name = '" + index.substring(0, index.indexOf(' ')) + "'");
                }
            }
            s.execute("DELETE FROM deferred_index WHERE name = 'idx_date_provenance_recorded'");
            s.execute("DROP TABLE search_param_v7");
        }
    }

    /** The id of every (type, parameter) the store holds rows for, except aliases, whose rows go. */
    private static void fillParamIds(Connection c) throws SQLException {
        Set<List<String>> pairs = new LinkedHashSet<>();
        try (Statement s = c.createStatement()) {
            for (Table t : TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT DISTINCT res_type, param FROM " + t.name)) {
                    while (rs.next()) {
                        pairs.add(List.of(rs.getString(1), rs.getString(2)));
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO search_param_v7 (res_type, param, param_id) VALUES (?, ?, ?)")) {
            for (List<String> p : pairs) {
                if (ParamAliases.of(p.get(0), p.get(1)) == null) {
                    ps.setString(1, p.get(0));
                    ps.setString(2, p.get(1));
                    ps.setInt(3, SearchParamIds.of(p.get(0), p.get(1)));
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static String columnNames(String columns) {
        StringBuilder names = new StringBuilder();
        for (String column : columns.split(",")) {
            names.append(names.length() > 0 ? ", " : "").append(column.trim().split(" ")[0]);
        }
        return names.toString();
    }

    private static String prefixed(String names) {
        return "t." + names.replace(", ", ", t.");
    }
}
