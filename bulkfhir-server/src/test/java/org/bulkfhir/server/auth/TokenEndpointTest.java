package org.bulkfhir.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The token endpoint over real HTTP with real signed assertions: the valid exchange (§4.11) and
 * one assertion or request spoiled in exactly one way per rejection class (S-86…S-94).
 */
class TokenEndpointTest {
    @TempDir
    Path dir;
    ResourceStore store;
    BulkFhirServer server;
    AuthFixture client;
    ECKey ec;
    RSAKey rsa;
    String ecClient;
    String rsaClient;

    @BeforeEach
    void start() throws Exception {
        store = JdbcResourceStore.open(TestDatabases.sqlite(dir));
        startServer(AuthConfig.smart(AuthFixture.ADMIN_TOKEN));
        ec = Keys.es384();
        rsa = Keys.rs384();
        ecClient = client.registerInline("system/*.rs", ec);
        rsaClient = client.registerInline("system/*.rs", rsa);
    }

    private void startServer(AuthConfig auth) throws Exception {
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

    static void assertError(HttpResponse<String> r, int status, String error, String descriptionContains) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(r.headers().firstValue("Cache-Control").orElse("")).isEqualTo("no-store");
        JsonNode body = AuthFixture.json(r);
        assertThat(body.path("error").asText()).isEqualTo(error);
        assertThat(body.path("error_description").asText()).containsIgnoringCase(descriptionContains);
    }

    private void assertInvalidClient(String assertion, String descriptionContains) throws Exception {
        assertError(client.tokenRequest(assertion, "system/*.rs"), 400, "invalid_client", descriptionContains);
    }

    // ------------------------------------------------------------ success

    @Test
    void es384AssertionFromInlineJwksGetsABearerToken() throws Exception { // S-84, S-86, S-87, S-93, S-94
        HttpResponse<String> r = client.tokenRequest(client.assertion(ecClient, ec), "system/*.rs");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(r.headers().firstValue("Cache-Control").orElse("")).isEqualTo("no-store");
        assertThat(r.headers().firstValue("Pragma").orElse("")).isEqualTo("no-cache");
        JsonNode body = AuthFixture.json(r);
        assertThat(body.path("access_token").asText()).isNotBlank();
        assertThat(body.path("token_type").asText()).isEqualTo("bearer");
        assertThat(body.path("expires_in").isNumber()).isTrue();
        assertThat(body.path("expires_in").asInt()).isBetween(1, 300);
        assertThat(body.path("scope").asText()).isEqualTo("system/*.rs");
        assertThat(body.has("refresh_token")).isFalse();
    }

    @Test
    void rs384AssertionGetsAToken() throws Exception { // S-86
        assertThat(client.tokenRequest(client.assertion(rsaClient, rsa), "system/*.rs").statusCode()).isEqualTo(200);
    }

