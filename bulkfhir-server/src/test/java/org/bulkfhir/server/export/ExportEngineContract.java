package org.bulkfhir.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.bulkfhir.core.fhir.FhirInstant;
import org.bulkfhir.store.export.ExportJobRepository;
import org.bulkfhir.store.export.JobStatus;
import org.bulkfhir.store.export.TaskRow;
import org.bulkfhir.store.write.ResourcePreparer;
import org.bulkfhir.store.write.Write;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every database must show for exports, over real HTTP: exact resource sets at the three
 * levels, {@code _since} with deletes, snapshot isolation while writes go on, and recovery of a
 * dead worker's task. Subclasses supply the database.
 */
abstract class ExportEngineContract {
    @TempDir
    Path dir;
    ExportHarness h;
    Fixture fx;

    protected abstract String jdbcUrl() throws Exception;

    protected void dropDatabase() {
    }

    protected ExportConfig config() {
        return ExportHarness.testConfig(dir);
    }

    @BeforeEach
    void start() throws Exception {
        h = new ExportHarness(jdbcUrl(), dir, config());
        fx = new Fixture();
        fx.writeAll(h.store);
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
        dropDatabase();
    }

    /** S-18, S-19, S-31, S-36, S-58, S-59, S-60, S-61, S-62, S-63, S-77: system export, every resource once. */
    @Test
    void systemExportHasEveryResourceOnceOneTypePerFile() throws Exception {
        // A second version: only the current one may be exported (S-36).
        fx.write(h.store, fx.add("Observation", "o1", Set.of("p1"), Set.of(), "{\"resourceType\":\"Observation\","
                + "\"id\":\"o1\",\"status\":\"amended\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/p1\"}}"));
        long before = System.currentTimeMillis();
        String status = h.kickoff("/$export");
        JsonNode m = h.awaitManifest(status);
        assertThat(m.path("request").asText()).isEqualTo(h.base() + "/$export");
        assertThat(m.path("requiresAccessToken").asBoolean(true)).isFalse();
        assertThat(m.has("requiresAccessToken")).isTrue();
        assertThat(m.path("error").isArray()).isTrue();
        assertThat(m.path("error")).isEmpty();
        assertThat(m.has("deleted")).isFalse();
        long tt = FhirInstant.parse(m.path("transactionTime").asText());
        assertThat(tt).isBetween(before - 1000, System.currentTimeMillis());
        assertThat(h.exportedOnce(m)).isEqualTo(fx.system());
        Set<String> types = new TreeSet<>();
        for (JsonNode item : m.path("output")) {
            assertThat(item.path("url").asText()).startsWith("http://127.0.0.1:");
            assertThat(item.path("extension").path("https://bulkfhir.org/file-size").asLong()).isPositive();
            assertThat(item.path("extension").path("https://bulkfhir.org/crc32c").asText()).matches("[0-9a-f]{8}");
            assertThat(item.path("extension").has("https://bulkfhir.org/sha256")).as("only when asked for").isFalse();
            types.add(item.path("type").asText());
        }
        assertThat(types).contains("Patient", "Observation", "Group", "Practitioner");
        String amended = h.lines(m.path("output").findValues("url").stream()
                .map(JsonNode::asText).filter(u -> u.contains("Observation")).findFirst().orElseThrow()).stream()
                .filter(l -> l.contains("\"o1\"")).findFirst().orElseThrow();
        assertThat(amended).contains("amended");
    }

    /** S-18, S-20, S-23, S-31: POST Parameters with repeated _type equals the GET comma list. */
    @Test
    void postWithRepeatedTypeEqualsGetCommaList() throws Exception {
        JsonNode viaGet = h.awaitManifest(h.kickoff("/$export?_type=Patient,Encounter"));
        var r = h.post(h.base() + "/$export", "{\"resourceType\":\"Parameters\",\"parameter\":["
                + "{\"name\":\"_type\",\"valueString\":\"Patient\"},{\"name\":\"_type\",\"valueString\":\"Encounter\"}]}",
                "Prefer", "respond-async");
        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode viaPost = h.awaitManifest(r.headers().firstValue("Content-Location").orElseThrow());
        assertThat(viaPost.path("request").asText()).isEqualTo(h.base() + "/$export");
        JsonNode viaRepeatedGet = h.awaitManifest(h.kickoff("/$export?_type=Patient&_type=Encounter"));
        Set<String> expected = new TreeSet<>(fx.system().stream()
                .filter(x -> x.startsWith("Patient/") || x.startsWith("Encounter/")).toList());
        assertThat(h.exportedOnce(viaGet)).isEqualTo(expected);
        assertThat(h.exportedOnce(viaPost)).isEqualTo(expected);
        assertThat(h.exportedOnce(viaRepeatedGet)).isEqualTo(expected);
    }

