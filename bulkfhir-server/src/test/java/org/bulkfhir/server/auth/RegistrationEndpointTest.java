package org.bulkfhir.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /auth/register}: the admin token, open registration, and the key rules (S-84, S-85). */
class RegistrationEndpointTest {
    @TempDir
    Path dir;
    ResourceStore store;
    BulkFhirServer server;
    AuthFixture client;

    @BeforeEach
    void start() throws Exception {
        store = JdbcResourceStore.open(TestDatabases.sqlite(dir));
        start(AuthConfig.smart(AuthFixture.ADMIN_TOKEN));
    }

    private void start(AuthConfig auth) throws Exception {
        if (server != null) {
            server.close();
        }
        server = BulkFhirServer.start(ServerConfig.defaults(dir).withPort(0).withAuth(auth), store);
        client = new AuthFixture(server);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        store.close();
    }

    private static String inline(String keysJson) {
        return "{\"client_name\":\"c\",\"jwks\":{\"keys\":[" + keysJson + "]}}";
    }

    private static void assertRefused(HttpResponse<String> r, String reason) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode body = AuthFixture.json(r);
        assertThat(body.path("error").asText()).isEqualTo("invalid_client_metadata");
        assertThat(body.path("error_description").asText()).contains(reason);
    }

    @Test
    void registrationNeedsTheAdminToken() throws Exception {
        String body = "{\"jwks\":" + Keys.publicJwks(Keys.es384()) + "}";
        HttpResponse<String> none = client.registerRaw(body, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
        assertThat(client.registerRaw(body, "wrong-token").statusCode()).isEqualTo(401);
        HttpResponse<String> ok = client.registerRaw(body, AuthFixture.ADMIN_TOKEN);
        assertThat(ok.statusCode()).isEqualTo(201);
        JsonNode r = AuthFixture.json(ok);
        assertThat(r.path("client_id").asText()).isNotBlank();
        assertThat(r.path("token_endpoint_auth_method").asText()).isEqualTo("private_key_jwt");
        assertThat(r.path("scope").asText()).isEqualTo(ClientRegistry.DEFAULT_SCOPES);
        assertThat(server.authorization().clients().find(r.path("client_id").asText())).isPresent();
    }

    @Test
    void openRegistrationNeedsNoToken() throws Exception {
        start(AuthConfig.smart(null).withOpenRegistration(true));
        assertThat(client.registerRaw("{\"jwks\":" + Keys.publicJwks(Keys.es384()) + "}", null).statusCode()).isEqualTo(201);
    }

    @Test
    void withoutAnAdminTokenRegistrationIsClosed() throws Exception {
        start(AuthConfig.smart(null));
        HttpResponse<String> r = client.registerRaw("{\"jwks\":" + Keys.publicJwks(Keys.es384()) + "}", "anything");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("closed");
    }

    @Test
    void bothInlineJwksAndJwksUrlClientsGetTokens() throws Exception { // S-84
        ECKey inlineKey = Keys.es384();
        RSAKey urlKey = Keys.rs384();
        String inline = client.registerInline(null, inlineKey);
        try (JwksServer jwks = new JwksServer()) {
            jwks.serve(Keys.publicJwks(urlKey), "max-age=60");
            String byUrl = client.registerUrl(null, jwks.url());
            assertThat(client.accessToken(inline, inlineKey, "system/*.rs")).isNotBlank();
            assertThat(client.accessToken(byUrl, urlKey, "system/*.rs")).isNotBlank();
        }
    }

    @Test
    void keysLackingKidOrKtyOrMembersAreRefused() throws Exception { // S-85
        ECKey ec = Keys.es384();
        RSAKey rsa = Keys.rs384();
        String ecJson = ec.toPublicJWK().toJSONString();
        String rsaJson = rsa.toPublicJWK().toJSONString();
        assertRefused(client.registerRaw(inline(ecJson.replace("\"kid\"", "\"x-kid\"")), AuthFixture.ADMIN_TOKEN), "lacks \"kid\"");
        assertRefused(client.registerRaw(inline(ecJson.replace("\"kty\"", "\"x-kty\"")), AuthFixture.ADMIN_TOKEN), "lacks \"kty\"");
        assertRefused(client.registerRaw(inline(ecJson.replace("\"crv\"", "\"x-crv\"")), AuthFixture.ADMIN_TOKEN), "lacks \"crv\"");
        assertRefused(client.registerRaw(inline(ecJson.replace("\"y\"", "\"x-y\"")), AuthFixture.ADMIN_TOKEN), "lacks \"y\"");
        assertRefused(client.registerRaw(inline(rsaJson.replace("\"n\"", "\"x-n\"")), AuthFixture.ADMIN_TOKEN), "lacks \"n\"");
        assertRefused(client.registerRaw(inline(rsaJson.replace("\"e\":", "\"x-e\":")), AuthFixture.ADMIN_TOKEN), "lacks \"e\"");
        assertRefused(client.registerRaw(inline(ec.toJSONString()), AuthFixture.ADMIN_TOKEN), "private key");
        assertRefused(client.registerRaw(inline(ecJson + "," + ecJson), AuthFixture.ADMIN_TOKEN), "repeats kid");
        assertRefused(client.registerRaw(inline("{\"kty\":\"oct\",\"kid\":\"k\",\"k\":\"AAAA\"}"), AuthFixture.ADMIN_TOKEN),
                "only RSA and EC");
        assertRefused(client.registerRaw("{\"jwks\":{\"keys\":[]}}", AuthFixture.ADMIN_TOKEN), "non-empty");
        assertRefused(client.registerRaw("{\"client_name\":\"no keys\"}", AuthFixture.ADMIN_TOKEN), "jwks_uri");
        assertRefused(client.registerRaw("{\"jwks_uri\":\"ftp://example.org/jwks\"}", AuthFixture.ADMIN_TOKEN), "https");
        assertRefused(client.registerRaw("{\"jwks_uri\":\"https://example.org/jwks\",\"scope\":\"patient/*.read\"}",
                AuthFixture.ADMIN_TOKEN), "system/");
        assertRefused(client.registerRaw("not json", AuthFixture.ADMIN_TOKEN), "not JSON");
        assertThat(server.authorization().clients().list()).isEmpty();
    }
}
