package org.bulkfhir.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FHIR REST endpoints over real HTTP, against a SQLite store. */
class ResourceEndpointsTest {
    @TempDir
    Path dir;
    ResourceStore store;
    BulkFhirServer server;
    final HttpClient http = HttpClient.newHttpClient();
    String base;

    @BeforeEach
    void start() throws Exception {
        store = JdbcResourceStore.open(TestDatabases.sqlite(dir));
        server = BulkFhirServer.start(ServerConfig.defaults(dir).withPort(0), store);
        base = server.baseUrl();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        store.close();
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/fhir+json");
        if (body != null) {
            b.header("Content-Type", "application/fhir+json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    static void assertOperationOutcome(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+json");
        assertThat(json(r).path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    @Test
    void putGetUpdateDelete() throws Exception {
        HttpResponse<String> created = send("PUT", "/Patient/p1", "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"female\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location").orElseThrow()).isEqualTo(base + "/Patient/p1/_history/1");
        assertThat(created.headers().firstValue("ETag").orElseThrow()).isEqualTo("W/\"1\"");

        HttpResponse<String> read = send("GET", "/Patient/p1", null);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read).path("meta").path("versionId").asText()).isEqualTo("1");
        assertThat(read.body()).isEqualTo(created.body());

        assertThat(send("PUT", "/Patient/p1", "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"male\"}").statusCode())
                .isEqualTo(200);
        assertThat(json(send("GET", "/Patient/p1/_history/1", null)).path("gender").asText()).isEqualTo("female");
        assertThat(json(send("GET", "/Patient/p1", null)).path("gender").asText()).isEqualTo("male");

        assertThat(send("DELETE", "/Patient/p1", null).statusCode()).isEqualTo(200);
        assertOperationOutcome(send("GET", "/Patient/p1", null), 410);
        assertOperationOutcome(send("GET", "/Patient/never", null), 404);
        assertOperationOutcome(send("GET", "/Unicorn/x", null), 404);
    }

    @Test
    void postCreatesUnderANewId() throws Exception {
        HttpResponse<String> r = send("POST", "/Observation",
                "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"t\"}}");
        assertThat(r.statusCode()).isEqualTo(201);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(base + "/Observation/").endsWith("/_history/1");
        String id = json(r).path("id").asText();
        assertThat(send("GET", "/Observation/" + id, null).statusCode()).isEqualTo(200);
    }

    @Test
    void badInputGetsAnOperationOutcomeNeverA500() throws Exception {
        assertOperationOutcome(send("PUT", "/Patient/p1", "{not json"), 400);
        assertOperationOutcome(send("PUT", "/Patient/p1", "{\"resourceType\":\"Observation\"}"), 400);
        assertOperationOutcome(send("PUT", "/Patient/p1", "{\"resourceType\":\"Patient\",\"id\":\"other\"}"), 400);
        assertOperationOutcome(send("PUT", "/Patient/p1", "{\"resourceType\":\"Patient\",\"birthDate\":\"yesterday\"}"), 400);
        assertOperationOutcome(send("POST", "", "{\"resourceType\":\"Patient\"}"), 400);
        assertOperationOutcome(send("POST", "", "[]"), 400);
        assertOperationOutcome(send("GET", "/Observation?code=x", null), 400);
        assertOperationOutcome(send("GET", "/Group?unknown=1", null), 400);
        assertOperationOutcome(send("PATCH", "/Patient/p1", "{}"), 405);
        assertThat(store.countByType()).isEmpty();
    }

    @Test
    void transactionBundleResolvesReferences() throws Exception {
        String tx = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                 {"fullUrl":"urn:uuid:11111111-1111-1111-1111-111111111111",
                  "resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}},
                 {"resource":{"resourceType":"Encounter","id":"e1","status":"finished","class":{"code":"AMB"},
                   "subject":{"reference":"urn:uuid:11111111-1111-1111-1111-111111111111"}},"request":{"method":"PUT","url":"Encounter/e1"}}]}""";
        HttpResponse<String> r = send("POST", "", tx);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode bundle = json(r);
        assertThat(bundle.path("type").asText()).isEqualTo("transaction-response");
        assertThat(bundle.path("entry").get(0).path("response").path("status").asText()).isEqualTo("201 Created");
        String patientLocation = bundle.path("entry").get(0).path("response").path("location").asText();
        String patientRef = patientLocation.substring(0, patientLocation.indexOf("/_history"));
        assertThat(json(send("GET", "/Encounter/e1", null)).path("subject").path("reference").asText()).isEqualTo(patientRef);
    }

    /** S-7: Groups can be found by identifier, name and id. */
    @Test
    void searchesGroups() throws Exception {
        send("PUT", "/Group/g1", "{\"resourceType\":\"Group\",\"id\":\"g1\",\"type\":\"person\",\"actual\":true,\"name\":\"Diabetes cohort\","
                + "\"identifier\":[{\"system\":\"http://example.org/groups\",\"value\":\"diabetes\"}]}");
        send("PUT", "/Group/g2", "{\"resourceType\":\"Group\",\"id\":\"g2\",\"type\":\"person\",\"actual\":true,\"name\":\"Payer members\","
                + "\"identifier\":[{\"system\":\"http://example.org/groups\",\"value\":\"payer-1\"}]}");
        assertThat(json(send("GET", "/Group", null)).path("total").asInt()).isEqualTo(2);
        JsonNode byIdentifier = json(send("GET", "/Group?identifier=http://example.org/groups%7Cdiabetes", null));
        assertThat(byIdentifier.path("type").asText()).isEqualTo("searchset");
        assertThat(byIdentifier.path("total").asInt()).isEqualTo(1);
        assertThat(byIdentifier.path("entry").get(0).path("resource").path("id").asText()).isEqualTo("g1");
        assertThat(byIdentifier.path("entry").get(0).path("fullUrl").asText()).isEqualTo(base + "/Group/g1");
        assertThat(json(send("GET", "/Group?identifier=payer-1", null)).path("entry").get(0).path("resource").path("id").asText())
                .isEqualTo("g2");
        assertThat(json(send("GET", "/Group?name=payer", null)).path("entry").get(0).path("resource").path("id").asText())
                .isEqualTo("g2");
        assertThat(json(send("GET", "/Group?_id=g1", null)).path("total").asInt()).isEqualTo(1);
        assertThat(json(send("GET", "/Group?name=nobody", null)).path("total").asInt()).isZero();
    }

    /** S-1, S-2, S-3: the CapabilityStatement declares the Bulk Data operations where Inferno looks. */
    @Test
    void capabilityStatementDeclaresExport() throws Exception {
        JsonNode cs = json(send("GET", "/metadata", null));
        assertThat(cs.path("resourceType").asText()).isEqualTo("CapabilityStatement");
        assertThat(cs.path("instantiates").toString()).contains(CapabilityEndpoint.BULK_DATA_CAPABILITY);
        JsonNode rest = cs.path("rest").get(0);
        assertThat(rest.path("operation").get(0).path("name").asText()).isEqualTo("export");
        assertThat(rest.path("operation").get(0).path("definition").asText()).isEqualTo(CapabilityEndpoint.EXPORT_OP);
        JsonNode group = null;
        JsonNode observation = null;
        for (JsonNode r : rest.path("resource")) {
            if (r.path("type").asText().equals("Group")) {
                group = r;
            }
            if (r.path("type").asText().equals("Observation")) {
                observation = r;
            }
        }
        assertThat(group.path("operation").get(0).path("name").asText()).isEqualTo("export");
        assertThat(group.path("operation").get(0).path("definition").asText()).isEqualTo(CapabilityEndpoint.GROUP_EXPORT_OP);
        assertThat(observation.path("searchParam").toString()).contains("\"code\"").contains("\"date\"");
    }
}