    /** S-18, S-33, §5.7, §5.22: Patient level: compartments, the Patients, referenced context resources, each once. */
    @Test
    void patientLevelExportsCompartmentsPatientsAndContextOnce() throws Exception {
        JsonNode m = h.awaitManifest(h.kickoff("/Patient/$export"));
        Set<String> expected = fx.compartment(Set.of("p1", "p2", "p3", "p4"));
        assertThat(expected).contains("Patient/p1", "Account/acct1", "Practitioner/dr1", "Organization/org1",
                "Medication/med1").doesNotContain("Practitioner/dr2", "Group/g1");
        assertThat(h.exportedOnce(m)).isEqualTo(expected);
    }

    /** S-18, S-20, S-33: Group level by POST: members only, their context, nothing of non-members. */
    @Test
    void groupLevelExportsMembersOnly() throws Exception {
        var r = h.post(h.base() + "/Group/g1/$export", "{\"resourceType\":\"Parameters\"}", "Prefer", "respond-async");
        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode m = h.awaitManifest(r.headers().firstValue("Content-Location").orElseThrow());
        Set<String> expected = fx.compartment(Set.of("p1", "p2"));
        assertThat(expected).contains("Account/acct1", "Practitioner/dr1").doesNotContain("Patient/p3", "Medication/med1");
        assertThat(h.exportedOnce(m)).isEqualTo(expected);
        // _type narrows to the listed compartment types; context only when listed.
        JsonNode narrowed = h.awaitManifest(h.kickoff("/Group/g1/$export?_type=Observation,Practitioner"));
        assertThat(h.exportedOnce(narrowed)).containsExactlyInAnyOrder("Observation/o1", "Observation/o2",
                "Observation/o3", "Practitioner/dr1");
    }

    /** S-28, S-64, §4.5: _since exports later changes only and lists deletions, never both. */
    @Test
    void sinceExportsChangesAndDeletions() throws Exception {
        JsonNode first = h.awaitManifest(h.kickoff("/$export"));
        String since = first.path("transactionTime").asText();
        fx.write(h.store, fx.add("Observation", "o6", Set.of("p2"), Set.of(), "{\"resourceType\":\"Observation\","
                + "\"id\":\"o6\",\"status\":\"final\",\"code\":{\"text\":\"y\"},\"subject\":{\"reference\":\"Patient/p2\"}}"));
        fx.delete(h.store, "Observation", "o3");
        fx.delete(h.store, "Practitioner", "dr2");
        // Deleted and re-created: current, so in output and not in deleted.
        fx.delete(h.store, "Encounter", "e2");
        fx.write(h.store, fx.add("Encounter", "e2", Set.of("p2"), Set.of(), "{\"resourceType\":\"Encounter\",\"id\":\"e2\","
                + "\"status\":\"cancelled\",\"class\":{\"code\":\"AMB\"},\"subject\":{\"reference\":\"Patient/p2\"}}"));

        JsonNode sys = h.awaitManifest(h.kickoff("/$export?_since=" + since));
        assertThat(h.exportedOnce(sys)).containsExactlyInAnyOrder("Observation/o6", "Encounter/e2");
        assertThat(h.deleted(sys)).containsExactlyInAnyOrder("Observation/o3", "Practitioner/dr2");
        for (JsonNode d : sys.path("deleted")) {
            assertThat(d.path("type").asText()).isEqualTo("Bundle");
        }

        JsonNode pat = h.awaitManifest(h.kickoff("/Patient/$export?_since=" + since));
        assertThat(h.exportedOnce(pat)).containsExactlyInAnyOrder("Observation/o6", "Encounter/e2");
        assertThat(h.deleted(pat)).containsExactly("Observation/o3");
    }

