package org.bulkfhir.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bulkfhir.client.auth.Authorizer;
import org.bulkfhir.client.export.ExportListener;
import org.bulkfhir.client.output.ExportSummary;
import org.bulkfhir.client.stub.BulkStub;
import org.bulkfhir.client.stub.RecordingPauser;
import org.bulkfhir.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C-19 end to end: what was dropped at kick-off or ignored by a lenient server ends up in the summary. */
class ParameterReportingTest {
    @TempDir
    Path tmp;
    final BulkStub server = new BulkStub();
    final RecordingPauser pauser = new RecordingPauser();

    @AfterEach
    void close() {
        server.close();
    }

    ExportSummary run(ExportJob job) throws Exception {
        job.server = server.base;
        return new ExportRunner(job, new ClientConfig().http().withAuthorizer(Authorizer.NONE), pauser.pacing(),
                ExportListener.NONE).run();
    }

    @Test
    void droppedParameterIsInTheSummary_C19() throws Exception {
        server.http.on("GET", "/fhir/$export", (req, reply) -> {
            if (String.valueOf(req.query()).contains("_elements")) {
                reply.fhirJson(400, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                        + "\"code\":\"not-supported\",\"diagnostics\":\"_elements is not supported\"}]}");
            } else {
                reply.status(202).header("Content-Location", server.http.base() + "/fhir/status/job-1");
            }
        });
        server.manifest = new BulkStub.ManifestBuilder()
                .output("Patient", server.addFile("p", BulkStub.ndjson("Patient", 2, "p")), 2L)::json;
        ExportJob job = new ExportJob();
        job.out = tmp.resolve("out");
        job.params.elements.add("Patient.name");
        job.params.dropUnsupported = true;

        ExportSummary s = run(job);

        assertThat(s.droppedParameters()).singleElement().satisfies(d -> assertThat(d.name()).isEqualTo("_elements"));
        assertThat(s.warnings()).singleElement().satisfies(w -> assertThat(w)
                .contains("the server refused _elements (\"_elements is not supported\")")
                .contains("resubmitted without it").contains("resources are complete"));
        JsonNode summary = Json.MAPPER.readTree(tmp.resolve("out/summary.json").toFile());
        assertThat(summary.path("droppedParameters").get(0).path("name").asText()).isEqualTo("_elements");
    }

    /** A refused _typeFilter is dropped only because the client then applies it itself (C-18). */
    @Test
    void droppedTypeFilterIsAppliedLocally_C19_C18() throws Exception {
        server.http.on("GET", "/fhir/$export", (req, reply) -> {
            if (String.valueOf(req.query()).contains("_typeFilter")) {
                reply.fhirJson(422, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                        + "\"code\":\"not-supported\",\"details\":{\"text\":\"_typeFilter is not supported\"}}]}");
            } else {
                reply.status(202).header("Content-Location", server.http.base() + "/fhir/status/job-1");
            }
        });
        String active = "{\"resourceType\":\"MedicationRequest\",\"id\":\"m1\",\"status\":\"active\",\"intent\":\"order\","
                + "\"subject\":{\"reference\":\"Patient/p\"}}\n";
        String stopped = active.replace("m1", "m2").replace("\"active\"", "\"stopped\"");
        server.manifest = new BulkStub.ManifestBuilder().output("MedicationRequest",
                server.addFile("m", (active + stopped).getBytes(StandardCharsets.UTF_8)), 2L)::json;
        ExportJob job = new ExportJob();
        job.out = tmp.resolve("out");
        job.params.typeFilters.add("MedicationRequest?status=active");
        job.params.dropUnsupported = true;

        ExportSummary s = run(job);

        assertThat(server.http.requests("GET", "/fhir/$export").get(1).query()).isNull();
        assertThat(Files.readString(tmp.resolve("out/MedicationRequest.000.ndjson"))).isEqualTo(active);
        assertThat(s.warnings()).containsExactly(
                "_typeFilter (dropped at kick-off) applied locally to MedicationRequest: 1 of 2 resources removed",
                s.droppedParameters().get(0).describe());
        assertThat(s.droppedParameters().get(0).describe()).contains("\"_typeFilter is not supported\"")
                .contains("removes the ones that do not match");
    }

    /** --lenient: the server's error-file notices of ignored parameters are listed; _typeFilter is then re-applied. */
    @Test
    void parametersALenientServerIgnoredAreReported_C19_C18() throws Exception {
        String notices = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"warning\",\"code\":\"not-supported\","
                + "\"diagnostics\":\"Ignored under handling=lenient: unknown element\",\"expression\":[\"_elements\"]}]}\n"
                + "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"information\",\"code\":\"informational\","
                + "\"diagnostics\":\"_typeFilter was ignored: filtering is not supported\"}]}\n"
                + "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"information\",\"code\":\"informational\","
                + "\"diagnostics\":\"Patient export took 3 s\"}]}\n";
        String lab = "{\"resourceType\":\"Observation\",\"id\":\"a\",\"status\":\"final\",\"category\":[{\"coding\":"
                + "[{\"code\":\"laboratory\"}]}],\"code\":{\"text\":\"x\"}}\n";
        String vital = lab.replace("\"a\"", "\"b\"").replace("laboratory", "vital-signs");
        server.manifest = new BulkStub.ManifestBuilder()
                .output("Observation", server.addFile("o", (lab + vital).getBytes(StandardCharsets.UTF_8)), 2L)
                .error(server.addFile("e", notices.getBytes(StandardCharsets.UTF_8)))::json;
        ExportJob job = new ExportJob();
        job.out = tmp.resolve("out");
        job.params.lenient = true;
        job.params.types.addAll(List.of("Patient", "Observation"));
        job.params.elements.add("Observation.foo");
        job.params.typeFilters.add("Observation?category=laboratory");

        ExportSummary s = run(job);

        assertThat(server.http.requests("GET", "/fhir/$export").get(0).header("Prefer")).contains("handling=lenient");
        assertThat(s.ignoredParameters()).containsOnlyKeys("_elements", "_typeFilter");
        assertThat(s.ignoredParameters().get("_elements")).isEqualTo("Ignored under handling=lenient: unknown element");
        assertThat(s.warnings()).contains(
                "the server ignored _typeFilter (\"_typeFilter was ignored: filtering is not supported\"); it was re-applied locally",
                "server ignored _typeFilter for Observation: 1 of 2 resources removed locally");
        JsonNode summary = Json.MAPPER.readTree(tmp.resolve("out/summary.json").toFile());
        assertThat(summary.path("ignoredParameters").path("_elements").asText()).contains("Ignored under handling=lenient");
    }
}
