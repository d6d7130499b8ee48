package org.bulkfhir.client.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.ClientConfig;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.stub.BulkStub;
import org.bulkfhir.client.stub.RecordingPauser;
import org.bulkfhir.client.stub.StubServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** C-19: a kick-off refused for an optional parameter is resubmitted without it, when asked, and never widened. */
class DropUnsupportedTest {
    final BulkStub server = new BulkStub();
    final RecordingPauser pauser = new RecordingPauser();
    final Http http = new ClientConfig().http();

    @AfterEach
    void close() {
        server.close();
    }

    static String outcome(String issueJson) {
        return "{\"resourceType\":\"OperationOutcome\",\"issue\":[" + issueJson + "]}";
    }

    /** The kick-off endpoint refuses every request that still carries {@code param}, with {@code oo}. */
    void refuseWhileSent(String method, String path, String param, int status, String oo) {
        server.http.on(method, path, (req, reply) -> {
            String sent = method.equals("GET") ? String.valueOf(req.query()) : req.bodyText();
            if (sent.contains(param)) {
                reply.fhirJson(status, oo);
            } else {
                reply.status(202).header("Content-Location", server.http.base() + "/fhir/status/job-1");
            }
        });
    }

    static ExportParameters withElements() {
        ExportParameters p = new ExportParameters();
        p.types.addAll(List.of("Patient", "Observation"));
        p.elements.add("Observation.code");
        return p;
    }

    static final String ELEMENTS_OO = outcome("{\"severity\":\"error\",\"code\":\"not-supported\","
            + "\"diagnostics\":\"_elements is not supported by this server\"}");

    @Test
    void withoutTheFlagTheRefusalIsReportedAndNothingIsResubmitted_C19() {
        refuseWhileSent("GET", "/fhir/$export", "_elements", 400, ELEMENTS_OO);

        assertThatThrownBy(() -> new KickOff(http, pauser.pacing()).start(server.base, ExportLevel.SYSTEM, withElements()))
                .isInstanceOf(BulkDataException.class)
                .hasMessageContaining("_elements is not supported by this server")
                .hasMessageContaining("--drop-unsupported")
                .satisfies(e -> assertThat(((BulkDataException) e).kind()).isEqualTo(BulkDataException.Kind.REJECTED));
        assertThat(server.http.requests("GET", "/fhir/$export")).hasSize(1);
    }

    @Test
    void withTheFlagTheParameterIsDroppedOnceAndReported_C19() throws Exception {
        refuseWhileSent("GET", "/fhir/$export", "_elements", 400, ELEMENTS_OO);
        ExportParameters p = withElements();
        p.dropUnsupported = true;

        KickOff.Accepted a = new KickOff(http, pauser.pacing()).start(server.base, ExportLevel.SYSTEM, p);

        var kickOffs = server.http.requests("GET", "/fhir/$export");
        assertThat(kickOffs).hasSize(2);
        assertThat(kickOffs.get(1).query()).isEqualTo("_type=Patient%2CObservation");
        assertThat(a.dropped()).singleElement().satisfies(d -> {
            assertThat(d.name()).isEqualTo("_elements");
            assertThat(d.serverSaid()).isEqualTo("_elements is not supported by this server");
            assertThat(d.describe()).contains("resources are complete");
        });
        assertThat(p.elements).as("the caller's parameters are left as they were").containsExactly("Observation.code");
    }

    /** 422 with the parameter named only in expression, on a POST kick-off. */
    @Test
    void parameterNamedInExpressionOfA422_C19() throws Exception {
        refuseWhileSent("POST", "/fhir/Patient/$export", "includeAssociatedData", 422, outcome(
                "{\"severity\":\"error\",\"code\":\"business-rule\",\"expression\":[\"includeAssociatedData\"]}"));
        ExportParameters p = new ExportParameters();
        p.post = true;
        p.includeAssociatedData.add("LatestProvenanceResources");
        p.dropUnsupported = true;

        KickOff.Accepted a = new KickOff(http, pauser.pacing()).start(server.base, ExportLevel.PATIENT, p);

        assertThat(a.dropped()).extracting(DroppedParameter::name).containsExactly("includeAssociatedData");
        assertThat(server.http.requests("POST", "/fhir/Patient/$export").get(1).bodyText())
                .doesNotContain("includeAssociatedData");
    }

