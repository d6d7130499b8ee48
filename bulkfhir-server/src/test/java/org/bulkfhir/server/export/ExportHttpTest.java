package org.bulkfhir.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;
import org.awaitility.Awaitility;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.store.testing.TestDatabases;
import org.bulkfhir.store.write.ResourcePreparer;
import org.bulkfhir.store.write.Write;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP side of export on the embedded database: validation, lenient, status, limits, cancel, files, expiry. */
class ExportHttpTest {
    @TempDir
    Path dir;
    ExportHarness h;
    Fixture fx = new Fixture();

    void start(ExportConfig config) throws Exception {
        h = new ExportHarness(TestDatabases.sqlite(dir), dir, config);
        fx.writeAll(h.store);
    }

    ExportConfig config() {
        return ExportHarness.testConfig(dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (h != null) {
            h.close();
            h = null;
        }
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static void assertOutcome(HttpResponse<byte[]> r, int status, String mentions) throws Exception {
        assertThat(r.statusCode()).as(text(r)).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+json");
        JsonNode oo = Json.MAPPER.readTree(r.body());
        assertThat(oo.path("resourceType").asText()).isEqualTo("OperationOutcome");
        if (mentions != null) {
            assertThat(oo.path("issue").get(0).path("diagnostics").asText()).contains(mentions);
        }
    }

    /** S-24, S-25, S-27, S-32, S-39 (system level), bad input: 400/404 OperationOutcomes, never 500. */
    @Test
    void invalidKickoffsAnswer400Or404WithOperationOutcome() throws Exception {
        start(config().withWorkers(0).withMaxActiveJobsPerClient(100));
        String b = h.base();
        assertOutcome(h.get(b + "/$export?_foo=1"), 400, "_foo");
        assertOutcome(h.get(b + "/$export?_since=2024-01-01"), 400, "_since");
        assertOutcome(h.get(b + "/$export?_since=2024-01-01T10:00:00"), 400, "_since");
        assertOutcome(h.get(b + "/$export?_type=Patient,Foo"), 400, "Foo");
        assertOutcome(h.get(b + "/$export?_outputFormat=text/csv"), 400, "_outputFormat");
        assertOutcome(h.get(b + "/$export?_typeFilter=Observation%3Fstatus%3Abelow%3Dfinal"), 400, ":below");
        assertOutcome(h.get(b + "/$export?_elements=Patient.name.given"), 400, "top-level");
        assertOutcome(h.get(b + "/Patient/$export?_type=CodeSystem"), 400, "CodeSystem");
        assertOutcome(h.get(b + "/Patient/$export?_type=Practitioner"), 400, "_type");
        assertOutcome(h.get(b + "/Group/nope/$export"), 404, "Group/nope");
        assertOutcome(h.post(b + "/$export", "{not json"), 400, "JSON");
        assertOutcome(h.post(b + "/$export", "{\"resourceType\":\"Patient\"}"), 400, "Parameters");
        assertOutcome(h.post(b + "/$export", "[1,2]"), 400, "Parameters");
        String patientParam = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"patient\","
                + "\"valueReference\":{\"reference\":\"Patient/p1\"}}]}";
        assertOutcome(h.post(b + "/$export", patientParam), 400, "patient");
        assertOutcome(h.post(b + "/$export", patientParam, "Prefer", "respond-async, handling=lenient"), 400, "patient");
        assertOutcome(h.post(b + "/Patient/$export", patientParam.replace("Patient/p1", "Patient/nobody")), 400,
                "Patient/nobody");
        assertOutcome(h.get(b + "/$export-status/00000000-0000-0000-0000-000000000000"), 404, null);
        assertOutcome(h.get(h.base().replace("/fhir", "/files") + "/nojob/00000-Patient-001.ndjson"), 404, null);
        // The three NDJSON spellings are all accepted (S-27).
        for (String f : List.of("application/fhir%2Bndjson", "application/ndjson", "ndjson")) {
            assertThat(h.get(b + "/$export?_outputFormat=" + f).statusCode()).isEqualTo(202);
        }
        // Without Accept and Prefer the kick-off is still accepted (S-21, S-22).
        assertThat(h.get(b + "/Patient/$export").statusCode()).isEqualTo(202);
    }

    /** S-24, S-63, §5.24: lenient handling ignores what it cannot do and says so, one OperationOutcome per parameter. */
    @Test
    void lenientIgnoresUnsupportedParametersAndReportsThemInTheErrorFile() throws Exception {
        start(config());
        String status = h.kickoff("/$export?_foo=1&_typeFilter=Patient%3Fgender%3Aabove%3Dmale&_type=Patient,Nope",
                "Prefer", "handling=lenient");
        JsonNode m = h.awaitManifest(status);
        assertThat(h.exportedOnce(m)).allMatch(r -> r.startsWith("Patient/")).hasSize(4);
        assertThat(m.path("error")).hasSize(1);
        assertThat(m.path("error").get(0).path("type").asText()).isEqualTo("OperationOutcome");
        List<String> lines = h.lines(m.path("error").get(0).path("url").asText());
        assertThat(lines).hasSize(3);
        List<String> params = new ArrayList<>();
        for (String line : lines) {
            JsonNode oo = Json.MAPPER.readTree(line);
            assertThat(oo.path("resourceType").asText()).isEqualTo("OperationOutcome");
            params.add(oo.path("issue").get(0).path("expression").get(0).asText());
        }
        assertThat(params).containsExactlyInAnyOrder("_foo", "_typeFilter", "_type");
    }

    /** S-47, S-48, S-49, S-50, S-79, S-80, §5.3, §5.26: progress while running, 429 on hammering, cancel then 404. */
    @Test
    void runningJobReportsProgressThrottlesFastPollsAndCancels() throws Exception {
        start(config().withWorkers(1).withThrottle(200).withTaskSizes(50, 2).withMinPollInterval(Duration.ofMillis(500)));
        bulk("Observation", 1000);
        String status = h.kickoff("/$export");
        HttpResponse<byte[]> first = h.get(status);
        assertThat(first.statusCode()).isEqualTo(202);
        String progress = first.headers().firstValue("X-Progress").orElseThrow();
        assertThat(progress.length()).isLessThan(100);
        int retryAfter = Integer.parseInt(first.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isPositive();
        HttpResponse<byte[]> hammered = h.get(status);
        assertOutcome(hammered, 429, null);
        assertThat(Integer.parseInt(hammered.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        // Progress moves (real progress, not a constant).
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(600)).until(() -> {
            HttpResponse<byte[]> r = h.get(status);
            return r.statusCode() == 202 && !r.headers().firstValue("X-Progress").orElse("").startsWith("0%")
                    && !r.headers().firstValue("X-Progress").orElse("").equals(progress);
        });
        HttpResponse<byte[]> cancel = h.delete(status);
        assertThat(cancel.statusCode()).isEqualTo(202);
        assertOutcome(h.get(status), 404, "cancelled");
        assertOutcome(h.delete(status), 404, null);
        String jobId = status.substring(status.lastIndexOf('/') + 1);
        assertThat(h.jobs().files(jobId)).isEmpty();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(h.server.exports().files().jobDir(jobId)));
    }

    /**
     * S-47, S-48: a poll of a job that ends while the status request is held gets the manifest
     * at once, not one Retry-After later.
     */
    @Test
    void aPollHeldWhileAShortJobFinishesIsAnsweredWithTheManifest() throws Exception {
        start(config().withStatusHold(Duration.ofSeconds(30)));
        String status = h.kickoff("/$export?_type=Patient");
        HttpResponse<byte[]> first = h.get(status);
        assertThat(first.statusCode()).as(text(first)).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(first.body()).path("output")).isNotEmpty();
    }

    /** S-47: a job still running when the hold runs out is answered 202 then, and without a hold at once. */
    @Test
    void aPollOfALongJobWaitsAtMostTheHold() throws Exception {
        start(config().withWorkers(1).withThrottle(100).withTaskSizes(50, 2).withStatusHold(Duration.ofMillis(400)));
        bulk("Observation", 1000);
        String status = h.kickoff("/$export");
        long start = System.nanoTime();
        HttpResponse<byte[]> held = h.get(status);
        assertThat(held.statusCode()).isEqualTo(202);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        h.delete(status);

        h.close();
        h = null;
        start(config().withWorkers(0).withStatusHold(Duration.ZERO));
        String unheld = h.kickoff("/$export");
        assertThat(h.get(unheld).statusCode()).isEqualTo(202);
    }

    /**
     * S-43, S-47: with allowPartialManifests, a held poll of a job that will run longer than the
     * hold is answered as soon as a file is sealed, with the part of the first manifest page that
     * is filled (a page holds up to 1,000 files).
     */
    @Test
    void aHeldPollOfALongPartialManifestJobReturnsOnceAFileIsSealed() throws Exception {
        // 600 rows at 20/s take 30 s; the first task (1 row, then 2, 4, ...) is sealed at once.
        start(config().withWorkers(1).withThrottle(20).withTaskSizes(40, 2).withStatusHold(Duration.ofSeconds(5)));
        bulk("Observation", 600);
        String status = h.kickoff("/$export?_type=Observation&allowPartialManifests=true");
        HttpResponse<byte[]> first = h.get(status);
        assertThat(first.statusCode()).as(text(first)).isEqualTo(202);
        // Answered at the first sealed file, not when the hold ran out with several.
        assertThat(Json.MAPPER.readTree(first.body()).path("output").size()).isBetween(1, 2);
        h.delete(status);
    }

    /**
     * S-43, S-47, S-48: a job expected to end within the hold is held to its end although files
     * are sealed before: its client gets the whole manifest now rather than the first file now
     * and the rest a Retry-After later.
     */
    @Test
    void aHeldPollOfAShortPartialManifestJobIsAnsweredWithTheWholeManifest() throws Exception {
        // 300 rows (and the fixture's 5) at 300/s take about 1 s, in tasks of 10, 20, 40, 80 and 155 rows.
        start(config().withWorkers(1).withThrottle(300).withTaskSizes(320, 2).withStatusHold(Duration.ofSeconds(30)));
        bulk("Observation", 300);
        String status = h.kickoff("/$export?_type=Observation&allowPartialManifests=true");
        HttpResponse<byte[]> first = h.get(status);
        assertThat(first.statusCode()).as(text(first)).isEqualTo(200);
        JsonNode m = Json.MAPPER.readTree(first.body());
        assertThat(m.path("output").findValues("count").stream().mapToInt(JsonNode::asInt).sum()).isEqualTo(300 + 5);
        assertThat(m.has("link")).isFalse();
    }

    /**
     * S-43, S-57, S-66, C-30: a client that followed the links polls its last page. That poll is
     * held too and answered once files sealed after the page give it its next link; the page's
     * files stay as first served, and the next page repeats the manifest's other fields.
     */
    @Test
    void aHeldPollOfTheLastPageReturnsWithItsNextLinkOnceMoreFilesAreSealed() throws Exception {
        start(config().withWorkers(1).withThrottle(20).withTaskSizes(40, 2).withStatusHold(Duration.ofSeconds(5)));
        bulk("Observation", 600);
        String status = h.kickoff("/$export?_type=Observation&allowPartialManifests=true");
        HttpResponse<byte[]> first = h.get(status);
        assertThat(first.statusCode()).as(text(first)).isEqualTo(202);
        JsonNode page1 = Json.MAPPER.readTree(first.body());

        HttpResponse<byte[]> again = h.get(status + "?page=1");
        assertThat(again.statusCode()).as(text(again)).isEqualTo(202);
        JsonNode later = Json.MAPPER.readTree(again.body());
        assertThat(later.path("output")).isEqualTo(page1.path("output"));
        String next = later.path("link").path(0).path("url").asText();
        assertThat(later.path("link").path(0).path("relation").asText()).isEqualTo("next");
        assertThat(next).endsWith("?page=2");

        JsonNode page2 = Json.MAPPER.readTree(h.get(next).body());
        assertThat(page2.path("output")).isNotEmpty();
        assertThat(page2.path("transactionTime")).isEqualTo(page1.path("transactionTime"));
        assertThat(page2.path("request")).isEqualTo(page1.path("request"));
        h.delete(status);
    }

    /** S-43, S-57, S-66, S-47: while running, 202 with a manifest of the files sealed so far; a served page never changes. */
    @Test
    void partialManifestsWhileRunningListSealedFilesAndNeverChange() throws Exception {
        start(config().withWorkers(1).withThrottle(400).withTaskSizes(40, 2).withManifestPageSize(3)
                .withMinPollInterval(Duration.ofMillis(100)));
        bulk("Observation", 600);
        String status = h.kickoff("/$export?_type=Observation&allowPartialManifests=true");
        JsonNode[] firstSeen = {null};
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            HttpResponse<byte[]> r = h.get(status);
            if (r.statusCode() == 202 && r.body().length > 0) {
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
                firstSeen[0] = Json.MAPPER.readTree(r.body());
                return true;
            }
            assertThat(r.statusCode()).isIn(202, 429);
            return false;
        });
        JsonNode first = firstSeen[0];
        assertThat(first.path("output").size()).isBetween(1, 3);
        for (JsonNode item : first.path("output")) {
            assertThat(h.lines(item.path("url").asText())).hasSize(item.path("count").asInt());
        }
        // Later answers, running or done, repeat page 1 unchanged except for the link that appears.
        JsonNode done = h.awaitManifest(status);
        assertThat(done.path("output")).isEqualTo(first.path("output"));
        assertThat(done.path("transactionTime")).isEqualTo(first.path("transactionTime"));
        assertThat(done.path("link").get(0).path("relation").asText()).isEqualTo("next");
        int resources = 0;
        JsonNode page = done;
        while (page != null) {
            assertThat(page.path("output").size()).isBetween(1, 3);
            resources += page.path("output").findValues("count").stream().mapToInt(JsonNode::asInt).sum();
            String next = page.path("link").path(0).path("url").asText(null);
            page = next == null ? null : Json.MAPPER.readTree(h.get(next).body());
        }
        assertThat(resources).isEqualTo(600 + 5);
        assertOutcome(h.get(status + "?page=99"), 404, "page");
    }

