package org.bulkfhir.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk export under {@code --auth smart}: kick-off, status and files need a token (S-12, S-13,
 * S-71), {@code _type} is limited to what the token may read (S-11, S-97), a Group export needs
 * Group read (S-15), and a job belongs to the client that started it (S-14).
 */
class ProtectedExportTest {
    @TempDir
    Path dir;
    ResourceStore store;
    BulkFhirServer server;
    AuthFixture client;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        store = JdbcResourceStore.open(TestDatabases.sqlite(dir));
        server = BulkFhirServer.start(ServerConfig.defaults(dir).withPort(0).withAuth(AuthConfig.smart(AuthFixture.ADMIN_TOKEN)), store);
        client = new AuthFixture(server);
        ECKey key = Keys.es384();
        String writerId = client.registerInline("system/*.cruds", key);
        String writer = client.accessToken(writerId, key, "system/*.cruds");
        assertThat(client.fhir("PUT", "/Patient/p1", writer, ProtectedRestTest.PATIENT).statusCode()).isEqualTo(201);
        assertThat(client.fhir("PUT", "/Observation/o1", writer, ProtectedRestTest.OBSERVATION).statusCode()).isEqualTo(201);
        assertThat(client.fhir("PUT", "/Group/g1", writer, "{\"resourceType\":\"Group\",\"id\":\"g1\",\"type\":\"person\","
                + "\"actual\":true,\"member\":[{\"entity\":{\"reference\":\"Patient/p1\"}}]}").statusCode()).isEqualTo(201);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        store.close();
    }

    private String tokenFor(String scopes) throws Exception {
        ECKey key = Keys.es384();
        String id = client.registerInline(scopes, key);
        return client.accessToken(id, key, scopes);
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String kickoff(String path, String token) throws Exception {
        HttpResponse<String> r = client.fhir("GET", path, token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return r.headers().firstValue("Content-Location").orElseThrow();
    }

    private JsonNode manifest(String status, String token) {
        JsonNode[] manifest = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            HttpResponse<String> r = get(status, token);
            if (r.statusCode() == 200) {
                manifest[0] = AuthFixture.json(r);
                return true;
            }
            return false;
        });
        return manifest[0];
    }

    @Test
    void exportWithoutTokenIs401AndWithTokenWorksForItsClientOnly() throws Exception {
        HttpResponse<String> refused = client.fhir("GET", "/$export", null, null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(AuthFixture.json(refused).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(client.fhir("GET", "/$export", "not-a-token", null).statusCode()).isEqualTo(401);

        String reader = tokenFor("system/*.read");
        String status = kickoff("/$export", reader);
        assertThat(get(status, null).statusCode()).isEqualTo(401);
        JsonNode manifest = manifest(status, reader);
        assertThat(manifest.path("requiresAccessToken").asBoolean()).isTrue();
        String fileUrl = manifest.path("output").get(0).path("url").asText();
        assertThat(get(fileUrl, null).statusCode()).isEqualTo(401);
        assertThat(get(fileUrl, reader).statusCode()).isEqualTo(200);

        String other = tokenFor("system/*.read");
        assertThat(get(status, other).statusCode()).isEqualTo(404);
        assertThat(get(fileUrl, other).statusCode()).isEqualTo(404);
        HttpResponse<String> delete = http.send(HttpRequest.newBuilder(URI.create(status)).DELETE()
                .header("Authorization", "Bearer " + other).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).isEqualTo(404);
    }

    @Test
    void typesAreLimitedToWhatTheTokenMayRead() throws Exception {
        String patientsOnly = tokenFor("system/Patient.rs");
        HttpResponse<String> forbidden = client.fhir("GET", "/$export?_type=Observation", patientsOnly, null);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(AuthFixture.json(forbidden).path("issue").get(0).path("diagnostics").asText()).contains("Observation");

        JsonNode manifest = manifest(kickoff("/$export", patientsOnly), patientsOnly);
        List<String> types = new ArrayList<>();
        manifest.path("output").forEach(o -> types.add(o.path("type").asText()));
        assertThat(types).containsExactly("Patient");

        HttpResponse<String> lenient = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/$export?_type=Patient,Observation")).header("Authorization", "Bearer " + patientsOnly)
                .header("Prefer", "respond-async, handling=lenient").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(lenient.statusCode()).isEqualTo(202);
        JsonNode lenientManifest = manifest(lenient.headers().firstValue("Content-Location").orElseThrow(), patientsOnly);
        assertThat(lenientManifest.path("error")).hasSize(1);
        String errors = get(lenientManifest.path("error").get(0).path("url").asText(), patientsOnly).body();
        assertThat(errors).contains("Observation");
    }

    @Test
    void groupExportNeedsGroupRead() throws Exception {
        String noGroup = tokenFor("system/Patient.rs system/Observation.rs");
        assertThat(client.fhir("GET", "/Group/g1/$export", noGroup, null).statusCode()).isEqualTo(403);
        String withGroup = tokenFor("system/Patient.rs system/Observation.rs system/Group.rs");
        JsonNode manifest = manifest(kickoff("/Group/g1/$export", withGroup), withGroup);
        assertThat(manifest.path("output").toString()).contains("Patient").contains("Observation");
    }
}
