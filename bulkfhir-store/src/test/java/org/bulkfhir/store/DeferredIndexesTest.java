package org.bulkfhir.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.bulkfhir.core.search.index.SearchParamIds;
import org.bulkfhir.store.load.LoadListener;
import org.bulkfhir.store.load.LoadSummary;
import org.bulkfhir.store.load.Loader;
import org.bulkfhir.store.testing.TestDatabases;
import org.bulkfhir.store.write.ResourcePreparer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bulk load into an empty store builds its secondary indexes once at the end; a crash in
 * between is repaired when the store is next opened; index rows reach both databases intact,
 * whatever characters they hold (S-41 search index, issue 2 load performance).
 */
class DeferredIndexesTest {
    @TempDir
    Path dir;
    private TestDatabases.PostgresDatabase pg;
    private final List<JdbcResourceStore> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(JdbcResourceStore::close);
        if (pg != null) {
            pg.close();
        }
    }

    private String url(String db) {
        if (db.equals("sqlite")) {
            return TestDatabases.sqlite(dir);
        }
        pg = TestDatabases.postgres();
        return pg.url();
    }

    private JdbcResourceStore open(String url) {
        JdbcResourceStore store = JdbcResourceStore.open(url);
        opened.add(store);
        return store;
    }

    private Path observations(int n) throws Exception {
        StringBuilder ndjson = new StringBuilder("{\"resourceType\":\"Patient\",\"id\":\"p1\",\"name\":[{\"family\":\"Ng\"}]}\n");
        for (int i = 0; i < n; i++) {
            ndjson.append("{\"resourceType\":\"Observation\",\"id\":\"o").append(i).append("\",\"status\":\"final\",")
                    .append("\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},")
                    .append("\"subject\":{\"reference\":\"Patient/p1\"},\"effectiveDateTime\":\"2020-01-0")
                    .append(1 + i % 9).append("\"}\n");
        }
        Path file = dir.resolve("data.ndjson");
        Files.writeString(file, ndjson, UTF_8);
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void bulkLoadIntoAnEmptyStoreBuildsTheIndexesAtTheEnd(String db) throws Exception {
        JdbcResourceStore store = open(url(db));
        Set<String> before = secondaryIndexes(store.database());
        assertThat(before).contains("idx_token_value", "idx_reference_value", "resource_updated");

        IndexWatcher listener = new IndexWatcher(store.database());
        LoadSummary summary = new Loader(store, new ResourcePreparer(), 2, listener).load(List.of(observations(50)));

        assertThat(summary.written()).isEqualTo(51);
        assertThat(listener.builds).hasValue(1);
        assertThat(listener.duringLoad).isNotEmpty().allSatisfy(s -> assertThat(s).doesNotContain("idx_token_value"));
        assertThat(secondaryIndexes(store.database())).isEqualTo(before);
        assertThat(scalar(store.database(), "SELECT count(*) FROM deferred_index")).isZero();
        assertThat(scalar(store.database(), "SELECT count(*) FROM idx_token WHERE param_id = " + SearchParamIds.of("Observation", "code") + " AND code = '8867-4'"))
                .isEqualTo(50);
        if (db.equals("postgresql")) {
            // The planner has statistics right away, whether or not autovacuum runs.
            assertThat(scalar(store.database(), "SELECT count(DISTINCT tablename) FROM pg_stats WHERE schemaname = "
                    + "current_schema() AND tablename IN ('resource', 'idx_token', 'idx_reference')")).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aStoreWithDataKeepsItsIndexesWhileLoading(String db) throws Exception {
        JdbcResourceStore store = open(url(db));
        ResourcePreparer preparer = new ResourcePreparer();
        store.write(List.of(preparer.prepareUpsert("Patient", "p0", "{\"resourceType\":\"Patient\"}".getBytes(UTF_8))));
        Set<String> before = secondaryIndexes(store.database());

        IndexWatcher listener = new IndexWatcher(store.database());
        new Loader(store, preparer, 2, listener).load(List.of(observations(5)));

        assertThat(listener.builds).hasValue(0);
        assertThat(listener.duringLoad).isNotEmpty().allSatisfy(s -> assertThat(s).isEqualTo(before));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void indexesLeftUnbuiltByACrashAreRebuiltOnTheNextOpen(String db) {
        String url = url(db);
        JdbcResourceStore first = open(url);
        Set<String> before = secondaryIndexes(first.database());
        assertThat(DeferredIndexes.deferIfEmpty(first.database())).isTrue();
        assertThat(secondaryIndexes(first.database())).doesNotContain("idx_token_value", "resource_updated");
        // The loader dies here: no rebuild. The next process to open the store repairs it.
        first.close();
        opened.remove(first);

        JdbcResourceStore second = open(url);
        assertThat(secondaryIndexes(second.database())).isEqualTo(before);
        assertThat(scalar(second.database(), "SELECT count(*) FROM deferred_index")).isZero();
    }

    /** COPY's text format has escapes of its own; the values must arrive exactly as extracted. */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void indexRowsKeepTabsNewlinesAndBackslashes(String db) {
        JdbcResourceStore store = open(url(db));
        String family = "O\\\\Brien\\tTab\\nLine\\r\\\\N é";
        String json = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"name\":[{\"family\":\"" + family + "\"}],"
                + "\"identifier\":[{\"system\":\"urn:x\",\"value\":\"a\\\\b\\tc\"}]}";
        store.write(List.of(new ResourcePreparer().prepareUpsert("Patient", "p1", json.getBytes(UTF_8))));

        assertThat(text(store.database(), "SELECT exact FROM idx_string WHERE param_id = " + SearchParamIds.of("Patient", "family")))
                .isEqualTo("O\\Brien\tTab\nLine\r\\N é");
        assertThat(text(store.database(), "SELECT code FROM idx_token WHERE param_id = " + SearchParamIds.of("Patient", "identifier")))
                .isEqualTo("a\\b\tc");
    }

    /** Records the store's indexes at every progress call, and how often the index build began. */
    private static final class IndexWatcher implements LoadListener {
        final AtomicInteger builds = new AtomicInteger();
        final List<Set<String>> duringLoad = new ArrayList<>();
        private final Database db;

        IndexWatcher(Database db) {
            this.db = db;
        }

        @Override
        public void progress(long written, long rejected, long bytesRead, long totalBytes) {
            duringLoad.add(secondaryIndexes(db));
        }

        @Override
        public void buildingIndexes() {
            builds.incrementAndGet();
        }
    }

    private static Set<String> secondaryIndexes(Database db) {
        String sql = db.dialect() == Dialect.POSTGRESQL
                ? "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                : "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL";
        Set<String> names = new TreeSet<>();
        try (Connection c = db.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }

    private static long scalar(Database db, String sql) {
        return Long.parseLong(text(db, sql));
    }

    private static String text(Database db, String sql) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
