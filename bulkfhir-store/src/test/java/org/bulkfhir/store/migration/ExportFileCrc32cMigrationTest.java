package org.bulkfhir.store.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.export.ExportJobRepository;
import org.bulkfhir.store.export.FileRow;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * V9: export files sealed before CRC-32C was recorded keep their SHA-256 (still stated in the
 * manifest and used as their ETag); new files may have no SHA-256; the manifest-page index stays.
 */
class ExportFileCrc32cMigrationTest extends OlderStoreTest {
    private static final String OLD_SHA = "ab".repeat(32);

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void filesSealedBeforeKeepTheirSha256(String db) throws Exception {
        String url = freshDatabase(db);
        migrateTo(url, db.equals("sqlite") ? "7" : "8"); // every migration before V9 (SQLite has no V8)
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO export_file (job_id, name, task_seq, kind, res_type, line_count, bytes, sha256,"
                    + " continues_in, seq) VALUES ('j1', '00001-Patient-001.ndjson', 1, 'output', 'Patient', 3, 120, '"
                    + OLD_SHA + "', NULL, 1)");
        }

        Database migrated = Database.open(url);
        try {
            ExportJobRepository jobs = new ExportJobRepository(migrated);
            FileRow old = jobs.file("j1", "00001-Patient-001.ndjson").orElseThrow();
            assertThat(old.sha256()).isEqualTo(OLD_SHA);
            assertThat(old.crc32c()).isNull();
            assertThat(old.contentTag()).isEqualTo(OLD_SHA);
            assertThat(old.count()).isEqualTo(3);
            assertThat(old.seq()).isEqualTo(1);
            try (Connection c = migrated.connection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO export_file (job_id, name, task_seq, kind, res_type, line_count, bytes, crc32c,"
                        + " sha256, continues_in, seq) VALUES ('j1', '00002-Patient-001.ndjson', 2, 'output', 'Patient',"
                        + " 1, 40, '0a1b2c3d', NULL, NULL, 2)");
                String indexes = db.equals("sqlite") ? "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'export_file_seq'"
                        : "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'export_file_seq'";
                try (ResultSet rs = s.executeQuery(indexes)) {
                    assertThat(rs.next()).as("export_file_seq").isTrue();
                }
            }
            FileRow fresh = jobs.file("j1", "00002-Patient-001.ndjson").orElseThrow();
            assertThat(fresh.sha256()).isNull();
            assertThat(fresh.contentTag()).isEqualTo("0a1b2c3d-40");
        } finally {
            migrated.close();
        }
    }
}
