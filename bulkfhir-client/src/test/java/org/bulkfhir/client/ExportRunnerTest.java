package org.bulkfhir.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.bulkfhir.client.auth.Authorizer;
import org.bulkfhir.client.auth.KeyMaker;
import org.bulkfhir.client.export.ExportListener;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.output.ExportState;
import org.bulkfhir.client.output.ExportSummary;
import org.bulkfhir.client.output.OrganizedOutput;
import org.bulkfhir.client.stub.BulkStub;
import org.bulkfhir.client.stub.RecordingPauser;
import org.bulkfhir.client.stub.StubServer;
import org.bulkfhir.client.stub.TokenStub;
import org.bulkfhir.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole exports against stub servers with the quirks of real peers. */
class ExportRunnerTest {
    static final String OO_INFO = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"information\","
            + "\"code\":\"informational\",\"diagnostics\":\"_elements was ignored\"}]}\n";

    @TempDir
    Path tmp;
    final BulkStub server = new BulkStub();
    final RecordingPauser pauser = new RecordingPauser();
    final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        server.close();
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    ExportRunner runner(Path out, Authorizer auth, Consumer<ExportJob> customize) {
        ExportJob job = new ExportJob();
        job.server = server.base;
        job.out = out;
        customize.accept(job);
        Http http = new ClientConfig().http().withAuthorizer(auth);
        return new ExportRunner(job, http, pauser.pacing(), ExportListener.NONE);
    }

    ExportSummary run(Path out, Consumer<ExportJob> customize) throws Exception {
        return runner(out, Authorizer.NONE, customize).run();
    }

    static String text(Path p) throws Exception {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /**
     * C-29 (several files per type, relative URL, count as a check), C-31 (all files, Accept), C-32 (gzip),
     * C-35 (information in error files is not fatal), C-40 (DELETE after completion).
     */
    @Test
    void downloadsVerifiesAndSummarizes() throws Exception {
        byte[] p1 = BulkStub.ndjson("Patient", 3, "a");
        byte[] p2 = BulkStub.ndjson("Patient", 2, "b");
        byte[] o1 = BulkStub.ndjson("Observation", 5, "o");
        server.gzip = true;
        BulkStub.ManifestBuilder m = new BulkStub.ManifestBuilder()
                .output("Patient", server.addFile("p1.ndjson", p1), 3L)
                .output("Patient", "../../files/p2.ndjson", 2L) // relative to the status URL
                .output("Observation", server.addFile("o1.ndjson", o1), 5L);
        server.addFile("p2.ndjson", p2);
        m.error(server.addFile("err.ndjson", OO_INFO.getBytes(StandardCharsets.UTF_8)));
        server.manifest = m::json;
        server.statusScript.add((req, reply) -> reply.status(202).header("X-Progress", "50%"));
        Path out = tmp.resolve("out");

        ExportSummary s = run(out, j -> { });

        assertThat(Files.readAllBytes(out.resolve("Patient.000.ndjson"))).isEqualTo(p1);
        assertThat(Files.readAllBytes(out.resolve("Patient.001.ndjson"))).isEqualTo(p2);
        assertThat(Files.readAllBytes(out.resolve("Observation.000.ndjson"))).isEqualTo(o1);
        assertThat(text(out.resolve("error.000.ndjson"))).isEqualTo(OO_INFO);
        assertThat(s.types().get("Patient").resources()).isEqualTo(5);
        assertThat(s.types().get("Patient").files()).isEqualTo(2);
        assertThat(s.resources()).isEqualTo(10);
        assertThat(s.errors().bySeverity()).containsEntry("information", 1L);
        assertThat(s.warnings()).isEmpty();
        assertThat(Json.MAPPER.readTree(out.resolve("summary.json").toFile()).path("resources").asLong()).isEqualTo(10);
        assertThat(Json.MAPPER.readTree(out.resolve("manifest.json").toFile()).path("transactionTime").asText())
                .isEqualTo("2024-05-01T10:00:00.000Z");
        assertThat(out.resolve(ExportState.FILE)).doesNotExist();
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part") || n.endsWith(".tmp"));
        }
        assertThat(server.http.requests("GET", "/files/")).allSatisfy(r -> {
            assertThat(r.header("Accept")).isEqualTo("application/fhir+ndjson");
            assertThat(r.header("Accept-Encoding")).isEqualTo("gzip");
            assertThat(r.header("Authorization")).isNull();
        });
        assertThat(server.deletes.get()).isEqualTo(1);
    }