    /** S-44, S-56, S-47, S-51, S-53: separate-export-status: Preference-Applied, then 200 + X-Export-Status. */
    @Test
    void separateExportStatusAnswers200WithTheJobStatusInAHeader() throws Exception {
        start(config().withWorkers(1).withThrottle(300).withTaskSizes(50, 2).withMinPollInterval(Duration.ofMillis(100))
                .withStatusHold(Duration.ZERO));
        bulk("Observation", 300);
        HttpResponse<byte[]> kick = h.get(h.base() + "/$export?_type=Observation", "Prefer",
                "respond-async, separate-export-status");
        assertThat(kick.statusCode()).isEqualTo(202);
        assertThat(kick.headers().firstValue("Preference-Applied").orElse(""))
                .isEqualTo("respond-async, separate-export-status");
        String status = kick.headers().firstValue("Content-Location").orElseThrow();
        HttpResponse<byte[]> running = h.get(status);
        assertThat(running.statusCode()).isEqualTo(200);
        assertThat(running.headers().firstValue("X-Export-Status")).contains("202 Accepted");
        assertThat(running.headers().firstValue("X-Progress")).isPresent();
        AtomicReference<HttpResponse<byte[]>> done = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            HttpResponse<byte[]> r = h.get(status);
            if (r.statusCode() == 200 && r.headers().firstValue("X-Export-Status").orElse("").equals("200 OK")) {
                done.set(r);
                return true;
            }
            return false;
        });
        JsonNode m = Json.MAPPER.readTree(done.get().body());
        assertThat(m.path("output").findValues("count").stream().mapToInt(JsonNode::asInt).sum()).isEqualTo(300 + 5);
        // Without the preference nothing changes.
        HttpResponse<byte[]> plain = h.get(h.base() + "/$export?_type=Patient", "Prefer", "respond-async");
        assertThat(plain.headers().firstValue("Preference-Applied")).isEmpty();
    }

    void bulk(String type, int n) {
        ResourcePreparer preparer = new ResourcePreparer();
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            writes.add(preparer.prepareUpsert(type, "bulk" + i, ("{\"resourceType\":\"" + type + "\",\"id\":\"bulk" + i
                    + "\",\"status\":\"final\",\"code\":{\"text\":\"b\"}}").getBytes(StandardCharsets.UTF_8)));
        }
        h.store.write(writes);
    }

    /** S-17, S-26: too many running jobs for one client answers 429 with Retry-After and an OperationOutcome. */
    @Test
    void tooManyRunningJobsAnswers429() throws Exception {
        start(config().withWorkers(0).withMaxActiveJobsPerClient(1));
        h.kickoff("/$export");
        HttpResponse<byte[]> second = h.get(h.base() + "/Patient/$export");
        assertOutcome(second, 429, null);
        assertThat(second.headers().firstValue("Retry-After")).isPresent();
    }

    /** S-51, S-52, S-81: completed status has Expires; DELETE afterwards releases files, then 404s. */
    @Test
    void completedJobHasExpiresAndDeleteReleasesItsFiles() throws Exception {
        start(config());
        String status = h.kickoff("/$export?_type=Patient");
        JsonNode m = h.awaitManifest(status);
        HttpResponse<byte[]> done = h.get(status);
        assertThat(done.statusCode()).isEqualTo(200);
        ZonedDateTime expires = ZonedDateTime.parse(done.headers().firstValue("Expires").orElseThrow(),
                DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(expires.toInstant()).isAfter(java.time.Instant.now());
        String file = m.path("output").get(0).path("url").asText();
        assertThat(h.get(file).statusCode()).isEqualTo(200);
        assertThat(h.delete(status).statusCode()).isEqualTo(202);
        assertOutcome(h.get(status), 404, null);
        assertOutcome(h.get(file), 404, null);
    }

    /** S-69, S-70, S-72, S-73, S-77: NDJSON content type, gzip when accepted, ETag, Range resume, Accept checked. */
    @Test
    void filesServeNdjsonWithGzipEtagRangeAndAcceptChecks() throws Exception {
        start(config());
        JsonNode m = h.awaitManifest(h.kickoff("/$export?_type=Observation"));
        JsonNode item = m.path("output").get(0);
        String url = item.path("url").asText();
        HttpResponse<byte[]> plain = h.get(url);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+ndjson");
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        String etag = plain.headers().firstValue("ETag").orElseThrow();
        byte[] body = plain.body();
        assertThat((long) body.length).isEqualTo(item.path("extension").path("https://bulkfhir.org/file-size").asLong());
        assertThat(crc32c(body)).isEqualTo(item.path("extension").path("https://bulkfhir.org/crc32c").asText());
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            assertThat(Json.MAPPER.readTree(line).path("resourceType").asText()).isEqualTo("Observation");
        }

        HttpResponse<byte[]> gz = h.get(url, "Accept-Encoding", "gzip, deflate");
        assertThat(gz.headers().firstValue("Content-Encoding")).contains("gzip");
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }

        HttpResponse<byte[]> part = h.get(url, "Range", "bytes=10-99");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).contains("bytes 10-99/" + body.length);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(body, 10, 100));
        HttpResponse<byte[]> rest = h.get(url, "Range", "bytes=100-", "If-Range", etag, "Accept-Encoding", "gzip");
        assertThat(rest.statusCode()).isEqualTo(206);
        assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(body, 100, body.length));
        assertThat(h.get(url, "Range", "bytes=" + body.length + "-").statusCode()).isEqualTo(416);
        assertThat(h.get(url, "If-None-Match", etag).statusCode()).isEqualTo(304);

        assertOutcome(h.get(url, "Accept", "text/html"), 406, "application/fhir+ndjson");
        assertThat(h.get(url, "Accept", "application/fhir+ndjson").statusCode()).isEqualTo(200);
        assertThat(h.get(url, "Accept", "*/*").statusCode()).isEqualTo(200);
    }

    /**
     * Every file's CRC-32C is stated and is its ETag; SHA-256 only when the server is asked for it
     * (it costs a quarter of an export's CPU), and then it is right too.
     */
    @Test
    void filesStateTheirCrc32cAndTheirSha256WhenAsked() throws Exception {
        start(config());
        JsonNode plain = h.awaitManifest(h.kickoff("/$export?_type=Observation")).path("output").get(0);
        byte[] body = h.get(plain.path("url").asText()).body();
        String crc = crc32c(body);
        assertThat(plain.path("extension").path("https://bulkfhir.org/crc32c").asText()).isEqualTo(crc);
        assertThat(plain.path("extension").has("https://bulkfhir.org/sha256")).isFalse();
        assertThat(h.get(plain.path("url").asText()).headers().firstValue("ETag"))
                .contains("\"" + crc + "-" + body.length + "\"");
        stop();

        start(config().withSha256(true));
        JsonNode both = h.awaitManifest(h.kickoff("/$export?_type=Observation")).path("output").get(0);
        byte[] again = h.get(both.path("url").asText()).body();
        assertThat(both.path("extension").path("https://bulkfhir.org/crc32c").asText()).isEqualTo(crc32c(again));
        assertThat(both.path("extension").path("https://bulkfhir.org/sha256").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(again)));
    }

    /**
     * S-33: a Patient-level export finds the context resources its batch references from the keys
     * it streams, probed a chunk at a time; with 2,500 Observations each citing its own
     * Practitioner, every one of the 2,500 Practitioners is exported once, across the chunks.
     */
    @Test
    void contextResourcesOfABatchLargerThanOneProbeChunkAreAllExported() throws Exception {
        start(config());
        ResourcePreparer preparer = new ResourcePreparer();
        List<Write> writes = new ArrayList<>();
        writes.add(preparer.prepareUpsert("Patient", "many", "{\"resourceType\":\"Patient\",\"id\":\"many\"}"
                .getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < 2500; i++) {
            writes.add(preparer.prepareUpsert("Practitioner", "pr" + i, ("{\"resourceType\":\"Practitioner\",\"id\":\"pr"
                    + i + "\"}").getBytes(StandardCharsets.UTF_8)));
            writes.add(preparer.prepareUpsert("Observation", "many-o" + i, ("{\"resourceType\":\"Observation\",\"id\":\"many-o"
                    + i + "\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/many\"},"
                    + "\"performer\":[{\"reference\":\"Practitioner/pr" + i + "\"}]}").getBytes(StandardCharsets.UTF_8)));
        }
        h.store.write(writes);
        JsonNode m = h.awaitManifest(h.kickoff("/Patient/$export?_type=Observation,Practitioner"));
        Set<String> exported = h.exportedOnce(m);
        for (int i = 0; i < 2500; i++) {
            assertThat(exported).contains("Observation/many-o" + i, "Practitioner/pr" + i);
        }
    }

    static String crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return String.format("%08x", crc.getValue());
    }

    /** S-16, S-76: expired files are removed by the janitor, but not while a download of them is under way. */
    @Test
    void expiredFilesAreRemovedButNotUnderAnOpenDownload() throws Exception {
        start(config().withExpiry(Duration.ofMinutes(10)));
        // Big enough (~20 MB) that the download cannot sit whole in socket buffers.
        ResourcePreparer preparer = new ResourcePreparer();
        String padding = "x".repeat(10_000);
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            writes.add(preparer.prepareUpsert("Basic", "b" + i, ("{\"resourceType\":\"Basic\",\"id\":\"b" + i
                    + "\",\"code\":{\"text\":\"" + padding + "\"}}").getBytes(StandardCharsets.UTF_8)));
        }
        h.store.write(writes);
        String status = h.kickoff("/$export?_type=Basic");
        JsonNode m = h.awaitManifest(status);
        String jobId = status.substring(status.lastIndexOf('/') + 1);
        JsonNode item = m.path("output").get(0);
        String url = item.path("url").asText();
        Path onDisk = h.server.exports().files().file(jobId, url.substring(url.lastIndexOf('/') + 1));

        HttpResponse<InputStream> download = h.http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (InputStream in = download.body()) {
            got.write(in.readNBytes(1024));
            assertThat(h.server.exports().downloads().busy(jobId)).isTrue();
            long later = System.currentTimeMillis() + Duration.ofHours(1).toMillis();
            assertThat(h.server.exports().janitor().sweep(later)).isZero();
            assertThat(onDisk).exists();
            in.transferTo(got);
        }
        assertThat((long) got.size()).isEqualTo(item.path("extension").path("https://bulkfhir.org/file-size").asLong());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !h.server.exports().downloads().busy(jobId));
        assertThat(h.server.exports().janitor().sweep(System.currentTimeMillis() + Duration.ofHours(1).toMillis())).isOne();
        assertThat(onDisk).doesNotExist();
        assertOutcome(h.get(status), 404, "expired");
        assertOutcome(h.get(url), 404, null);
    }

    /** S-53: a job that cannot complete reports a 5xx OperationOutcome on its status URL. */
    @Test
    void failedJobAnswers500WithOperationOutcome() throws Exception {
        start(config().withWorkers(0));
        String status = h.kickoff("/$export?_type=Patient");
        String jobId = status.substring(status.lastIndexOf('/') + 1);
        Path files = h.server.exports().files().root();
        h.close();
        // A plain file where the job's directory must go: every attempt of the job fails.
        Files.createDirectories(files);
        Files.writeString(files.resolve(jobId), "in the way");
        h = new ExportHarness(TestDatabases.sqlite(dir), dir, config().withWorkers(1));
        String moved = h.rebase(status);
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
                .until(() -> h.get(moved).statusCode() == 500);
        assertOutcome(h.get(moved), 500, "failed");
    }

    /** S-53, S-56: a failed job under separate-export-status answers 200 with X-Export-Status 500 and the OperationOutcome. */
    @Test
    void failedJobUnderSeparateExportStatusAnswers200With500InTheHeader() throws Exception {
        start(config().withWorkers(0));
        HttpResponse<byte[]> kick = h.get(h.base() + "/$export?_type=Patient", "Prefer",
                "respond-async,separate-export-status");
        String status = kick.headers().firstValue("Content-Location").orElseThrow();
        String jobId = status.substring(status.lastIndexOf('/') + 1);
        Path files = h.server.exports().files().root();
        h.close();
        Files.createDirectories(files);
        Files.writeString(files.resolve(jobId), "in the way");
        h = new ExportHarness(TestDatabases.sqlite(dir), dir, config().withWorkers(1));
        String moved = h.rebase(status);
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
                .until(() -> h.get(moved).headers().firstValue("X-Export-Status").orElse("").startsWith("500"));
        HttpResponse<byte[]> r = h.get(moved);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(r.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    /** S-1, S-2, S-3: the CapabilityStatement declares the three export operations and the filterable parameters. */
    @Test
    void capabilityStatementDeclaresTheExportOperations() throws Exception {
        start(config().withWorkers(0));
        JsonNode cs = Json.MAPPER.readTree(h.get(h.base() + "/metadata").body());
        assertThat(cs.path("instantiates").toString()).contains("http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data");
        JsonNode rest = cs.path("rest").get(0);
        assertThat(rest.path("operation").toString()).contains("\"name\":\"export\"")
                .contains("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export");
        for (JsonNode r : rest.path("resource")) {
            String type = r.path("type").asText();
            // S-3: the searchParams are exactly what _typeFilter accepts.
            java.util.Set<String> listed = new java.util.TreeSet<>();
            r.path("searchParam").forEach(sp -> listed.add(sp.path("name").asText()));
            assertThat(listed).isEqualTo(org.bulkfhir.core.search.SearchParameters.forType(type).keySet());
            if (type.equals("Observation")) {
                assertThat(listed).contains("_id", "_lastUpdated", "_tag", "_profile", "_security", "category", "date",
                        "value-quantity", "subject");
            }
            if (type.equals("Patient") || type.equals("Group")) {
                assertThat(r.path("operation").get(0).path("name").asText()).isEqualTo("export");
                assertThat(r.path("operation").get(0).path("definition").asText())
                        .endsWith(type.equals("Patient") ? "/patient-export" : "/group-export");
            }
        }
    }
}
