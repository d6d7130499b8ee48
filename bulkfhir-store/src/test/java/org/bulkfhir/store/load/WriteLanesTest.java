package org.bulkfhir.store.load;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.StoredResource;
import org.bulkfhir.store.testing.TestDatabases;
import org.bulkfhir.store.write.ResourcePreparer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A load that writes on several PostgreSQL connections at once (one SQLite writer) still stores
 * every version of a resource in input order, however its versions fall across transactions
 * and lanes (S-10 versioning, issue 2 load performance).
 */
class WriteLanesTest {
    private static final int PATIENTS = 1_500;
    private static final int ROUNDS = 8;

    @TempDir
    Path dir;
    private TestDatabases.PostgresDatabase pg;
    private ResourceStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void versionsOfOneResourceKeepInputOrderAcrossTransactionsAndLanes(String db) throws Exception {
        if (db.equals("sqlite")) {
            store = JdbcResourceStore.open(TestDatabases.sqlite(dir));
        } else {
            pg = TestDatabases.postgres();
            store = JdbcResourceStore.open(pg.url());
        }
        // 12,000 lines: more than one transaction per lane, each Patient in every one of them.
        Path file = dir.resolve("Patient.ndjson");
        try (BufferedWriter w = Files.newBufferedWriter(file, UTF_8)) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int p = 0; p < PATIENTS; p++) {
                    w.write("{\"resourceType\":\"Patient\",\"id\":\"p" + p + "\",\"name\":[{\"family\":\"Round" + round
                            + "\"}]}\n");
                }
            }
        }

        LoadSummary summary = new Loader(store, new ResourcePreparer(), 4, LoadListener.NONE).load(List.of(file));

        assertThat(summary.rejected()).isZero();
        assertThat(summary.written()).isEqualTo((long) PATIENTS * ROUNDS);
        for (int p : new int[] {0, 1, 777, PATIENTS - 1}) {
            StoredResource latest = store.read("Patient", "p" + p).orElseThrow();
            assertThat(latest.version()).isEqualTo(ROUNDS);
            assertThat(new String(latest.json(), UTF_8)).contains("\"family\":\"Round" + (ROUNDS - 1) + "\"");
        }
        assertThat(scalar("SELECT count(*) FROM resource WHERE valid_to IS NULL")).isEqualTo(PATIENTS);
        // Every older version was closed where the next one began.
        assertThat(scalar("SELECT count(*) FROM resource r JOIN resource n ON n.res_type = r.res_type "
                + "AND n.res_id = r.res_id AND n.version = r.version + 1 WHERE r.valid_to IS NULL OR r.valid_to <> n.last_updated"))
                .isZero();
        // Each version was indexed once.
        assertThat(scalar("SELECT count(*) FROM idx_string i JOIN resource r ON r.pk = i.res_pk WHERE r.valid_to IS NULL"))
                .isEqualTo(scalar("SELECT count(*) FROM idx_string") / ROUNDS);
    }

    private long scalar(String sql) throws Exception {
        try (Connection c = store.database().connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
