package org.bulkfhir.store.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.bulkfhir.core.search.index.SearchParamIds;
import org.bulkfhir.store.Database;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A store written before V7 (type and parameter as text, alias rows, a deferred index left by a
 * crashed load) opens migrated: every row kept under its parameter's id, alias rows dropped, the
 * new indexes in place and no stale deferred definition left to restore.
 */
class SearchParamIdsMigrationTest extends OlderStoreTest {
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void rowsOfAnOlderStoreAreKeptUnderTheirIds(String db) throws Exception {
        String url = freshDatabase(db);
        migrateTo(url, "6");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO idx_token (res_pk, res_type, param, system, code, text)"
                    + " VALUES (1, 'Observation', 'code', 'http://loinc.org', '8867-4', 'heart rate')");
            s.execute("INSERT INTO idx_reference (res_pk, res_type, param, target_type, target_id, url) VALUES"
                    + " (1, 'Observation', 'subject', 'Patient', 'p1', NULL),"
                    + " (1, 'Observation', 'patient', 'Patient', 'p1', NULL),"
                    + " (2, 'Provenance', 'target', 'Observation', 'o1', NULL)");
            s.execute("INSERT INTO idx_date (res_pk, res_type, param, low, high) VALUES (2, 'Provenance', 'recorded', 5, 6)");
            s.execute("INSERT INTO idx_quantity (res_pk, res_type, param, value, system, code, unit)"
                    + " VALUES (1, 'Observation', 'value-quantity', 72.5, 'http://unitsofmeasure.org', '/min', 'beats')");
            s.execute("INSERT INTO idx_string (res_pk, res_type, param, normalized, exact) VALUES (3, 'Patient', 'family', 'ng', 'Ng')");
            s.execute("INSERT INTO idx_uri (res_pk, res_type, param, uri) VALUES (4, 'ValueSet', 'url', 'http://x/vs')");
            // A load killed with this index dropped: its old definition must not come back.
            s.execute("DROP INDEX idx_token_value");
            s.execute("INSERT INTO deferred_index (name, definition) VALUES ('idx_token_value',"
                    + " 'CREATE INDEX idx_token_value ON idx_token (res_type, param, code, res_pk)')");
        }

        Database migrated = Database.open(url);
        try (Connection c = migrated.connection(); Statement s = c.createStatement()) {
            assertThat(rows(s, "SELECT res_pk, param_id, system, code, text FROM idx_token")).containsExactly(
                    List.of("1", id("Observation", "code"), "http://loinc.org", "8867-4", "heart rate"));
            assertThat(rows(s, "SELECT res_pk, param_id, target_type, target_id, url FROM idx_reference ORDER BY res_pk"))
                    .containsExactly(List.of("1", id("Observation", "subject"), "Patient", "p1", "null"),
                            List.of("2", id("Provenance", "target"), "Observation", "o1", "null"));
            assertThat(rows(s, "SELECT res_pk, param_id, low, high FROM idx_date"))
                    .containsExactly(List.of("2", id("Provenance", "recorded"), "5", "6"));
            assertThat(rows(s, "SELECT param_id, value, unit FROM idx_quantity"))
                    .containsExactly(List.of(id("Observation", "value-quantity"), "72.5", "beats"));
            assertThat(rows(s, "SELECT param_id, normalized, exact FROM idx_string"))
                    .containsExactly(List.of(id("Patient", "family"), "ng", "Ng"));
            assertThat(rows(s, "SELECT param_id, uri FROM idx_uri")).containsExactly(List.of(id("ValueSet", "url"), "http://x/vs"));
            assertThat(rows(s, "SELECT name FROM deferred_index")).isEmpty();
        } finally {
            migrated.close();
        }
        Database reopened = Database.open(url);
        try (Connection c = reopened.connection()) {
            List<String> indexes = new ArrayList<>();
            String sql = db.equals("sqlite") ? "SELECT name FROM sqlite_master WHERE type = 'index'"
                    : "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()";
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    indexes.add(rs.getString(1));
                }
            }
            assertThat(indexes).contains("idx_token_value", "idx_string_value", "idx_date_value", "idx_reference_value",
                    "idx_reference_by_pk", "idx_quantity_value", "idx_uri_value")
                    .doesNotContain("idx_date_provenance_recorded");
        } finally {
            reopened.close();
        }
    }

    private static String id(String type, String param) {
        return String.valueOf(SearchParamIds.of(type, param));
    }

    private static List<List<String>> rows(Statement s, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof Double d ? String.valueOf(d) : String.valueOf(v));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
