package org.bulkfhir.client.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.ClientConfig;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.http.Pacing;
import org.bulkfhir.client.stub.BulkStub;
import org.bulkfhir.client.stub.RecordingPauser;
import org.bulkfhir.client.stub.TokenStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client side of SMART Backend Services against a token stub that verifies real signatures. */
class SmartAuthTest {
    @TempDir
    Path dir;
    BulkStub server;
    TokenStub tokens;
    final RecordingPauser pauser = new RecordingPauser();

    TokenClient setUp(String alg) throws Exception {
        KeyMaker.KeyPairJwks keys = KeyMaker.writeTo(dir, alg);
        server = new BulkStub();
        tokens = new TokenStub(server.http, "client-1", keys.publicJwks());
        ClientConfig cfg = new ClientConfig();
        cfg.server = server.base;
        cfg.clientId = "client-1";
        cfg.keyFile = dir.resolve("private.jwks.json");
        cfg.pacing = pauser.pacing();
        Http http = cfg.http();
        return (TokenClient) cfg.authorizer(http, List.of(), false);
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    /** C-4, C-5 (relative token_endpoint resolved, Accept), C-6, C-7, C-8, C-9 (v2 scopes when advertised), C-10. */
    @ParameterizedTest
    @ValueSource(strings = {"ES384", "RS384"})
    void obtainsATokenWithAVerifiedAssertion(String alg) throws Exception {
        TokenClient client = setUp(alg);
        String token = client.bearerToken();

        assertThat(tokens.failures).isEmpty();
        assertThat(tokens.isValid("Bearer " + token)).isTrue();
        var discovery = server.http.requests("GET", "/fhir/.well-known/smart-configuration").get(0);
        assertThat(discovery.header("Accept")).isEqualTo("application/json");
        assertThat(server.http.requests("POST", "/auth/token")).hasSize(1); // "../auth/token" resolved against the base

        var form = tokens.forms.get(0);
        assertThat(form).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                .containsEntry("scope", "system/*.rs")
                .containsKey("client_assertion");
        SignedJWT jwt = tokens.assertions.get(0);
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo(alg);
        assertThat(jwt.getHeader().getKeyID()).isNotBlank();
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("JWT");
        JWTClaimsSet c = jwt.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo("client-1");
        assertThat(c.getSubject()).isEqualTo("client-1");
        assertThat(c.getAudience()).containsExactly(tokens.tokenUrl());
        long now = System.currentTimeMillis() / 1000;
        assertThat(c.getExpirationTime().getTime() / 1000 - now).isBetween(1L, 300L);
        assertThat(jwt.getPayload().toJSONObject().get("exp")).isInstanceOf(Number.class);
        assertThat(server.http.requests("POST", "/auth/token").get(0).header("Content-Type"))
                .startsWith("application/x-www-form-urlencoded");
    }

    /** C-7 (fresh jti), C-10 (Bearer, 3600), C-11 (cached, renewed before expiry and after a 401). */
    @Test
    void cachesRenewsBeforeExpiryAndAfterRejection() throws Exception {
        TokenClient client = setUp("ES384");
        String first = client.bearerToken();
        assertThat(client.bearerToken()).isEqualTo(first); // "Bearer" with expires_in 3600: cached
        assertThat(tokens.forms).hasSize(1);

        client.rejected(first); // a 401 somewhere
        String second = client.bearerToken();
        assertThat(second).isNotEqualTo(first);
        assertThat(tokens.assertions.get(0).getJWTClaimsSet().getJWTID())
                .isNotEqualTo(tokens.assertions.get(1).getJWTClaimsSet().getJWTID());

        // Short-lived tokens: renewed once inside the last quarter of their life, before they lapse.
        tokens.expiresIn = 8;
        AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
        Clock moving = new Clock() {
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId z) {
                return this;
            }

            public Instant instant() {
                return now.get();
            }
        };
        Pacing p = pauser.pacing().withClock(moving);
        TokenClient timed = new TokenClient(new ClientConfig().http(), URI.create(tokens.tokenUrl()), "client-1",
                ClientKey.load(dir.resolve("private.jwks.json"), null), "system/*.rs", p);
        String a = timed.bearerToken();
        now.set(now.get().plusSeconds(3));
        assertThat(timed.bearerToken()).isEqualTo(a);
        now.set(now.get().plusSeconds(4)); // 7 s of 8: inside the renewal margin
        assertThat(timed.bearerToken()).isNotEqualTo(a);
        assertThat(tokens.failures).isEmpty();
    }

    /** C-43: invalid_client and invalid_scope explained, and not retried in a loop. */
    @Test
    void credentialErrorsAreExplainedWithoutRetrying() throws Exception {
        TokenClient client = setUp("ES384");
        tokens.forceError = "invalid_client";
        assertThatThrownBy(client::bearerToken).isInstanceOf(BulkDataException.class)
                .hasMessageContaining("invalid_client").hasMessageContaining("clock")
                .hasMessageContaining("kid").hasMessageContaining(tokens.tokenUrl())
                .satisfies(e -> assertThat(((BulkDataException) e).kind()).isEqualTo(BulkDataException.Kind.AUTHORIZATION));
        assertThat(tokens.forms).hasSize(1);

        tokens.forceError = null;
        tokens.allowedScopes = Set.of("system/Patient.rs");
        assertThatThrownBy(client::bearerToken).hasMessageContaining("invalid_scope").hasMessageContaining("--scope");
        assertThat(tokens.forms).hasSize(2);
        assertThat(pauser.delays).isEmpty();
    }

    /** C-5: a server without SMART discovery gets a message naming the way out. */
    @Test
    void missingDiscoveryIsExplained() throws Exception {
        KeyMaker.writeTo(dir, "ES384");
        try (BulkStub open = new BulkStub()) {
            ClientConfig cfg = new ClientConfig();
            cfg.server = open.base;
            cfg.clientId = "c";
            cfg.keyFile = dir.resolve("private.jwks.json");
            assertThatThrownBy(() -> cfg.authorizer(cfg.http(), List.of(), false))
                    .hasMessageContaining("smart-configuration").hasMessageContaining("--token-url");
        }
    }

    @Test
    void scopesAreNarrowedToTheExport() {
        assertThat(Scopes.forExport(List.of("Patient", "Observation"), true, true))
                .isEqualTo("system/Patient.rs system/Observation.rs system/Group.rs");
        assertThat(Scopes.forExport(List.of(), false, false)).isEqualTo("system/*.read");
        assertThat(Duration.ofSeconds(ClientAssertion.LIFETIME.toSeconds())).isLessThanOrEqualTo(Duration.ofMinutes(5));
    }
}
