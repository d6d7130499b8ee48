package org.bulkfhir.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Date;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST endpoints under {@code --auth smart}: 401 without a valid token, 403 without the scope (S-12, S-13, S-95). */
class ProtectedRestTest {
    static final String PATIENT = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"female\"}";
    static final String OBSERVATION = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\","
            + "\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/p1\"}}";

    @TempDir
    Path dir;
    ResourceStore store;
    BulkFhirServer server;
    AuthFixture client;
    ECKey key;
    String clientId;

    @BeforeEach
    void start() throws Exception {
        store = JdbcResourceStore.open(TestDatabases.sqlite(dir));
        server = BulkFhirServer.start(ServerConfig.defaults(dir).withPort(0).withAuth(AuthConfig.smart(AuthFixture.ADMIN_TOKEN)), store);
        client = new AuthFixture(server);
        key = Keys.es384();
        clientId = client.registerInline("system/*.cruds", key);
        String writer = client.accessToken(clientId, key, "system/*.cruds");
        assertThat(client.fhir("PUT", "/Patient/p1", writer, PATIENT).statusCode()).isEqualTo(201);
        assertThat(client.fhir("PUT", "/Observation/o1", writer, OBSERVATION).statusCode()).isEqualTo(201);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        store.close();
    }

    private static void assertUnauthorized(HttpResponse<String> r, String challengeContains) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer realm=\"bulkfhir\"")
                .contains(challengeContains);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+json");
        assertThat(AuthFixture.json(r).path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    private static void assertForbidden(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).contains("insufficient_scope");
        assertThat(AuthFixture.json(r).path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    @Test
    void noTokenIs401WithAChallenge() throws Exception {
        HttpResponse<String> r = client.fhir("GET", "/Patient/p1", null, null);
        assertUnauthorized(r, "");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).doesNotContain("error=");
        assertUnauthorized(client.fhir("PUT", "/Patient/p2", null, PATIENT.replace("p1", "p2")), "");
        assertUnauthorized(client.fhir("GET", "/Group", null, null), "");
        assertUnauthorized(client.fhir("POST", "", null, "{\"resourceType\":\"Bundle\",\"type\":\"batch\"}"), "");
    }

    @Test
    void malformedOrForgedTokensAre401() throws Exception {
        HttpRequest basic = HttpRequest.newBuilder(URI.create(client.base + "/Patient/p1"))
                .header("Authorization", "Basic dXNlcjpwYXNz").build();
        assertUnauthorized(client.http.send(basic, HttpResponse.BodyHandlers.ofString()), "invalid_request");
        assertUnauthorized(client.fhir("GET", "/Patient/p1", "not.a.token", null), "invalid_token");
        // A client assertion is a JWT too, but not one this server issued.
        assertUnauthorized(client.fhir("GET", "/Patient/p1", client.assertion(clientId, key), null), "invalid_token");
    }

    @Test
    void expiredTokenIs401() throws Exception { // S-95
        ECKey serverKey = server.authorization().keys().signingKey();
        long now = System.currentTimeMillis();
        String expired = AuthFixture.sign(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(serverKey.getKeyID())
                .type(AccessTokens.TYPE).build(), new JWTClaimsSet.Builder().issuer(AccessTokens.ISSUER)
                .audience(AccessTokens.AUDIENCE).subject(clientId).claim("scope", "system/*.rs")
                .issueTime(new Date(now - 400_000)).expirationTime(new Date(now - 100_000)).build(), serverKey);
        HttpResponse<String> r = client.fhir("GET", "/Patient/p1", expired, null);
        assertUnauthorized(r, "invalid_token");
        assertThat(r.body()).contains("expired");
    }

    @Test
    void tokenSignedByAnUnknownKeyIs401() throws Exception {
        ECKey stranger = Keys.es384();
        long now = System.currentTimeMillis();
        String forged = AuthFixture.sign(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(stranger.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(AccessTokens.ISSUER).audience(AccessTokens.AUDIENCE).subject(clientId)
                        .claim("scope", "system/*.cruds").expirationTime(new Date(now + 60_000)).build(), stranger);
        assertUnauthorized(client.fhir("GET", "/Patient/p1", forged, null), "invalid_token");
        // Same kid as the real key, wrong private key.
        String kid = server.authorization().keys().signingKey().getKeyID();
        String impostor = AuthFixture.sign(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(kid).build(),
                new JWTClaimsSet.Builder().issuer(AccessTokens.ISSUER).audience(AccessTokens.AUDIENCE).subject(clientId)
                        .claim("scope", "system/*.cruds").expirationTime(new Date(now + 60_000)).build(), stranger);
        assertUnauthorized(client.fhir("GET", "/Patient/p1", impostor, null), "signature");
    }

    @Test
    void readScopeReadsButDoesNotWrite() throws Exception { // S-11, S-96
        String v1 = client.accessToken(clientId, key, "system/*.read");
        assertThat(client.fhir("GET", "/Patient/p1", v1, null).statusCode()).isEqualTo(200);
        assertThat(client.fhir("GET", "/Observation/o1/_history/1", v1, null).statusCode()).isEqualTo(200);
        assertThat(client.fhir("GET", "/Group", v1, null).statusCode()).isEqualTo(200);
        assertForbidden(client.fhir("PUT", "/Patient/p1", v1, PATIENT));
        assertForbidden(client.fhir("POST", "/Patient", v1, PATIENT));
        assertForbidden(client.fhir("DELETE", "/Patient/p1", v1, null));
    }

    @Test
    void typeScopedTokensSeeOnlyTheirTypes() throws Exception { // S-11
        String patientsOnly = client.accessToken(clientId, key, "system/Patient.rs");
        assertThat(client.fhir("GET", "/Patient/p1", patientsOnly, null).statusCode()).isEqualTo(200);
        HttpResponse<String> r = client.fhir("GET", "/Observation/o1", patientsOnly, null);
        assertForbidden(r);
        assertThat(r.body()).contains("system/Observation.r");
        assertForbidden(client.fhir("GET", "/Group", patientsOnly, null));
    }

    @Test
    void v2WritePermissionsAreCheckedOneByOne() throws Exception {
        String updateOnly = client.accessToken(clientId, key, "system/Patient.rus");
        assertThat(client.fhir("PUT", "/Patient/p1", updateOnly, PATIENT.replace("female", "male")).statusCode()).isEqualTo(200);
        // Update-as-create of a new id needs create too.
        HttpResponse<String> refused = client.fhir("PUT", "/Patient/p9", updateOnly, PATIENT.replace("p1", "p9"));
        assertForbidden(refused);
        // Refused before its body was read: the connection is not reused for the next request.
        assertThat(refused.headers().firstValue("Connection")).contains("close");
        assertForbidden(client.fhir("DELETE", "/Patient/p1", updateOnly, null));
    }

    @Test
    void bundleEntriesNeedTheirOwnPermissions() throws Exception {
        String patientWriter = client.accessToken(clientId, key, "system/Patient.cruds");
        String deleteObservation = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"request\":{\"method\":\"DELETE\",\"url\":\"Observation/o1\"}}]}";
        assertForbidden(client.fhir("POST", "", patientWriter, deleteObservation));
        String putPatient = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":" + PATIENT
                + ",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/p1\"}}]}";
        assertThat(client.fhir("POST", "", patientWriter, putPatient).statusCode()).isEqualTo(200);
        String collection = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":" + OBSERVATION + "}]}";
        assertForbidden(client.fhir("POST", "", patientWriter, collection));
    }

    @Test
    void metadataAndDiscoveryStayOpen() throws Exception {
        assertThat(client.fhir("GET", "/metadata", null, null).statusCode()).isEqualTo(200);
        assertThat(client.fhir("GET", "/.well-known/smart-configuration", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void tokensSurviveSigningKeyRotation() throws Exception {
        String before = client.accessToken(clientId, key, "system/*.rs");
        String oldKid = server.authorization().keys().signingKey().getKeyID();
        String newKid = server.authorization().keys().rotate();
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(client.fhir("GET", "/Patient/p1", before, null).statusCode()).isEqualTo(200);
        String after = client.accessToken(clientId, key, "system/*.rs");
        assertThat(com.nimbusds.jwt.SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(newKid);
        assertThat(client.fhir("GET", "/Patient/p1", after, null).statusCode()).isEqualTo(200);
    }
}
