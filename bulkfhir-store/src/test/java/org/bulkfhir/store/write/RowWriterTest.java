package org.bulkfhir.store.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Index rows reach the table exactly as written, however many there are: SQLite's writer puts
 * whole groups of rows in one statement and the rest one by one (S-41 search index, issue 2
 * load performance).
 */
class RowWriterTest {
    @TempDir
    Path dir;
    private TestDatabases.PostgresDatabase pg;
    private Database db;

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private Database open(String dialect) {
        if (dialect.equals("sqlite")) {
            db = Database.open(TestDatabases.sqlite(dir));
        } else {
            pg = TestDatabases.postgres();
            db = Database.open(pg.url());
        }
        return db;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everyRowArrivesIntactAcrossFullGroupsAndTheRest(String dialect) throws SQLException {
        Database db = open(dialect);
        // Two and a half groups, then a few rows after the first flush: both paths, twice.
        int first = 2 * InsertRowWriter.ROWS + InsertRowWriter.ROWS / 2;
        int total = first + 7;
        List<String> expected = new ArrayList<>();
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (RowWriter quantity = RowWriter.open(c, db.dialect(), "idx_quantity", "res_pk", "param_id", "value",
                    "system", "code", "unit")) {
                for (int i = 0; i < total; i++) {
                    String system = i % 3 == 0 ? null : "http://unitsofmeasure.org";
                    String code = "c" + i + (i % 5 == 0 ? "\té\\" : "");
                    quantity.int8(i).int8(1000 + i % 4).float8(i + 0.25).text(system).text(code).text(null).endRow();
                    expected.add(i + "|" + (1000 + i % 4) + "|" + (i + 0.25) + "|" + system + "|" + code + "|null");
                    if (i == first - 1) {
                        quantity.flush();
                    }
                }
                quantity.flush();
            }
            c.commit();
        }
        assertThat(rows(db)).containsExactlyElementsOf(expected);
    }

    private static List<String> rows(Database db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT res_pk, param_id, value, system, code, unit FROM idx_quantity ORDER BY res_pk")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + "|" + rs.getInt(2) + "|" + rs.getDouble(3) + "|" + rs.getString(4) + "|"
                        + rs.getString(5) + "|" + rs.getString(6));
            }
        }
        return rows;
    }
}
