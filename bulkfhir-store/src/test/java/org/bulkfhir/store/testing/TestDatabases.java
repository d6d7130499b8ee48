package org.bulkfhir.store.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Databases for tests: a SQLite file in a test's temp directory, or a fresh PostgreSQL
 * database (created per use, dropped on close) on the server at {@code BULKFHIR_TEST_PG}
 * (default the local 127.0.0.1:5432). When no PostgreSQL answers, the test is reported as
 * skipped with the reason, never silently passed.
 */
public final class TestDatabases {
    public static final String ADMIN_URL = System.getenv().getOrDefault("BULKFHIR_TEST_PG",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    private TestDatabases() {
    }

    public static String sqlite(Path dir) {
        return "jdbc:sqlite:" + dir.resolve("store.db").toAbsolutePath();
    }

    /** A fresh PostgreSQL database; close it to drop it. */
    public static PostgresDatabase postgres() {
        String name = "bulkfhir_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            Assumptions.abort("PostgreSQL is not reachable at " + ADMIN_URL + " (" + e.getMessage()
                    + "); set BULKFHIR_TEST_PG to a server where databases can be created");
        }
        return new PostgresDatabase(name, ADMIN_URL.replaceFirst("/postgres(\\?|$)", "/" + name + "$1"));
    }

    /** A throwaway PostgreSQL database. */
    public record PostgresDatabase(String name, String url) implements AutoCloseable {
        @Override
        public void close() {
            try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                throw new IllegalStateException("Could not drop test database " + name, e);
            }
        }
    }
}
