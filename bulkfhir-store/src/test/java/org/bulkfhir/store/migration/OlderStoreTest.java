package org.bulkfhir.store.migration;

import java.nio.file.Path;
import org.bulkfhir.store.Dialect;
import org.bulkfhir.store.testing.TestDatabases;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A migration test's store, SQLite or a fresh PostgreSQL database, brought to an older schema version. */
abstract class OlderStoreTest {
    @TempDir
    Path dir;
    private TestDatabases.PostgresDatabase pg;

    @AfterEach
    void drop() {
        if (pg != null) {
            pg.close();
        }
    }

    /** A new empty database of kind {@code db} ("sqlite" or "postgresql"), dropped after the test. */
    String freshDatabase(String db) {
        if (db.equals("sqlite")) {
            return TestDatabases.sqlite(dir);
        }
        pg = TestDatabases.postgres();
        return pg.url();
    }

    /** Applies the migrations up to {@code version}, as a store written by that older release has them. */
    static void migrateTo(String url, String version) {
        Flyway.configure().dataSource(url, null, null).locations(Dialect.of(url).migrationLocation())
                .javaMigrations(new V7__Search_param_ids()).target(version).load().migrate();
    }
}
