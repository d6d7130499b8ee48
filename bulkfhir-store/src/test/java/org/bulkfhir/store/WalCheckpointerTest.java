package org.bulkfhir.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.bulkfhir.store.testing.TestDatabases;
import org.bulkfhir.store.write.ResourcePreparer;
import org.bulkfhir.store.write.Write;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * During a bulk load on SQLite a helper thread checkpoints the write-ahead log; afterwards every
 * commit is in the database file and the pooled connections checkpoint as before (issue 2 load
 * performance).
 */
class WalCheckpointerTest {
    @TempDir
    Path dir;
    private JdbcResourceStore store;

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void backgroundCheckpointsCopyEveryCommitAndHandTheConnectionsBack() throws Exception {
        store = JdbcResourceStore.open(TestDatabases.sqlite(dir));
        ResourcePreparer preparer = new ResourcePreparer();
        Path file = dir.resolve("store.db");
        long before = Files.size(file);
        try (Database.BackgroundCheckpoints checkpoints = store.database().checkpointInBackground()) {
            for (int t = 0; t < 20; t++) {
                List<Write> writes = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    String id = "p" + t + "-" + i;
                    writes.add(preparer.prepareUpsert("Patient", id,
                            ("{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}").getBytes(UTF_8)));
                }
                store.write(writes);
                assertThat(autoCheckpointPages(store.database())).isEqualTo(1000);
            }
        }
        // Far below SQLite's own threshold of 1000 pages, these commits would all still be in the log.
        assertThat(Files.size(file)).isGreaterThan(before);
        assertThat(store.countByType()).containsEntry("Patient", 1000L);
    }

    private static int autoCheckpointPages(Database db) throws SQLException {
        try (Connection c = db.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA wal_autocheckpoint")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
