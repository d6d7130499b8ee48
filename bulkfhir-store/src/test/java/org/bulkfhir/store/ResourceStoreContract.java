package org.bulkfhir.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bulkfhir.core.fhir.FhirInstant;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.store.bundle.BundleOutcome;
import org.bulkfhir.store.bundle.BundleProcessor;
import org.bulkfhir.store.write.ResourcePreparer;
import org.bulkfhir.store.write.Write;
import org.bulkfhir.store.write.WriteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every database under {@link JdbcResourceStore} must show. Subclasses supply
 * the database (SQLite and PostgreSQL).
 */
abstract class ResourceStoreContract {
    protected ResourceStore store;
    protected final ResourcePreparer preparer = new ResourcePreparer();

    protected abstract String jdbcUrl() throws Exception;

    protected void dropDatabase() {
    }

    @BeforeEach
    void open() throws Exception {
        store = JdbcResourceStore.open(jdbcUrl());
    }

    @AfterEach
    void close() {
        store.close();
        dropDatabase();
    }

    static byte[] json(String s) {
        return s.getBytes(UTF_8);
    }

    static JsonNode tree(byte[] b) throws IOException {
        return Json.MAPPER.readTree(b);
    }

    WriteResult put(String type, String id, String body) {
        return store.write(List.of(preparer.prepareUpsert(type, id, json(body)))).get(0);
    }

    @Test
    void keepsVersionsHistoryAndTombstones() throws Exception {
        WriteResult v1 = put("Patient", "p1", "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"female\"}");
        assertThat(v1.outcome()).isEqualTo(WriteResult.Outcome.CREATED);
        assertThat(v1.version()).isEqualTo(1);

        WriteResult v2 = put("Patient", "p1", "{\"resourceType\":\"Patient\",\"gender\":\"male\"}");
        assertThat(v2.outcome()).isEqualTo(WriteResult.Outcome.UPDATED);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.lastUpdated()).isGreaterThanOrEqualTo(v1.lastUpdated());

        StoredResource current = store.read("Patient", "p1").orElseThrow();
        JsonNode node = tree(current.json());
        assertThat(node.path("id").asText()).isEqualTo("p1");
        assertThat(node.path("gender").asText()).isEqualTo("male");
        assertThat(node.path("meta").path("versionId").asText()).isEqualTo("2");
        assertThat(FhirInstant.parse(node.path("meta").path("lastUpdated").asText())).isEqualTo(v2.lastUpdated());
        assertThat(tree(store.readVersion("Patient", "p1", 1).orElseThrow().json()).path("gender").asText())
                .isEqualTo("female");

        WriteResult deleted = store.write(List.of(Write.delete("Patient", "p1"))).get(0);
        assertThat(deleted.outcome()).isEqualTo(WriteResult.Outcome.DELETED);
        assertThat(store.read("Patient", "p1")).isEmpty();
        assertThat(store.readLatest("Patient", "p1").orElseThrow().deleted()).isTrue();
        assertThat(store.write(List.of(Write.delete("Patient", "p1"))).get(0).outcome())
                .isEqualTo(WriteResult.Outcome.NOT_FOUND);

