package org.bulkfhir.client.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.ClientConfig;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.stub.BulkStub;
import org.bulkfhir.client.stub.RecordingPauser;
import org.bulkfhir.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KickOffTest {
    final BulkStub server = new BulkStub();
    final RecordingPauser pauser = new RecordingPauser();
    final Http http = new ClientConfig().http();
    final KickOff kickOff = new KickOff(http, pauser.pacing());

    @AfterEach
    void close() {
        server.close();
    }

    /** C-14 (Accept, Prefer), C-15 (GET), C-17 (comma _type, repeated URL-encoded _typeFilter), C-21 (exact URL). */
    @Test
    void getKickOffCarriesEveryParameterAndTheHeaders() throws Exception {
        ExportParameters p = new ExportParameters();
        p.types.addAll(List.of("Patient", "Observation"));
        p.since = "2024-01-01T00:00:00Z";
        p.until = "2024-06-01T00:00:00.000+02:00";
        p.typeFilters.add("Observation?category=laboratory&code=http://loinc.org|1234-5");
        p.typeFilters.add("Observation?code=a,b");
        p.elements.add("Observation.code");
        p.includeAssociatedData.add("LatestProvenanceResources");
        p.organizeOutputBy = "Patient";
        p.allowPartialManifests = true;
        p.outputFormat = "application/fhir+ndjson";
        p.lenient = true;
        p.validate(ExportLevel.group("g-1"));
        server.contentLocation = server.http.base() + "/fhir/status/opaque?sig=abc%2Fdef";

        KickOff.Accepted a = kickOff.start(server.base, ExportLevel.group("g-1"), p);

        var req = server.http.requests("GET", "/fhir/Group/g-1/$export").get(0);
        assertThat(req.header("Accept")).isEqualTo("application/fhir+json");
        assertThat(req.header("Prefer")).isEqualTo("respond-async, handling=lenient");
        List<String> params = List.of(req.query().split("&"));
        assertThat(params).contains("_type=Patient%2CObservation", "_since=2024-01-01T00%3A00%3A00Z",
                "organizeOutputBy=Patient", "allowPartialManifests=true", "_elements=Observation.code",
                "includeAssociatedData=LatestProvenanceResources");
        assertThat(params.stream().filter(x -> x.startsWith("_typeFilter=")).map(x ->
                URLDecoder.decode(x.substring(12), StandardCharsets.UTF_8)))
                .containsExactly("Observation?category=laboratory&code=http://loinc.org|1234-5", "Observation?code=a,b");
        assertThat(a.statusUrl().toString()).isEqualTo(server.contentLocation);
        assertThat(a.method()).isEqualTo("GET");
    }

    /** C-15: `patient` forces POST with a Parameters body, one entry per value. */
    @Test
    void patientForcesPostWithParameters() throws Exception {
        ExportParameters p = new ExportParameters();
        p.types.addAll(List.of("Patient", "Observation"));
        p.patients.addAll(List.of("123", "Patient/456"));
        p.since = "2024-01-01T00:00:00Z";
        p.validate(ExportLevel.PATIENT);
        kickOff.start(server.base, ExportLevel.PATIENT, p);

        var req = server.http.requests("POST", "/fhir/Patient/$export").get(0);
        assertThat(req.header("Content-Type")).isEqualTo("application/fhir+json");
        JsonNode body = Json.MAPPER.readTree(req.body());
        assertThat(body.path("resourceType").asText()).isEqualTo("Parameters");
        assertThat(body.path("parameter").toString()).contains(
                "{\"name\":\"_type\",\"valueString\":\"Patient\"}", "{\"name\":\"_type\",\"valueString\":\"Observation\"}",
                "{\"name\":\"_since\",\"valueInstant\":\"2024-01-01T00:00:00Z\"}",
                "{\"name\":\"patient\",\"valueReference\":{\"reference\":\"Patient/123\"}}",
                "{\"name\":\"patient\",\"valueReference\":{\"reference\":\"Patient/456\"}}");
    }

    /** C-15: a 2.0 server without POST support gets the same kick-off as GET. */
    @Test
    void fallsBackToGetWhenPostIsRejected() throws Exception {
        server.http.on("POST", "/fhir/$export", (req, reply) -> reply.fhirJson(405,
                "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-supported\"}]}"));
        ExportParameters p = new ExportParameters();
        p.post = true;
        p.types.add("Patient");
        KickOff.Accepted a = kickOff.start(server.base, ExportLevel.SYSTEM, p);
        assertThat(a.method()).isEqualTo("GET");
        assertThat(server.http.requests("GET", "/fhir/$export").get(0).query()).isEqualTo("_type=Patient");
    }

    /** C-16, C-17: bad instants and result-shaping _typeFilter are refused before anything is sent. */
    @Test
    void invalidParametersAreRefusedBeforeSending() {
        ExportParameters p = new ExportParameters();
        p.since = "2010-03-14T09:00:00-4:00";
        assertThatThrownBy(() -> p.validate(ExportLevel.SYSTEM)).hasMessageContaining("not a FHIR instant");
        p.since = "2010-03-14";
        assertThatThrownBy(() -> p.validate(ExportLevel.SYSTEM)).hasMessageContaining("not a FHIR instant");
        p.since = null;
        p.typeFilters.add("Observation?code=x&_include=Observation:subject");
        assertThatThrownBy(() -> p.validate(ExportLevel.SYSTEM)).hasMessageContaining("_include");
        p.typeFilters.set(0, "Observation?_sort=date");
        assertThatThrownBy(() -> p.validate(ExportLevel.SYSTEM)).hasMessageContaining("_sort");
        p.typeFilters.set(0, "code=x");
        assertThatThrownBy(() -> p.validate(ExportLevel.SYSTEM)).hasMessageContaining("Type?search");
        p.typeFilters.clear();
        p.patients.add("1");
        assertThatThrownBy(() -> p.validate(ExportLevel.SYSTEM)).hasMessageContaining("not to system");
        assertThatThrownBy(() -> ExportLevel.parse("everything")).hasMessageContaining("unknown export level");
        assertThat(server.http.requests).isEmpty();
    }

    /** C-19: the OperationOutcome of a refusal reaches the user. */
    @Test
    void refusalShowsTheOperationOutcome() {
        server.http.on("GET", "/fhir/$export", (req, reply) -> reply.fhirJson(400,
                "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-supported\","
                        + "\"diagnostics\":\"_elements is not supported\"}]}"));
        assertThatThrownBy(() -> kickOff.start(server.base, ExportLevel.SYSTEM, new ExportParameters()))
                .isInstanceOf(BulkDataException.class)
                .hasMessageContaining("_elements is not supported").hasMessageContaining("--lenient")
                .satisfies(e -> assertThat(((BulkDataException) e).kind()).isEqualTo(BulkDataException.Kind.REJECTED));
    }

    /** A server that answers 200 is not a Bulk Data server; 401 means credentials are needed. */
    @Test
    void notABulkServerAndUnauthorizedAreExplained() {
        server.http.on("GET", "/fhir/$export", (req, reply) -> reply.json(200, "{\"resourceType\":\"Bundle\"}"));
        assertThatThrownBy(() -> kickOff.start(server.base, ExportLevel.SYSTEM, new ExportParameters()))
                .hasMessageContaining("not a Bulk Data export endpoint");
        server.http.on("GET", "/fhir/Patient/$export", (req, reply) -> reply.fhirJson(401, "{}"));
        assertThatThrownBy(() -> kickOff.start(server.base, ExportLevel.PATIENT, new ExportParameters()))
                .hasMessageContaining("--client-id");
    }

    /** C-20: 429 at kick-off waits Retry-After, then succeeds. */
    @Test
    void busyServerIsWaitedFor() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        server.http.on("GET", "/fhir/$export", (req, reply) -> {
            if (calls.incrementAndGet() == 1) {
                reply.status(429).header("Retry-After", "30").fhirJson(429,
                        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"throttled\"}]}");
            } else {
                reply.status(202).header("Content-Location", server.http.base() + "/fhir/status/job-1");
            }
        });
        kickOff.start(server.base, ExportLevel.SYSTEM, new ExportParameters());
        assertThat(pauser.delays).containsExactly(Duration.ofSeconds(30));
        assertThat(calls.get()).isEqualTo(2);
    }
}