    /**
     * S-58, §4.5, §5.1: writes made while an export runs are not in it but are in the next _since
     * run; chained runs never repeat or lose a version.
     */
    @Test
    void chainedSinceRunsAroundConcurrentWritesMissAndRepeatNothing() throws Exception {
        ResourcePreparer preparer = new ResourcePreparer();
        List<Write> bulk = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            bulk.add(preparer.prepareUpsert("Observation", "bulk" + i, ("{\"resourceType\":\"Observation\",\"id\":\"bulk" + i
                    + "\",\"status\":\"final\",\"code\":{\"text\":\"v0\"},\"subject\":{\"reference\":\"Patient/p4\"}}")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        h.store.write(bulk);
        String since = null;
        Set<String> everVersion = new TreeSet<>();
        AtomicInteger writes = new AtomicInteger();
        for (int run = 0; run < 3; run++) {
            String status = h.kickoff("/$export?_type=Observation" + (since == null ? "" : "&_since=" + since));
            // Update resources while the export is (or may still be) running.
            for (int i = 0; i < 5; i++) {
                int n = writes.incrementAndGet();
                String id = "bulk" + (n * 7 % 3000);
                h.store.write(List.of(preparer.prepareUpsert("Observation", id, ("{\"resourceType\":\"Observation\",\"id\":\""
                        + id + "\",\"status\":\"final\",\"code\":{\"text\":\"w" + n + "\"},\"subject\":{\"reference\":\"Patient/p4\"}}")
                        .getBytes(StandardCharsets.UTF_8))));
            }
            JsonNode m = h.awaitManifest(status);
            long tt = FhirInstant.parse(m.path("transactionTime").asText());
            for (JsonNode item : m.path("output")) {
                for (String line : h.lines(item.path("url").asText())) {
                    JsonNode r = org.bulkfhir.core.json.Json.MAPPER.readTree(line);
                    String version = r.path("id").asText() + "@" + r.path("meta").path("versionId").asText();
                    assertThat(everVersion.add(version)).as("version exported twice across runs: " + version).isTrue();
                    assertThat(FhirInstant.parse(r.path("meta").path("lastUpdated").asText())).isLessThanOrEqualTo(tt);
                }
            }
            since = m.path("transactionTime").asText();
        }
        // A last run after the writes stopped: every current version has now been exported exactly once.
        JsonNode last = h.awaitManifest(h.kickoff("/$export?_type=Observation&_since=" + since));
        for (JsonNode item : last.path("output")) {
            for (String line : h.lines(item.path("url").asText())) {
                JsonNode r = org.bulkfhir.core.json.Json.MAPPER.readTree(line);
                assertThat(everVersion.add(r.path("id").asText() + "@" + r.path("meta").path("versionId").asText())).isTrue();
            }
        }
        for (int i = 0; i < 3000; i++) {
            String id = "bulk" + i;
            int current = h.store.read("Observation", id).orElseThrow().version();
            assertThat(everVersion).contains(id + "@" + current);
        }
    }

    /** S-29: with _since, a patient added to the Group after _since gets all of their data. */
    @Test
    void groupSinceGivesNewMembersTheirWholeRecord() throws Exception {
        JsonNode first = h.awaitManifest(h.kickoff("/Group/g1/$export"));
        String since = first.path("transactionTime").asText();
        fx.group("g1", List.of("p1", "p2", "p3"));
        fx.write(h.store, fx.all.get("Group/g1"));
        fx.write(h.store, fx.add("Observation", "o7", Set.of("p1"), Set.of(), "{\"resourceType\":\"Observation\","
                + "\"id\":\"o7\",\"status\":\"final\",\"code\":{\"text\":\"z\"},\"subject\":{\"reference\":\"Patient/p1\"}}"));
        JsonNode m = h.awaitManifest(h.kickoff("/Group/g1/$export?_since=" + since));
        Set<String> expected = new TreeSet<>(fx.compartment(Set.of("p3")));
        expected.add("Observation/o7");
        assertThat(h.exportedOnce(m)).isEqualTo(expected);
    }

    /**
     * S-43: a job's first tasks are a thirty-second of the configured size and double from there, so
     * the first file is sealed early whatever the export's size; every resource is still
     * exported once. One task writes one file here, so the files' counts are the task sizes.
     */
    @Test
    void firstTasksAreSmallAndGrowToTheConfiguredSize() throws Exception {
        ResourcePreparer preparer = new ResourcePreparer();
        List<Write> more = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            more.add(preparer.prepareUpsert("Patient", "q" + i, ("{\"resourceType\":\"Patient\",\"id\":\"q" + i + "\"}")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < 100; i++) {
            more.add(preparer.prepareUpsert("Observation", "s" + i, ("{\"resourceType\":\"Observation\",\"id\":\"s" + i
                    + "\",\"status\":\"final\",\"code\":{\"text\":\"s\"},\"subject\":{\"reference\":\"Patient/q"
                    + (i % 40) + "\"}}").getBytes(StandardCharsets.UTF_8)));
        }
        h.store.write(more);
        h.close();
        h = new ExportHarness(h.jdbcUrl, dir, config().withTaskSizes(32, 16));

        JsonNode ranges = h.awaitManifest(h.kickoff("/$export?_type=Observation"));
        List<Integer> rangeCounts = counts(ranges);
        assertThat(rangeCounts.subList(0, 5)).containsExactly(1, 2, 4, 8, 16);
        assertThat(rangeCounts).allSatisfy(n -> assertThat(n).isBetween(1, 32));
        assertThat(h.exportedOnce(ranges)).hasSize(rangeCounts.stream().mapToInt(Integer::intValue).sum())
                .contains("Observation/s0", "Observation/s99");

        JsonNode batches = h.awaitManifest(h.kickoff("/Patient/$export?_type=Patient"));
        List<Integer> batchCounts = counts(batches);
        assertThat(batchCounts.subList(0, 4)).containsExactly(1, 2, 4, 8);
        assertThat(batchCounts).allSatisfy(n -> assertThat(n).isBetween(1, 16));
        assertThat(h.exportedOnce(batches)).hasSize(44).contains("Patient/p1", "Patient/q0", "Patient/q39");
    }

    private static List<Integer> counts(JsonNode manifest) {
        List<Integer> counts = new ArrayList<>();
        manifest.path("output").forEach(item -> counts.add(item.path("count").asInt()));
        return counts;
    }

    /** Jobs and scale-out: a task whose worker died (lease expired) is re-run by another, and nothing is lost or doubled. */
    @Test
    void taskOfDeadWorkerIsTakenOverAfterItsLeaseExpires() throws Exception {
        h.close();
        ExportConfig cfg = config().withLease(Duration.ofSeconds(1)).withTaskSizes(3, 2);
        h = new ExportHarness(h.jdbcUrl, dir, cfg.withWorkers(0));
        String status = h.kickoff("/$export");
        String jobId = status.substring(status.lastIndexOf('/') + 1);
        // A "worker" that claims the plan task and then dies without a word.
        ExportJobRepository repo = new ExportJobRepository(h.store.database());
        long now = System.currentTimeMillis();
        TaskRow stolen = repo.claim("dead-node-x", now, now + 1000).orElseThrow();
        assertThat(stolen.jobId()).isEqualTo(jobId);
        h.close();
        h = new ExportHarness(h.jdbcUrl, dir, cfg.withWorkers(2));
        JsonNode m = h.awaitManifest(h.rebase(status));
        assertThat(h.exportedOnce(m)).isEqualTo(fx.system());
        assertThat(h.jobs().job(jobId).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
    }

    /** Restart mid-job: stop the node while tasks run; a new node on the same database and files finishes with every resource once. */
    @Test
    void restartMidJobFinishesWithEveryResourceOnce() throws Exception {
        ResourcePreparer preparer = new ResourcePreparer();
        List<Write> bulk = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            bulk.add(preparer.prepareUpsert("Observation", "r" + i, ("{\"resourceType\":\"Observation\",\"id\":\"r" + i
                    + "\",\"status\":\"final\",\"code\":{\"text\":\"r\"},\"subject\":{\"reference\":\"Patient/p1\"}}")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        h.store.write(bulk);
        h.close();
        // Throttled to ~1000 resources/s per worker so that the stop lands mid-job.
        ExportConfig slow = config().withTaskSizes(100, 2).withWorkers(1).withThrottle(1000);
        h = new ExportHarness(h.jdbcUrl, dir, slow);
        String status = h.kickoff("/$export");
        String jobId = status.substring(status.lastIndexOf('/') + 1);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> h.jobs().job(jobId).orElseThrow().tasksDone() >= 3);
        h.close();
        h = new ExportHarness(h.jdbcUrl, dir, config().withTaskSizes(100, 2).withWorkers(0));
        assertThat(h.jobs().job(jobId).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(h.jobs().job(jobId).orElseThrow().tasksDone()).isLessThan(h.jobs().job(jobId).orElseThrow().tasksTotal());
        h.close();
        h = new ExportHarness(h.jdbcUrl, dir, config().withTaskSizes(100, 2));
        JsonNode m = h.awaitManifest(h.rebase(status));
        Set<String> expected = new TreeSet<>(fx.system());
        for (int i = 0; i < 2000; i++) {
            expected.add("Observation/r" + i);
        }
        assertThat(h.exportedOnce(m)).isEqualTo(expected);
    }
}
