package org.bulkfhir.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.bulkfhir.store.testing.TestDatabases;
import org.bulkfhir.store.write.ResourcePreparer;
import org.bulkfhir.store.write.Write;
import org.bulkfhir.store.write.WriteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bulk load skips the current-version lookup only for ids that cannot exist yet; whatever else
 * happened — the same id twice in one load, a store that already held it, another writer in
 * between — the versions come out as without the shortcut (S-10 versioning, issue 2 load
 * performance).
 */
class LoadedKeysTest {
    @TempDir
    Path dir;
    private TestDatabases.PostgresDatabase pg;
    private JdbcResourceStore store;
    private final ResourcePreparer preparer = new ResourcePreparer();

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private JdbcResourceStore open(String db) {
        if (db.equals("sqlite")) {
            store = JdbcResourceStore.open(TestDatabases.sqlite(dir));
        } else {
            pg = TestDatabases.postgres();
            store = JdbcResourceStore.open(pg.url());
        }
        return store;
    }

    private Write patient(String id, String family) {
        return preparer.prepareUpsert("Patient", id, ("{\"resourceType\":\"Patient\",\"id\":\"" + id
                + "\",\"name\":[{\"family\":\"" + family + "\"}]}").getBytes(UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theSameIdTwiceInOneLoadMakesVersionTwo(String db) throws SQLException {
        open(db);
        LoadedKeys keys = new LoadedKeys();
        store.write(List.of(patient("a", "One"), patient("b", "One")), keys);
        // Again in a later transaction, and twice within one.
        List<WriteResult> results = store.write(List.of(patient("a", "Two"), patient("c", "One"), patient("c", "Two")), keys);

        assertThat(results).extracting(WriteResult::outcome, WriteResult::version).containsExactly(
                org.assertj.core.groups.Tuple.tuple(WriteResult.Outcome.UPDATED, 2),
                org.assertj.core.groups.Tuple.tuple(WriteResult.Outcome.CREATED, 1),
                org.assertj.core.groups.Tuple.tuple(WriteResult.Outcome.UPDATED, 2));
        assertThat(currentVersions("a")).isEqualTo(1);
        assertThat(currentVersions("c")).isEqualTo(1);
        assertThat(store.read("Patient", "a").orElseThrow().version()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aLoadIntoAStoreThatHoldsTheIdUpdatesIt(String db) throws SQLException {
        open(db);
        store.write(List.of(patient("a", "Before")));
        LoadedKeys keys = new LoadedKeys();

        List<WriteResult> results = store.write(List.of(patient("a", "Loaded"), patient("b", "Loaded")), keys);

        assertThat(results).extracting(WriteResult::outcome)
                .containsExactly(WriteResult.Outcome.UPDATED, WriteResult.Outcome.CREATED);
        assertThat(currentVersions("a")).isEqualTo(1);
    }

    /**
     * A writer beside the load creates an id of a type that was empty; the load must see it. On
     * SQLite the store clock tells; on PostgreSQL the unique index on versions refuses the load's
     * first version, and the whole transaction is written again with lookups.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anotherWriterBetweenTwoLoadTransactionsTurnsTheShortcutOff(String db) throws SQLException {
        open(db);
        LoadedKeys keys = new LoadedKeys();
        store.write(List.of(patient("a", "Loaded")), keys);
        store.write(List.of(patient("x", "Server")));

        List<WriteResult> results = store.write(List.of(patient("b", "Loaded"), patient("x", "Loaded")), keys);

        assertThat(results).extracting(WriteResult::outcome, WriteResult::version).containsExactly(
                org.assertj.core.groups.Tuple.tuple(WriteResult.Outcome.CREATED, 1),
                org.assertj.core.groups.Tuple.tuple(WriteResult.Outcome.UPDATED, 2));
        assertThat(currentVersions("x")).isEqualTo(1);
        assertThat(currentVersions("b")).isEqualTo(1);
        assertThat(store.read("Patient", "x").orElseThrow().version()).isEqualTo(2);
        // From then on the load looks every id up.
        store.write(List.of(patient("y", "Server")));
        assertThat(store.write(List.of(patient("y", "Loaded")), keys).get(0).version()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aFailedLoadTransactionTurnsTheShortcutOff(String db) throws SQLException {
        open(db);
        LoadedKeys keys = new LoadedKeys();
        store.write(List.of(patient("a", "Loaded")), keys);
        keys.failed();
        store.write(List.of(patient("x", "Server")));

        assertThat(store.write(List.of(patient("x", "Loaded")), keys).get(0).version()).isEqualTo(2);
    }

    private int currentVersions(String id) throws SQLException {
        try (Connection c = store.database().connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FROM resource WHERE res_type = 'Patient' AND res_id = ? AND valid_to IS NULL")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