    @Test
    void otherAsymmetricAlgorithmsAreAcceptedToo() throws Exception { // S-86
        ECKey p256 = new ECKeyGenerator(Curve.P_256).keyID("p256").generate();
        String id = client.registerInline(null, p256, rsa);
        String es256 = AuthFixture.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("p256").type(JOSEObjectType.JWT).build(),
                claims(id).build(), p256);
        assertThat(client.tokenRequest(es256, "system/*.rs").statusCode()).isEqualTo(200);
        String ps384 = AuthFixture.sign(new JWSHeader.Builder(JWSAlgorithm.PS384).keyID(rsa.getKeyID()).build(),
                claims(id).build(), rsa);
        assertThat(client.tokenRequest(ps384, "system/*.rs").statusCode()).isEqualTo(200);
    }

    @Test
    void expExactlyFiveMinutesAheadAndSlightlyBeyondIsAccepted() throws Exception { // S-88, §5.29
        long now = System.currentTimeMillis();
        assertThat(client.tokenRequest(client.assertion(ecClient, ec, h -> { },
                c -> c.expirationTime(new Date(now + 300_000))), "system/*.rs").statusCode()).isEqualTo(200);
        assertThat(client.tokenRequest(client.assertion(ecClient, ec, h -> { },
                c -> c.expirationTime(new Date(now + 330_000))), "system/*.rs").statusCode()).isEqualTo(200);
    }

    private JWTClaimsSet.Builder claims(String clientId) {
        return new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(client.tokenUrl)
                .expirationTime(new Date(System.currentTimeMillis() + 240_000)).jwtID(java.util.UUID.randomUUID().toString());
    }

    // ------------------------------------------------------------ assertions spoiled in one way (S-88, S-89, S-91)

    @Test
    void badSignatureIsRefused() throws Exception {
        ECKey impostor = Keys.es384(ec.getKeyID());
        assertInvalidClient(client.assertion(ecClient, impostor), "signature");
    }

    @Test
    void wrongAudienceIsRefused() throws Exception {
        assertInvalidClient(client.assertion(ecClient, ec, h -> { }, c -> c.audience(client.base)), "aud");
    }

    @Test
    void issDifferentFromSubIsRefused() throws Exception {
        assertInvalidClient(client.assertion(ecClient, ec, h -> { }, c -> c.subject(rsaClient)), "sub");
    }

    @Test
    void unknownClientIsRefused() throws Exception {
        assertInvalidClient(client.assertion("not_a_valid_iss", ec), "unknown client");
    }

    @Test
    void disabledClientIsRefused() throws Exception {
        assertThat(server.authorization().clients().disable(ecClient)).isTrue();
        assertInvalidClient(client.assertion(ecClient, ec), "disabled");
    }

    @Test
    void expiredAssertionIsRefused() throws Exception {
        assertInvalidClient(client.assertion(ecClient, ec, h -> { },
                c -> c.expirationTime(new Date(System.currentTimeMillis() - 120_000))), "expired");
    }

    @Test
    void expTooFarAheadIsRefused() throws Exception {
        assertInvalidClient(client.assertion(ecClient, ec, h -> { },
                c -> c.expirationTime(new Date(System.currentTimeMillis() + 3_600_000))), "five minutes");
    }

    @Test
    void missingExpIsRefused() throws Exception {
        assertInvalidClient(client.assertion(ecClient, ec, h -> { }, c -> c.expirationTime(null)), "no exp");
    }

    @Test
    void missingJtiIsRefused() throws Exception {
        assertInvalidClient(client.assertion(ecClient, ec, h -> { }, c -> c.jwtID(null)), "jti");
    }

    @Test
    void replayedAssertionIsRefused() throws Exception {
        String assertion = client.assertion(ecClient, ec);
        assertThat(client.tokenRequest(assertion, "system/*.rs").statusCode()).isEqualTo(200);
        assertInvalidClient(assertion, "already used");
    }

    @Test
    void missingKidIsRefused() throws Exception {
        assertInvalidClient(client.assertion(ecClient, ec, h -> h.keyID(null), c -> { }), "kid");
    }

    @Test
    void unknownKidIsRefused() throws Exception {
        assertInvalidClient(client.assertion(ecClient, ec, h -> h.keyID("nope"), c -> { }), "no registered key");
    }

    @Test
    void kidOfTheWrongKeyTypeIsRefused() throws Exception {
        // An RS384 assertion naming an EC key's kid: the kty must fit the algorithm.
        RSAKey sameKid = Keys.rs384(ec.getKeyID());
        assertInvalidClient(AuthFixture.sign(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(ec.getKeyID()).build(),
                claims(ecClient).build(), sameKid), "no registered key");
    }

    @Test
    void jkuOtherThanTheRegisteredUrlIsRefused() throws Exception {
        assertInvalidClient(client.assertion(ecClient, ec, h -> h.jwkURL(URI.create("https://attacker.example/jwks.json")),
                c -> { }), "jku");
    }

    @Test
    void unsignedAlgNoneIsRefused() throws Exception {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + ec.getKeyID() + "\"}").toString();
        String payload = Base64URL.encode(claims(ecClient).build().toString()).toString();
        assertInvalidClient(header + "." + payload + ".", "alg none");
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        byte[] secret = rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).build(),
                claims(rsaClient).build());
        jwt.sign(new MACSigner(secret));
        assertInvalidClient(jwt.serialize(), "HS256");
    }

    @Test
    void garbageAssertionIsRefused() throws Exception {
        assertInvalidClient("not-a-jwt", "not a JWT");
    }

    // ------------------------------------------------------------ the request itself (S-87)

    @Test
    void wrongGrantTypeIs400UnsupportedGrantType() throws Exception {
        Map<String, String> form = AuthFixture.tokenForm(client.assertion(ecClient, ec), "system/*.rs");
        form.put("grant_type", "not_a_grant_type");
        assertError(client.tokenRequest(form), 400, "unsupported_grant_type", "client_credentials");
    }

    @Test
    void missingGrantTypeIsInvalidRequest() throws Exception {
        Map<String, String> form = AuthFixture.tokenForm(client.assertion(ecClient, ec), "system/*.rs");
        form.remove("grant_type");
        assertError(client.tokenRequest(form), 400, "invalid_request", "grant_type");
    }

    @Test
    void wrongAssertionTypeIsInvalidClient() throws Exception {
        Map<String, String> form = AuthFixture.tokenForm(client.assertion(ecClient, ec), "system/*.rs");
        form.put("client_assertion_type", "not_an_assertion_type");
        assertError(client.tokenRequest(form), 400, "invalid_client", "client_assertion_type");
    }

    @Test
    void malformedFormsAreInvalidRequests() throws Exception {
        String assertion = client.assertion(ecClient, ec);
        assertError(client.tokenRequestRaw("application/json", "{\"grant_type\":\"client_credentials\"}"), 400,
                "invalid_request", "x-www-form-urlencoded");
        assertError(client.tokenRequestRaw("application/x-www-form-urlencoded",
                "grant_type=client_credentials&grant_type=client_credentials&scope=system%2F*.rs"), 400,
                "invalid_request", "more than once");
        assertError(client.tokenRequestRaw("application/x-www-form-urlencoded", "grant_type=client_credentials&scope=%zz"),
                400, "invalid_request", "URL encoding");
        Map<String, String> form = AuthFixture.tokenForm(assertion, "system/*.rs");
        form.remove("client_assertion");
        assertError(client.tokenRequest(form), 400, "invalid_client", "client_assertion is required");
    }

    // ------------------------------------------------------------ scopes (S-92, S-93, S-96)

    @Test
    void v1ScopesAreGrantedInV1() throws Exception {
        HttpResponse<String> r = client.tokenRequest(client.assertion(ecClient, ec), "system/*.read");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(AuthFixture.json(r).path("scope").asText()).isEqualTo("system/*.read");
    }

    @Test
    void grantedScopeIsNarrowedToWhatTheClientIsAllowed() throws Exception {
        ECKey key = Keys.es384();
        String narrow = client.registerInline("system/Patient.rs system/Observation.read", key);
        HttpResponse<String> r = client.tokenRequest(client.assertion(narrow, key),
                "system/Patient.cruds system/Observation.rs system/Condition.rs patient/*.read");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(AuthFixture.json(r).path("scope").asText()).isEqualTo("system/Patient.rs system/Observation.rs");

        r = client.tokenRequest(client.assertion(narrow, key), "system/*.read");
        assertThat(AuthFixture.json(r).path("scope").asText()).isEqualTo("system/Patient.read system/Observation.read");

        assertError(client.tokenRequest(client.assertion(narrow, key), "system/Condition.rs"), 400, "invalid_scope",
                "not allowed");
    }

    @Test
    void writeOnlyOrNonSystemOrMissingScopesAreRefused() throws Exception {
        ECKey key = Keys.es384();
        String writer = client.registerInline("system/*.cruds", key);
        assertError(client.tokenRequest(client.assertion(writer, key), "system/*.write"), 400, "invalid_scope", "no read");
        assertError(client.tokenRequest(client.assertion(writer, key), "patient/*.read launch"), 400, "invalid_scope",
                "system/");
        assertError(client.tokenRequest(client.assertion(writer, key), ""), 400, "invalid_request", "scope is required");
        HttpResponse<String> r = client.tokenRequest(client.assertion(writer, key), "system/Patient.cruds");
        assertThat(AuthFixture.json(r).path("scope").asText()).isEqualTo("system/Patient.cruds");
    }

    // ------------------------------------------------------------ rate limit and audit (S-17)

    @Test
    void tooManyRequestsGet429WithRetryAfter() throws Exception {
        startServer(AuthConfig.smart(AuthFixture.ADMIN_TOKEN).withTokenRequestsPerMinute(3));
        int seen429 = 0;
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = client.tokenRequest(client.assertion(ecClient, ec), "system/*.rs");
            if (r.statusCode() == 429) {
                seen429++;
                assertThat(r.headers().firstValue("Retry-After").map(Long::parseLong).orElseThrow()).isPositive();
                assertThat(AuthFixture.json(r).path("error_description").asText()).contains("retry");
            }
        }
        assertThat(seen429).isEqualTo(2);
    }

    @Test
    void everyTokenIssuedOrRefusedIsAuditedWithoutTheToken() throws Exception {
        Logger audit = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        audit.addAppender(lines);
        try {
            HttpResponse<String> ok = client.tokenRequest(client.assertion(ecClient, ec), "system/*.rs");
            String token = AuthFixture.json(ok).path("access_token").asText();
            String assertion = client.assertion(ecClient, ec, h -> { }, c -> c.audience("https://elsewhere/token"));
            client.tokenRequest(assertion, "system/*.rs");
            List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("event=token.issued")
                    .contains("client_id=" + ecClient).contains("scope=system/*.rs"));
            assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("event=token.refused")
                    .contains("claimed_client_id=" + ecClient).contains("error=invalid_client").contains("aud"));
            assertThat(messages).noneSatisfy(m -> assertThat(m).contains(token));
            assertThat(messages).noneSatisfy(m -> assertThat(m).contains(assertion));
        } finally {
            audit.detachAppender(lines);
        }
    }

    @Test
    void smartConfigurationAdvertisesTheEndpointsAsJsonWhateverTheAccept() throws Exception { // S-82, S-83
        HttpResponse<String> r = client.http.send(java.net.http.HttpRequest.newBuilder(
                URI.create(client.base + "/.well-known/smart-configuration")).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode c = AuthFixture.json(r);
        assertThat(c.path("token_endpoint").asText()).isEqualTo(client.tokenUrl).startsWith("http://");
        assertThat(c.path("registration_endpoint").asText()).isEqualTo(client.root + "/auth/register");
        assertThat(c.path("grant_types_supported").toString()).contains("client_credentials");
        assertThat(c.path("token_endpoint_auth_methods_supported").toString()).contains("private_key_jwt");
        assertThat(c.path("token_endpoint_auth_signing_alg_values_supported").toString()).contains("RS384", "ES384");
        assertThat(c.path("capabilities").toString())
                .contains("client-confidential-asymmetric", "permission-v1", "permission-v2");
        assertThat(c.path("scopes_supported").toString()).contains("system/*.rs", "system/*.read");
    }
}