    /** C-12 (token on kick-off, status, files), C-13 (none when requiresAccessToken=false), C-33 (307 to another origin). */
    @Test
    void tokenGoesOnlyWhereItBelongs() throws Exception {
        Path keys = tmp.resolve("keys");
        var pair = KeyMaker.writeTo(keys, "ES384");
        TokenStub tokens = new TokenStub(server.http, "c1", pair.publicJwks());
        server.auth = tokens;
        StubServer blob = new StubServer();
        closeables.add(blob);
        byte[] content = BulkStub.ndjson("Patient", 4, "p");
        blob.on("GET", "/bucket/p.ndjson", (req, reply) -> reply.file(req, content, false));
        server.http.on("GET", "/files/redirect.ndjson", (req, reply) -> {
            if (!tokens.isValid(req.header("Authorization"))) {
                reply.status(401);
                return;
            }
            reply.status(307).header("Location", blob.base() + "/bucket/p.ndjson");
        });
        server.manifest = new BulkStub.ManifestBuilder().output("Patient", server.http.base() + "/files/redirect.ndjson", 4L)::json;
        ClientConfig cfg = new ClientConfig();
        cfg.server = server.base;
        cfg.clientId = "c1";
        cfg.keyFile = keys.resolve("private.jwks.json");
        cfg.pacing = pauser.pacing();
        Authorizer auth = cfg.authorizer(cfg.http(), List.of(), false);

        runner(tmp.resolve("a"), auth, j -> { }).run();

        assertThat(Files.readAllBytes(tmp.resolve("a/Patient.000.ndjson"))).isEqualTo(content);
        assertThat(server.http.requests("GET", "/fhir/$export").get(0).header("Authorization")).startsWith("Bearer tok-");
        assertThat(server.http.requests("GET", "/fhir/status/").get(0).header("Authorization")).startsWith("Bearer tok-");
        assertThat(server.http.requests("GET", "/files/redirect.ndjson").get(0).header("Authorization")).startsWith("Bearer tok-");
        assertThat(blob.requests).hasSize(1);
        assertThat(blob.requests.get(0).header("Authorization")).isNull();

        // Pre-signed URLs: requiresAccessToken false ⇒ no token, even on the FHIR server's own host.
        BulkStub.ManifestBuilder open = new BulkStub.ManifestBuilder().output("Patient", server.addFile("q.ndjson", content), 4L);
        open.requiresAccessToken = false;
        server.requiresToken = false;
        server.manifest = open::json;
        runner(tmp.resolve("b"), auth, j -> { }).run();
        assertThat(server.http.requests("GET", "/files/q.ndjson")).hasSize(1)
                .allSatisfy(r -> assertThat(r.header("Authorization")).isNull());
        assertThat(tokens.failures).isEmpty();
    }

    /** C-11: the token expires mid-export; the 401 makes the client renew and carry on, on status and file requests. */
    @Test
    void tokenExpiringMidExportIsRenewed() throws Exception {
        Path keys = tmp.resolve("keys");
        var pair = KeyMaker.writeTo(keys, "RS384");
        TokenStub tokens = new TokenStub(server.http, "c1", pair.publicJwks());
        server.auth = tokens;
        byte[] content = BulkStub.ndjson("Patient", 2, "p");
        server.manifest = new BulkStub.ManifestBuilder().output("Patient", server.addFile("p.ndjson", content), 2L)::json;
        server.statusScript.add((req, reply) -> {
            tokens.expireAll(); // from now on the first token is refused
            reply.status(202);
        });
        server.script("p.ndjson", (req, reply) -> {
            tokens.expireAll();
            reply.status(401).header("WWW-Authenticate", "Bearer");
        });
        ClientConfig cfg = new ClientConfig();
        cfg.server = server.base;
        cfg.clientId = "c1";
        cfg.keyFile = keys.resolve("private.jwks.json");
        cfg.pacing = pauser.pacing();
        Authorizer auth = cfg.authorizer(cfg.http(), List.of("Patient"), false);

        runner(tmp.resolve("out"), auth, j -> { }).run();

        assertThat(Files.readAllBytes(tmp.resolve("out/Patient.000.ndjson"))).isEqualTo(content);
        assertThat(tokens.forms).hasSize(3);
        assertThat(tokens.forms.get(0).get("scope")).isEqualTo("system/Patient.rs");
        assertThat(server.http.requests("GET", "/fhir/$export")).hasSize(1); // the export was not restarted
    }