        WriteResult again = put("Patient", "p1", "{\"resourceType\":\"Patient\"}");
        assertThat(again.outcome()).isEqualTo(WriteResult.Outcome.CREATED);
        assertThat(again.version()).isEqualTo(4);
        assertThat(store.countByType()).containsEntry("Patient", 1L);
    }

    @Test
    void servesTheStampedJsonByteForByte() throws Exception {
        String body = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"meta\":{\"versionId\":\"99\",\"tag\":[{\"code\":\"x\"}]},"
                + "\"status\":\"final\",\"code\":{\"text\":\"Zoë's heart rate\"},\"valueQuantity\":{\"value\":72.50,\"unit\":\"/min\"}}";
        WriteResult r = put("Observation", "o1", body);
        byte[] stored = store.read("Observation", "o1").orElseThrow().json();
        assertThat(stored).isEqualTo(r.json());
        assertThat(new String(stored, UTF_8)).isEqualTo("{\"resourceType\":\"Observation\",\"id\":\"o1\",\"meta\":{\"versionId\":\"1\","
                + "\"lastUpdated\":\"" + FhirInstant.format(r.lastUpdated()) + "\",\"tag\":[{\"code\":\"x\"}]},"
                + "\"status\":\"final\",\"code\":{\"text\":\"Zoë's heart rate\"},\"valueQuantity\":{\"value\":72.50,\"unit\":\"/min\"}}");
    }

    @Test
    void createAssignsANewIdWhateverTheBodySays() throws Exception {
        WriteResult r = store.write(List.of(preparer.prepareCreate("Patient", json("{\"resourceType\":\"Patient\",\"id\":\"mine\"}"))))
                .get(0);
        assertThat(r.id()).isNotEqualTo("mine").matches("[0-9a-f-]{36}");
        assertThat(tree(store.read("Patient", r.id()).orElseThrow().json()).path("id").asText()).isEqualTo(r.id());
    }

    @Test
    void rejectsBadInputWithAReason() {
        assertThatThrownBy(() -> preparer.prepareUpsert(null, null, json("{\"resourceType\":\"Patient\",")))
                .isInstanceOf(InvalidResourceException.class).hasMessageContaining("not a valid FHIR R4 JSON resource");
        assertThatThrownBy(() -> preparer.prepareUpsert(null, null, json("{\"resourceType\":\"Unicorn\",\"id\":\"u\"}")))
                .isInstanceOf(InvalidResourceException.class).hasMessageContaining("Unicorn");
        assertThatThrownBy(() -> preparer.prepareUpsert(null, null, json("{\"resourceType\":\"Patient\"}")))
                .isInstanceOf(InvalidResourceException.class).hasMessageContaining("has no id");
        assertThatThrownBy(() -> preparer.prepareUpsert("Patient", "bad id!", json("{\"resourceType\":\"Patient\"}")))
                .isInstanceOf(InvalidResourceException.class).hasMessageContaining("not a valid FHIR id");
        assertThatThrownBy(() -> preparer.prepareUpsert("Patient", "x", json("{\"resourceType\":\"Patient\",\"birthDate\":\"1970-13-45\"}")))
                .isInstanceOf(InvalidResourceException.class);
        assertThatThrownBy(() -> preparer.prepareUpsert("Patient", "x", json("{\"resourceType\":\"Observation\"}")))
                .isInstanceOf(InvalidResourceException.class).hasMessageContaining("expected a Patient");
        assertThat(store.countByType()).isEmpty();
    }

    @Test
    void snapshotTimeSeparatesEarlierFromLaterWrites() {
        WriteResult before = put("Patient", "a", "{\"resourceType\":\"Patient\"}");
        long t = store.snapshotTime();
        WriteResult after = put("Patient", "b", "{\"resourceType\":\"Patient\"}");
        assertThat(before.lastUpdated()).isLessThanOrEqualTo(t);
        assertThat(after.lastUpdated()).isGreaterThan(t);
    }

    /**
     * S-58: everything stamped at or before a snapshot is committed when the snapshot is taken,
     * and nothing committed later carries an earlier stamp, while a writer runs flat out.
     */
    @Test
    void snapshotsHoldUnderConcurrentWrites() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger n = new AtomicInteger();
        Thread writer = new Thread(() -> {
            while (!stop.get()) {
                List<Write> batch = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    batch.add(preparer.prepareUpsert("Patient", "w" + n.incrementAndGet(), json("{\"resourceType\":\"Patient\"}")));
                }
                store.write(batch);
            }
        });
        writer.start();
        List<long[]> seen = new ArrayList<>();
        try {
            for (int i = 0; i < 15; i++) {
                long t = store.snapshotTime();
                seen.add(new long[] {t, countUpTo(t)});
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        for (long[] s : seen) {
            assertThat(countUpTo(s[0])).as("rows stamped <= %d", s[0]).isEqualTo(s[1]);
        }
        assertThat(n.get()).isGreaterThan(0);
    }

    private long countUpTo(long t) throws SQLException {
        try (Connection c = store.database().connection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM resource WHERE last_updated <= ?")) {
            ps.setLong(1, t);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void transactionResolvesUrnUuidReferencesAndIsAllOrNothing() throws Exception {
        BundleProcessor bundles = new BundleProcessor(store, preparer);
        String tx = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                 {"fullUrl":"urn:uuid:11111111-1111-1111-1111-111111111111",
                  "resource":{"resourceType":"Patient","name":[{"family":"Doe"}]},"request":{"method":"POST","url":"Patient"}},
                 {"fullUrl":"urn:uuid:22222222-2222-2222-2222-222222222222",
                  "resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
                   "subject":{"reference":"urn:uuid:11111111-1111-1111-1111-111111111111"}},"request":{"method":"POST","url":"Observation"}},
                 {"resource":{"resourceType":"Practitioner","id":"doc"},"request":{"method":"PUT","url":"Practitioner/doc"}}]}""";
        BundleOutcome outcome = bundles.process(json(tx));
        assertThat(outcome.entries()).hasSize(3).allMatch(e -> e.result() != null);
        String patientId = outcome.entries().get(0).result().id();
        String obsId = outcome.entries().get(1).result().id();
        JsonNode obs = tree(store.read("Observation", obsId).orElseThrow().json());
        assertThat(obs.path("subject").path("reference").asText()).isEqualTo("Patient/" + patientId);
        assertThat(store.read("Practitioner", "doc")).isPresent();

        String bad = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                 {"resource":{"resourceType":"Patient","id":"ok"},"request":{"method":"PUT","url":"Patient/ok"}},
                 {"resource":{"resourceType":"Patient","id":"bad","birthDate":"not-a-date"},"request":{"method":"PUT","url":"Patient/bad"}}]}""";
        assertThatThrownBy(() -> bundles.process(json(bad))).isInstanceOf(InvalidResourceException.class)
                .hasMessageContaining("entry 1").hasMessageContaining("nothing in the transaction was stored");
        assertThat(store.read("Patient", "ok")).isEmpty();
    }

    @Test
    void batchStoresTheValidEntriesAndReportsTheOthers() {
        BundleProcessor bundles = new BundleProcessor(store, preparer);
        String batch = """
                {"resourceType":"Bundle","type":"batch","entry":[
                 {"resource":{"resourceType":"Patient","id":"a"},"request":{"method":"PUT","url":"Patient/a"}},
                 {"resource":{"resourceType":"Nope","id":"b"},"request":{"method":"PUT","url":"Nope/b"}},
                 {"request":{"method":"DELETE","url":"Patient/a"}}]}""";
        BundleOutcome outcome = bundles.process(json(batch));
        assertThat(outcome.succeeded()).isEqualTo(2);
        assertThat(outcome.failed()).singleElement().satisfies(e -> assertThat(e.error()).contains("entry 1").contains("Nope"));
        assertThat(store.readLatest("Patient", "a").orElseThrow().deleted()).isTrue();
    }

    @Test
    void rejectsBundlesThatAreNotBundles() {
        BundleProcessor bundles = new BundleProcessor(store, preparer);
        assertThatThrownBy(() -> bundles.process(json("{\"resourceType\":\"Patient\"}"))).hasMessageContaining("not a FHIR Bundle");
        assertThatThrownBy(() -> bundles.process(json("{oops"))).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> bundles.process(json("{\"resourceType\":\"Bundle\",\"type\":\"document\"}")))
                .hasMessageContaining("document");
    }

    @Test
    void tracksGroupMembershipOverTime() throws Exception {
        WriteResult g1 = put("Group", "g", group("Patient/a", "Patient/b"));
        WriteResult g2 = put("Group", "g", group("Patient/b", "Patient/c"));
        List<String> rows = new ArrayList<>();
        try (Connection c = store.database().connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT member_id, added_at, removed_at FROM group_member WHERE group_id = 'g' ORDER BY member_id")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String added = rs.getLong(2) == g1.lastUpdated() ? "v1" : "v2";
                    long removed = rs.getLong(3);
                    String state = rs.wasNull() ? "open" : removed == g2.lastUpdated() ? "closed-v2" : "?";
                    rows.add(rs.getString(1) + ":" + added + ":" + state);
                }
            }
        }
        assertThat(rows).containsExactly("a:v1:closed-v2", "b:v1:open", "c:v2:open");
    }

    static String group(String... members) {
        StringBuilder sb = new StringBuilder("{\"resourceType\":\"Group\",\"type\":\"person\",\"actual\":true,\"name\":\"Cohort Één\","
                + "\"identifier\":[{\"system\":\"http://example.org/groups\",\"value\":\"cohort-1\"}],\"member\":[");
        for (int i = 0; i < members.length; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"entity\":{\"reference\":\"").append(members[i]).append("\"}}");
        }
        return sb.append("]}").toString();
    }
}
