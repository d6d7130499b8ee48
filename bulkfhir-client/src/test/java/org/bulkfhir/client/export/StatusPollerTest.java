package org.bulkfhir.client.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.ClientConfig;
import org.bulkfhir.client.http.Pacing;
import org.bulkfhir.client.http.RetryAfter;
import org.bulkfhir.client.manifest.Manifest;
import org.bulkfhir.client.stub.BulkStub;
import org.bulkfhir.client.stub.RecordingPauser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatusPollerTest {
    static final String OO_TRANSIENT = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"transient\"}]}";
    final BulkStub server = new BulkStub();
    final RecordingPauser pauser = new RecordingPauser();
    final List<String> progress = new CopyOnWriteArrayList<>();
    final ExportListener listener = new ExportListener() {
        @Override
        public void serverProgress(String text) {
            progress.add(text);
        }
    };

    StatusPoller poller(Pacing pacing) {
        return new StatusPoller(new ClientConfig().http(), pacing, listener);
    }

    URI status() {
        return URI.create(server.http.base() + server.statusPath);
    }

    @AfterEach
    void close() {
        server.close();
    }

    /**
     * C-21 (the exact URL), C-22 (delta-seconds, HTTP-date, hours capped), C-23 (Accept), C-24 (429 slows
     * down), C-25 (odd X-Progress only displayed).
     */
    @Test
    void followsRetryAfterInEveryFormAndCompletesOnlyOn200() throws Exception {
        Instant now = Instant.parse("1999-12-31T23:57:59Z");
        Pacing pacing = pauser.pacing().withClock(Clock.fixed(now, ZoneOffset.UTC)).withMaxRetryAfter(Duration.ofSeconds(600));
        server.statusPath = "/fhir/status/opaque;token=x%2Fy";
        server.statusScript.add((req, reply) -> reply.status(202).header("Retry-After", "120").header("X-Progress", "100% done (not really)"));
        server.statusScript.add((req, reply) -> reply.status(202).header("Retry-After", "Fri, 31 Dec 1999 23:59:59 GMT"));
        server.statusScript.add((req, reply) -> reply.status(202).header("Retry-After", "7200"));
        server.statusScript.add((req, reply) -> reply.status(429).header("Retry-After", "5").fhirJson(429, OO_TRANSIENT.replace("transient", "throttled")));
        server.statusScript.add((req, reply) -> reply.status(202));
        server.manifest = () -> new BulkStub.ManifestBuilder().json();

        List<Manifest> pages = poller(pacing).await(status(), (m, from, complete) -> { });

        assertThat(pages).hasSize(1);
        assertThat(pauser.delays.subList(0, 4)).containsExactly(Duration.ofSeconds(120), Duration.ofSeconds(120),
                Duration.ofSeconds(600), Duration.ofSeconds(5));
        assertThat(pauser.delays.get(4)).isLessThanOrEqualTo(Duration.ofMillis(200)); // backoff (capped), no Retry-After
        var polls = server.http.requests("GET", "/fhir/status/");
        assertThat(polls).hasSize(6).allSatisfy(r -> {
            assertThat(r.path()).isEqualTo("/fhir/status/opaque;token=x%2Fy");
            assertThat(r.header("Accept")).isEqualTo("application/json");
        });
        assertThat(progress).containsExactly("100% done (not really)");
    }

    @Test
    void retryAfterParsing() {
        Clock clock = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);
        assertThat(RetryAfter.parse("120", clock)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("Mon, 01 Jan 2024 00:01:00 GMT", clock)).contains(Duration.ofSeconds(60));
        assertThat(RetryAfter.parse("Fri, 31 Dec 1999 23:59:59 GMT", clock)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", clock)).isEmpty();
        assertThat(RetryAfter.cap(Duration.ofHours(2), Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(60));
    }

    /** C-26: transient OperationOutcomes and bare gateway 5xx are retried; a processing failure is final. */
    @Test
    void transientFailuresAreRetriedAndRealOnesReported() throws Exception {
        server.statusScript.add((req, reply) -> reply.fhirJson(503, OO_TRANSIENT));
        server.statusScript.add((req, reply) -> reply.status(502).body("text/html", "<html>Bad gateway</html>".getBytes()));
        server.statusScript.add((req, reply) -> reply.fhirJson(500, OO_TRANSIENT.replace("transient", "timeout")));
        server.manifest = () -> new BulkStub.ManifestBuilder().json();
        assertThat(poller(pauser.pacing()).await(status(), (m, f, c) -> { })).hasSize(1);

        server.statusScript.add((req, reply) -> reply.fhirJson(500,
                "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"processing\",\"diagnostics\":\"disk full\"}]}"));
        assertThatThrownBy(() -> poller(pauser.pacing()).await(status(), (m, f, c) -> { }))
                .isInstanceOf(BulkDataException.class).hasMessageContaining("disk full")
                .satisfies(e -> assertThat(((BulkDataException) e).kind()).isEqualTo(BulkDataException.Kind.EXPORT_FAILED));

        for (int i = 0; i < 10; i++) {
            server.statusScript.add((req, reply) -> reply.status(504));
        }
        assertThatThrownBy(() -> poller(pauser.pacing()).await(status(), (m, f, c) -> { }))
                .hasMessageContaining("504"); // bounded: gives up after pacing.transientRetries()
        server.statusScript.clear();
        server.statusScript.add((req, reply) -> reply.fhirJson(404, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}"));
        assertThatThrownBy(() -> poller(pauser.pacing()).await(status(), (m, f, c) -> { }))
                .hasMessageContaining("no longer exists");
    }

    /** C-27: with separate-export-status the job state is in X-Export-Status on a 200. */
    @Test
    void separateExportStatus() throws Exception {
        server.statusScript.add((req, reply) -> reply.status(200).header("X-Export-Status", "202 Accepted").header("X-Progress", "planning"));
        server.manifest = () -> new BulkStub.ManifestBuilder().json();
        server.statusScript.add((req, reply) -> reply.status(200).header("X-Export-Status", "200 OK")
                .json(200, new BulkStub.ManifestBuilder().json()));
        assertThat(poller(pauser.pacing()).await(status(), (m, f, c) -> { })).hasSize(1);
        assertThat(progress).containsExactly("planning");

        server.statusScript.add((req, reply) -> reply.status(200).header("X-Export-Status", "500 Internal Server Error")
                .fhirJson(200, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"fatal\",\"code\":\"exception\",\"diagnostics\":\"worker died\"}]}"));
        // "exception" is in the transient family: retried, then the real manifest arrives.
        assertThat(poller(pauser.pacing()).await(status(), (m, f, c) -> { })).hasSize(1);
    }

    /** C-30: partial manifests (202 + body) and `link` next pages, each handed over as it arrives. */
    @Test
    void partialManifestsAndPages() throws Exception {
        String page2 = server.http.base() + "/fhir/status/job-1/page/2";
        String page3 = server.http.base() + "/fhir/status/job-1/page/3";
        BulkStub.ManifestBuilder p1 = new BulkStub.ManifestBuilder().output("Patient", "/files/a", 1L);
        p1.extra = ",\"link\":[{\"relation\":\"next\",\"url\":\"" + page2 + "\"}]";
        BulkStub.ManifestBuilder p2 = new BulkStub.ManifestBuilder().output("Patient", "/files/b", 1L);
        p2.extra = ",\"link\":[{\"relation\":\"next\",\"url\":\"" + page3 + "\"}]";
        BulkStub.ManifestBuilder p3 = new BulkStub.ManifestBuilder().output("Observation", "/files/c", 1L);
        server.statusScript.add((req, reply) -> reply.json(202, p1.json()));
        server.statusScript.add((req, reply) -> reply.status(202).header("Retry-After", "1")); // page 2 not ready yet
        server.statusScript.add((req, reply) -> reply.json(200, p2.json()));
        server.statusScript.add((req, reply) -> reply.json(200, p3.json()));
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Manifest> pages = poller(pauser.pacing()).await(status(), (m, from, complete) ->
                m.files().forEach(f -> seen.add(f.url().getPath() + (complete ? "!" : ""))));
        assertThat(pages).hasSize(3);
        assertThat(seen).containsExactly("/files/a", "/files/b", "/files/c!");
        assertThat(server.http.requests("GET", "/fhir/status/").stream().map(r -> r.path()))
                .containsExactly("/fhir/status/job-1", "/fhir/status/job-1/page/2", "/fhir/status/job-1/page/2",
                        "/fhir/status/job-1/page/3");
    }
}