    /** C-31 (429 and 5xx retried with backoff), C-32, Range resume after a dropped connection, C-34 (expired link refreshed). */
    @Test
    void flakyFilesAreRetriedResumedAndRefreshed() throws Exception {
        byte[] big = BulkStub.ndjson("Observation", 400, "o");
        byte[] small = BulkStub.ndjson("Patient", 3, "p");
        AtomicInteger manifests = new AtomicInteger();
        server.addFile("o.ndjson", big);
        server.addFile("p-v2.ndjson", small);
        server.manifest = () -> new BulkStub.ManifestBuilder()
                .output("Observation", server.http.base() + "/files/o.ndjson", 400L)
                .output("Patient", server.http.base() + (manifests.incrementAndGet() == 1 ? "/files/p-v1.ndjson" : "/files/p-v2.ndjson"), 3L)
                .json();
        server.script("o.ndjson",
                (req, reply) -> reply.status(429).header("Retry-After", "2"),
                (req, reply) -> reply.status(503).body("text/plain", "busy".getBytes()),
                (req, reply) -> reply.file(req, big, false).dropAfter(big.length / 3));
        server.script("p-v1.ndjson", (req, reply) -> reply.fhirJson(410, "{\"resourceType\":\"OperationOutcome\"}"));

        ExportSummary s = run(tmp.resolve("out"), j -> { });

        assertThat(Files.readAllBytes(tmp.resolve("out/Observation.000.ndjson"))).isEqualTo(big);
        assertThat(Files.readAllBytes(tmp.resolve("out/Patient.000.ndjson"))).isEqualTo(small);
        var obs = server.http.requests("GET", "/files/o.ndjson");
        assertThat(obs).hasSize(4);
        // Resumed from what had arrived: at most what the stub sent before dropping the connection
        // (a reset can discard the last bytes in flight), and never from the start.
        String range = obs.get(3).header("Range");
        assertThat(range).matches("bytes=\\d+-");
        assertThat(Long.parseLong(range.substring("bytes=".length(), range.length() - 1))).isBetween(1L,
                (long) big.length / 3);
        assertThat(obs.get(3).header("Accept-Encoding")).isEqualTo("identity");
        assertThat(pauser.delays).contains(Duration.ofSeconds(2));
        assertThat(manifests.get()).isEqualTo(2); // re-read once for the expired link
        assertThat(s.resources()).isEqualTo(403);
    }

    /** C-29: the manifest's count, and our size/CRC-32C/SHA-256 extensions, are checked; a wrong file is never kept. */
    @Test
    void filesThatDoNotVerifyAreRejected() throws Exception {
        byte[] content = BulkStub.ndjson("Patient", 4, "p");
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(content);
        String crc32c = String.format("%08X", crc.getValue());
        String url = server.addFile("p.ndjson", content);
        BulkStub.ManifestBuilder good = new BulkStub.ManifestBuilder();
        good.output.add("{\"type\":\"Patient\",\"url\":\"" + url + "\",\"count\":4,\"extension\":{"
                + "\"https://bulkfhir.org/file-size\":" + content.length + ",\"https://bulkfhir.org/sha256\":\"" + sha
                + "\",\"https://bulkfhir.org/crc32c\":\"" + crc32c + "\",\"https://example.org/unknown\":{\"x\":1}}}");
        server.manifest = good::json;
        run(tmp.resolve("good"), j -> { });
        assertThat(Files.readAllBytes(tmp.resolve("good/Patient.000.ndjson"))).isEqualTo(content);

        server.manifest = new BulkStub.ManifestBuilder().output("Patient", url, 5L)::json;
        assertThatThrownBy(() -> run(tmp.resolve("count"), j -> { })).isInstanceOf(BulkDataException.class)
                .hasMessageContaining("says 5 resources, the file has 4").hasMessageContaining("--resume");
        assertThat(tmp.resolve("count/Patient.000.ndjson")).doesNotExist();
        assertThat(tmp.resolve("count/Patient.000.ndjson.part")).doesNotExist();

        BulkStub.ManifestBuilder bad = new BulkStub.ManifestBuilder();
        bad.output.add("{\"type\":\"Patient\",\"url\":\"" + url + "\",\"extension\":{\"https://bulkfhir.org/sha256\":\"" + "0".repeat(64) + "\"}}");
        server.manifest = bad::json;
        assertThatThrownBy(() -> run(tmp.resolve("sha"), j -> { })).hasMessageContaining("SHA-256");

        BulkStub.ManifestBuilder badCrc = new BulkStub.ManifestBuilder();
        badCrc.output.add("{\"type\":\"Patient\",\"url\":\"" + url + "\",\"extension\":{\"https://bulkfhir.org/crc32c\":\""
                + (crc32c.equals("00000000") ? "00000001" : "00000000") + "\"}}");
        server.manifest = badCrc::json;
        assertThatThrownBy(() -> run(tmp.resolve("crc"), j -> { })).hasMessageContaining("CRC-32C");
        assertThat(tmp.resolve("crc/Patient.000.ndjson")).doesNotExist();
    }

