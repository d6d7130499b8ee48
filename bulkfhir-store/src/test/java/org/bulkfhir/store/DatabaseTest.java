package org.bulkfhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.bulkfhir.store.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new SQLite store is made with large pages and in WAL mode; a store made earlier keeps the
 * page size it has and still opens (issue 7: load speed of the embedded store).
 */
class DatabaseTest {
    @TempDir
    Path dir;

    @Test
    void aNewSqliteStoreHasLargePagesAndWritesAheadOfTheLog() throws SQLException {
        String url = TestDatabases.sqlite(dir);
        try (Database db = Database.open(url); Connection c = db.connection()) {
            assertThat(pragma(c, "page_size")).isEqualTo(String.valueOf(Database.SQLITE_PAGE_SIZE));
            assertThat(pragma(c, "journal_mode")).isEqualToIgnoringCase("wal");
        }
        // Opening it again changes nothing.
        try (Database db = Database.open(url); Connection c = db.connection()) {
            assertThat(pragma(c, "page_size")).isEqualTo(String.valueOf(Database.SQLITE_PAGE_SIZE));
        }
    }

    @Test
    void anExistingStoreKeepsItsPageSize() throws SQLException {
        Path file = dir.resolve("old").resolve("store.db");
        file.getParent().toFile().mkdirs();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            // As a store made before the page size was chosen: SQLite's default, header written.
            s.execute("PRAGMA page_size = 4096");
            s.execute("PRAGMA journal_mode = WAL");
        }
        try (Database db = Database.open("jdbc:sqlite:" + file); Connection c = db.connection()) {
            assertThat(pragma(c, "page_size")).isEqualTo("4096");
            try (Statement s = c.createStatement()) {
                s.execute("UPDATE store_clock SET tick = 42");
            }
        }
        try (Database db = Database.open("jdbc:sqlite:" + file); Connection c = db.connection();
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT tick FROM store_clock")) {
            assertThat(pragma(c, "page_size")).isEqualTo("4096");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(42);
        }
    }

    private static String pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