    /** patient narrows the export: a refusal naming it is never "fixed" by widening the export. */
    @Test
    void patientIsNeverDropped_C19() {
        refuseWhileSent("POST", "/fhir/Group/g1/$export", "patient", 400, outcome("{\"severity\":\"error\","
                + "\"code\":\"not-supported\",\"diagnostics\":\"The patient parameter is not supported\"}"));
        ExportParameters p = new ExportParameters();
        p.patients.add("Patient/123");
        p.elements.add("Patient.name");
        p.dropUnsupported = true;

        assertThatThrownBy(() -> new KickOff(http, pauser.pacing()).start(server.base, ExportLevel.group("g1"), p))
                .isInstanceOf(BulkDataException.class)
                .hasMessageContaining("The patient parameter is not supported")
                .hasMessageContaining("names patient, which is never dropped")
                .hasMessageContaining("every patient");
        assertThat(server.http.requests("POST", "/fhir/Group/g1/$export")).hasSize(1);
    }

    /** An issue naming a droppable and a never-dropped parameter drops neither; a resource type is not a parameter. */
    @Test
    void ambiguousRefusalsDropNothing_C19() {
        ExportParameters p = withElements();
        p.since = "2024-01-01T00:00:00Z";
        byte[] both = outcome("{\"severity\":\"error\",\"code\":\"invalid\",\"diagnostics\":"
                + "\"_elements cannot be combined with _since\"}").getBytes();
        ParameterDrop.Decision d = ParameterDrop.decide(both, p, true);
        assertThat(d.drop()).isEmpty();
        assertThat(d.whyNot()).contains("_since");

        byte[] typeOnly = outcome("{\"severity\":\"error\",\"code\":\"invalid\",\"diagnostics\":"
                + "\"Patient is not supported with _elements\"}").getBytes();
        assertThat(ParameterDrop.decide(typeOnly, p, true).names()).containsExactly("_elements");
        byte[] none = outcome("{\"severity\":\"error\",\"code\":\"invalid\",\"diagnostics\":\"bad request\"}").getBytes();
        assertThat(ParameterDrop.decide(none, p, true).whyNot()).contains("names none");
    }

    /** _typeFilter may go only when the client re-applies it itself (C-18). */
    @Test
    void typeFilterIsDroppedOnlyWhenCheckedLocally_C19() throws Exception {
        refuseWhileSent("GET", "/fhir/$export", "_typeFilter", 400, outcome("{\"severity\":\"error\","
                + "\"code\":\"not-supported\",\"diagnostics\":\"_typeFilter is not supported\"}"));
        ExportParameters p = new ExportParameters();
        p.typeFilters.add("Observation?category=laboratory");
        p.dropUnsupported = true;

        assertThatThrownBy(() -> new KickOff(http, pauser.pacing()).start(server.base, ExportLevel.SYSTEM, p))
                .hasMessageContaining("--no-local-filter");

        KickOff.Accepted a = new KickOff(http, pauser.pacing()).typeFilterCheckedLocally(true)
                .start(server.base, ExportLevel.SYSTEM, p);
        assertThat(a.dropped()).extracting(DroppedParameter::name).containsExactly("_typeFilter");
        assertThat(a.dropped().get(0).consequence()).contains("client removes");
    }

    /** A second refusal is reported as such; there is no third kick-off. */
    @Test
    void aSecondRefusalEndsIt_C19() {
        server.http.on("GET", "/fhir/$export", (StubServer.Req req, StubServer.Reply reply) -> reply.fhirJson(400,
                String.valueOf(req.query()).contains("_elements") ? ELEMENTS_OO : outcome("{\"severity\":\"error\","
                        + "\"code\":\"invalid\",\"diagnostics\":\"Observation is not exported here\"}")));
        ExportParameters p = withElements();
        p.dropUnsupported = true;

        assertThatThrownBy(() -> new KickOff(http, pauser.pacing()).start(server.base, ExportLevel.SYSTEM, p))
                .hasMessageContaining("Observation is not exported here")
                .hasMessageContaining("after resubmitting without _elements");
        assertThat(server.http.requests("GET", "/fhir/$export")).hasSize(2);
    }
}