    /** C-31, C-13-style many small files: 2,000 files in parallel through 429 bursts. */
    @Test
    void thousandsOfTinyFiles() throws Exception {
        BulkStub.ManifestBuilder m = new BulkStub.ManifestBuilder();
        m.requiresAccessToken = false;
        for (int i = 0; i < 2000; i++) {
            String name = "t" + i + ".ndjson";
            m.output("Patient", server.addFile(name, BulkStub.ndjson("Patient", 1, "p" + i + "-")), 1L);
            if (i % 100 == 7) {
                server.script(name, (req, reply) -> reply.status(429).header("Retry-After", "1"));
            }
        }
        server.manifest = m::json;
        ExportSummary s = run(tmp.resolve("out"), j -> j.parallel = 4);
        assertThat(s.files()).isEqualTo(2000);
        assertThat(s.resources()).isEqualTo(2000);
        assertThat(Files.readAllBytes(tmp.resolve("out/Patient.1999.ndjson")))
                .isEqualTo(BulkStub.ndjson("Patient", 1, "p1999-"));
        assertThat(pauser.delays.stream().filter(d -> d.equals(Duration.ofSeconds(1)))).hasSize(20);
    }

    /** C-30: partial manifests and `link` pages: every file downloaded exactly once, downloads start before the end. */
    @Test
    void partialManifestPagesAreDownloadedExactlyOnce() throws Exception {
        String page2 = server.http.base() + "/fhir/status/job-1/page2";
        BulkStub.ManifestBuilder p1 = new BulkStub.ManifestBuilder().output("Patient", server.addFile("a", BulkStub.ndjson("Patient", 1, "a")), 1L);
        BulkStub.ManifestBuilder p1more = new BulkStub.ManifestBuilder()
                .output("Patient", server.http.base() + "/files/a", 1L)
                .output("Patient", server.addFile("b", BulkStub.ndjson("Patient", 2, "b")), 2L);
        p1more.extra = ",\"link\":[{\"relation\":\"next\",\"url\":\"" + page2 + "\"}]";
        BulkStub.ManifestBuilder p2 = new BulkStub.ManifestBuilder().output("Observation", server.addFile("c", BulkStub.ndjson("Observation", 3, "c")), 3L);
        p2.deleted(server.addFile("d", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[]}\n".getBytes()));
        CountDownLatch firstFileFetched = new CountDownLatch(1);
        server.script("a", (req, reply) -> {
            firstFileFetched.countDown();
            reply.file(req, BulkStub.ndjson("Patient", 1, "a"), false);
        });
        server.statusScript.add((req, reply) -> reply.json(202, p1.json()));
        server.statusScript.add((req, reply) -> {
            // The partial manifest's file is fetched while the job is still running.
            assertThat(firstFileFetched.await(10, TimeUnit.SECONDS)).isTrue();
            reply.json(202, p1more.json());
        });
        server.statusScript.add((req, reply) -> reply.json(200, p2.json()));
        ExportSummary s = run(tmp.resolve("out"), j -> j.params.allowPartialManifests = true);

        assertThat(s.types().keySet()).containsExactly("Observation", "Patient");
        for (String f : List.of("/files/a", "/files/b", "/files/c", "/files/d")) {
            assertThat(server.http.requests("GET", f)).as(f).hasSize(1);
        }
        JsonNode merged = Json.MAPPER.readTree(tmp.resolve("out/manifest.json").toFile());
        assertThat(merged.path("output")).hasSize(3);
        assertThat(merged.has("link")).isFalse();
        assertThat(tmp.resolve("out/deleted.000.ndjson")).exists();
    }

    /** C-37: organized output, a block split across two files via continuesInFile, read back whole. */
    @Test
    void organizedOutputIsReassembled() throws Exception {
        String header1 = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"header\",\"valueReference\":{\"reference\":\"Patient/1\"}}]}\n";
        String header2 = header1.replace("Patient/1", "Patient/2");
        String f1 = header1 + "{\"resourceType\":\"Patient\",\"id\":\"1\"}\n{\"resourceType\":\"Observation\",\"id\":\"o1\"}\n"
                + header2 + "{\"resourceType\":\"Patient\",\"id\":\"2\"}\n";
        String f2 = "{\"resourceType\":\"Observation\",\"id\":\"o2\"}\n{\"resourceType\":\"Observation\",\"id\":\"o3\"}\n";
        String u1 = server.addFile("org1", f1.getBytes());
        String u2 = server.addFile("org2", f2.getBytes());
        BulkStub.ManifestBuilder m = new BulkStub.ManifestBuilder();
        m.output.add("{\"url\":\"" + u1 + "\",\"continuesInFile\":\"" + u2 + "\"}");
        m.output.add("{\"url\":\"" + u2 + "\"}");
        m.extra = ",\"outputOrganizedBy\":\"Patient\"";
        server.manifest = m::json;
        Path out = tmp.resolve("out");
        ExportSummary s = run(out, j -> j.params.organizeOutputBy = "Patient");

        assertThat(server.http.requests("GET", "/fhir/$export").get(0).query()).isEqualTo("organizeOutputBy=Patient");
        assertThat(s.types().get("Observation").resources()).isEqualTo(3);
        assertThat(s.types().get("Patient").resources()).isEqualTo(2);
        List<Integer> blockSizes = new ArrayList<>();
        OrganizedOutput.blocks(out, List.of("organized.000.ndjson", "organized.001.ndjson"),
                (header, resources) -> blockSizes.add(resources.size()));
        assertThat(blockSizes).containsExactly(2, 3);
    }

    /**
     * Resume: a connection dropped mid-file on every attempt leaves a partial file and the state; --resume
     * continues it with Range, without a new kick-off, and the files are byte-identical to an uninterrupted run.
     */
    @Test
    void resumeAfterAFailedDownloadIsByteIdentical() throws Exception {
        byte[] big = BulkStub.ndjson("Observation", 3000, "o");
        byte[] pat = BulkStub.ndjson("Patient", 10, "p");
        server.manifest = new BulkStub.ManifestBuilder()
                .output("Patient", server.addFile("p", pat), 10L)
                .output("Observation", server.addFile("o", big), 3000L)
                .error(server.addFile("e", OO_INFO.getBytes()))::json;
        Path reference = tmp.resolve("reference");
        run(reference, j -> { });

        for (int i = 0; i < 5; i++) {
            server.script("o", (req, reply) -> {
                StubServer.Reply r = reply.file(req, big, false);
                r.dropAfter(r.bodyLength() / 2);
            });
        }
        Path out = tmp.resolve("out");
        assertThatThrownBy(() -> run(out, j -> j.parallel = 2)).isInstanceOf(BulkDataException.class)
                .satisfies(e -> assertThat(((BulkDataException) e).kind()).isEqualTo(BulkDataException.Kind.DOWNLOAD_FAILED));
        assertThat(out.resolve(ExportState.FILE)).exists();
        long partial = Files.size(out.resolve("Observation.000.ndjson.part"));
        assertThat(partial).isBetween(1L, (long) big.length - 1);
        assertThat(out.resolve("manifest.json")).doesNotExist();
        assertThatThrownBy(() -> run(out, j -> { })).hasMessageContaining("--resume");

        run(out, j -> j.resume = true);

        assertThat(server.http.requests("GET", "/fhir/$export")).hasSize(2); // reference + interrupted run only
        var last = server.http.requests("GET", "/files/o");
        assertThat(last.get(last.size() - 1).header("Range")).isEqualTo("bytes=" + partial + "-");
        for (String name : List.of("Patient.000.ndjson", "Observation.000.ndjson", "error.000.ndjson", "manifest.json")) {
            assertThat(Files.readAllBytes(out.resolve(name))).as(name).isEqualTo(Files.readAllBytes(reference.resolve(name)));
        }
        assertThat(out.resolve(ExportState.FILE)).doesNotExist();
        assertThat(out.resolve("Observation.000.ndjson.part")).doesNotExist();
    }

    /** Ctrl-C path: stop() mid-transfer keeps the state; a new runner resumes and finishes identically. */
    @Test
    void stopMidDownloadThenResume() throws Exception {
        byte[] big = BulkStub.ndjson("Observation", 2000, "o");
        server.manifest = new BulkStub.ManifestBuilder().output("Observation", server.addFile("o", big), 2000L)::json;
        CountDownLatch release = new CountDownLatch(1);
        server.script("o", (req, reply) -> {
            release.await(20, TimeUnit.SECONDS); // a stalled transfer
            reply.status(503);
        });
        Path out = tmp.resolve("out");
        ExportRunner first = runner(out, Authorizer.NONE, j -> { });
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                first.run();
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        t.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !server.http.requests("GET", "/files/o").isEmpty());
        first.stop();
        t.join(10_000);
        release.countDown();
        assertThat(outcome.get()).isInstanceOf(BulkDataException.class).hasMessageContaining("--resume");
        assertThat(((BulkDataException) outcome.get()).kind()).isEqualTo(BulkDataException.Kind.INTERRUPTED);
        assertThat(first.statusUrl()).isNotNull();
        assertThat(out.resolve(ExportState.FILE)).exists();

        run(out, j -> j.resume = true);
        assertThat(Files.readAllBytes(out.resolve("Observation.000.ndjson"))).isEqualTo(big);
    }

    /** C-36, C-41: --since auto uses the last transactionTime; updates replace and `deleted` removes local copies. */
    @Test
    void incrementalRunUpdatesTheLocalCopy() throws Exception {
        String p = "{\"resourceType\":\"Patient\",\"id\":\"p%d\",\"v\":%d}\n";
        String o = "{\"resourceType\":\"Observation\",\"id\":\"o%d\"}\n";
        server.manifest = new BulkStub.ManifestBuilder()
                .output("Patient", server.addFile("p1", (p.formatted(0, 1) + p.formatted(1, 1) + p.formatted(2, 1)).getBytes()), 3L)
                .output("Observation", server.addFile("o1", (o.formatted(0) + o.formatted(1) + o.formatted(2)).getBytes()), 3L)::json;
        Path out = tmp.resolve("copy");
        run(out, j -> { });

        BulkStub.ManifestBuilder second = new BulkStub.ManifestBuilder()
                .output("Patient", server.addFile("p2", p.formatted(1, 2).getBytes()), 1L)
                .deleted(server.addFile("d2", ("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
                        + "{\"method\":\"DELETE\",\"url\":\"Observation/o0\"}},{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/p2\"}}]}\n").getBytes()));
        second.transactionTime = "2024-06-01T00:00:00Z";
        second.error = null; // `error` absent: tolerated
        server.manifest = second::json;
        ExportSummary s = run(out, j -> j.sinceAuto = true);

        assertThat(server.http.requests("GET", "/fhir/$export").get(1).query())
                .isEqualTo("_since=2024-05-01T10%3A00%3A00.000Z");
        assertThat(text(out.resolve("Patient.000.ndjson"))).isEqualTo(p.formatted(0, 1));
        assertThat(text(out.resolve("Patient.001.ndjson"))).isEqualTo(p.formatted(1, 2));
        assertThat(text(out.resolve("Observation.000.ndjson"))).isEqualTo(o.formatted(1) + o.formatted(2));
        assertThat(s.deletedApplied()).isEqualTo(3);
        assertThat(Json.MAPPER.readTree(out.resolve("manifest.json").toFile()).path("transactionTime").asText())
                .isEqualTo("2024-06-01T00:00:00Z");
    }

    /** A job that fails on the server leaves nothing behind; bad input is refused before anything is written. */
    @Test
    void failuresLeaveNothingHalfWritten() throws Exception {
        server.statusScript.add((req, reply) -> reply.fhirJson(500,
                "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"processing\",\"diagnostics\":\"boom\"}]}"));
        Path out = tmp.resolve("failed");
        assertThatThrownBy(() -> run(out, j -> { })).hasMessageContaining("boom");
        assertThat(out).doesNotExist();

        Path bad = tmp.resolve("bad");
        assertThatThrownBy(() -> run(bad, j -> j.params.since = "yesterday"))
                .satisfies(e -> assertThat(((BulkDataException) e).kind()).isEqualTo(BulkDataException.Kind.USAGE));
        assertThatThrownBy(() -> run(bad, j -> j.sinceAuto = true)).hasMessageContaining("previous export");
        assertThatThrownBy(() -> run(bad, j -> j.resume = true)).hasMessageContaining("no unfinished export");
        assertThat(bad).doesNotExist();
        assertThat(server.http.requests("GET", "/fhir/$export")).hasSize(1);
    }
}
