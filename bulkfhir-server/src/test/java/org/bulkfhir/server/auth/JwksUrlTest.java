package org.bulkfhir.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
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
 * Clients registered by JWKS URL, served by a test HTTP server: keys fetched on demand, cached
 * per Cache-Control and never longer (S-84, S-89, S-90), rotation, jku and duplicate kids.
 */
class JwksUrlTest {
    @TempDir
    Path dir;
    ResourceStore store;
    BulkFhirServer server;
    AuthFixture client;
    JwksServer jwks;

    @BeforeEach
    void start() throws Exception {
        store = JdbcResourceStore.open(TestDatabases.sqlite(dir));
        server = BulkFhirServer.start(ServerConfig.defaults(dir).withPort(0).withAuth(AuthConfig.smart(AuthFixture.ADMIN_TOKEN)), store);
        client = new AuthFixture(server);
        jwks = new JwksServer();
    }

    @AfterEach
    void stop() throws Exception {
        jwks.close();
        server.close();
        store.close();
    }

    @Test
    void keysFromTheUrlAreCachedForMaxAge() throws Exception { // S-84, S-90
        ECKey key = Keys.es384();
        jwks.serve(Keys.publicJwks(key), "max-age=3600");
        String id = client.registerUrl("system/*.rs", jwks.url());
        for (int i = 0; i < 3; i++) {
            assertThat(client.tokenRequest(client.assertion(id, key), "system/*.rs").statusCode()).isEqualTo(200);
        }
        assertThat(jwks.fetches.get()).isEqualTo(1);
    }

    @Test
    void noStoreMeansFetchingEveryTime() throws Exception { // S-90
        RSAKey key = Keys.rs384();
        jwks.serve(Keys.publicJwks(key), "no-store");
        String id = client.registerUrl(null, jwks.url());
        client.accessToken(id, key, "system/*.rs");
        client.accessToken(id, key, "system/*.rs");
        assertThat(jwks.fetches.get()).isEqualTo(2);
    }

    @Test
    void theCacheIsNotKeptPastMaxAge() throws Exception { // S-90
        ECKey key = Keys.es384();
        jwks.serve(Keys.publicJwks(key), "max-age=1");
        String id = client.registerUrl(null, jwks.url());
        client.accessToken(id, key, "system/*.rs");
        assertThat(jwks.fetches.get()).isEqualTo(1);
        // Once max-age has passed, the same known kid makes the server fetch again.
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
            client.accessToken(id, key, "system/*.rs");
            return jwks.fetches.get() >= 2;
        });
    }

    @Test
    void aRotatedKeyIsPickedUp() throws Exception { // S-90 (client rotates its key)
        ECKey old = Keys.es384();
        jwks.serve(Keys.publicJwks(old), "max-age=1");
        String id = client.registerUrl(null, jwks.url());
        client.accessToken(id, old, "system/*.rs");

        ECKey fresh = Keys.es384();
        jwks.serve(Keys.publicJwks(fresh), "max-age=1");
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() ->
                client.tokenRequest(client.assertion(id, fresh), "system/*.rs").statusCode() == 200);
        // And the retired key stops working once the cached copy has aged out.
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() ->
                client.tokenRequest(client.assertion(id, old), "system/*.rs").statusCode() == 400);
    }

    @Test
    void jkuEqualToTheRegisteredUrlIsAcceptedAndAnyOtherRefused() throws Exception { // S-89
        ECKey key = Keys.es384();
        jwks.serve(Keys.publicJwks(key), "max-age=60");
        String id = client.registerUrl(null, jwks.url());
        assertThat(client.tokenRequest(client.assertion(id, key, h -> h.jwkURL(URI.create(jwks.url())), c -> { }),
                "system/*.rs").statusCode()).isEqualTo(200);
        HttpResponse<String> r = client.tokenRequest(client.assertion(id, key,
                h -> h.jwkURL(URI.create(jwks.url() + "?other")), c -> { }), "system/*.rs");
        TokenEndpointTest.assertError(r, 400, "invalid_client", "jku");
    }

    @Test
    void duplicateKidInTheJwksIsRefused() throws Exception { // S-89 (SL2: exactly one match), §5.31
        ECKey a = Keys.es384("same");
        ECKey b = Keys.es384("same");
        jwks.serve(Keys.publicJwks(a, b), "max-age=60");
        String id = client.registerUrl(null, jwks.url());
        TokenEndpointTest.assertError(client.tokenRequest(client.assertion(id, a), "system/*.rs"), 400, "invalid_client",
                "unique");
    }

    @Test
    void anUnreachableJwksUrlIsAnInvalidClient() throws Exception {
        ECKey key = Keys.es384();
        String id = client.registerUrl(null, jwks.url().replace("/jwks.json", "/missing.json"));
        TokenEndpointTest.assertError(client.tokenRequest(client.assertion(id, key), "system/*.rs"), 400, "invalid_client",
                "404");
    }

    @Test
    void cacheControlParsing() {
        assertThat(JwksCache.ttl(java.util.List.of("public, max-age=60"))).isEqualTo(Duration.ofSeconds(60));
        assertThat(JwksCache.ttl(java.util.List.of("max-age=0"))).isZero();
        assertThat(JwksCache.ttl(java.util.List.of("no-cache"))).isZero();
        assertThat(JwksCache.ttl(java.util.List.of("s-maxage=60"))).isEqualTo(JwksCache.DEFAULT_TTL);
        assertThat(JwksCache.ttl(java.util.List.of("max-age=999999"))).isEqualTo(JwksCache.MAX_TTL);
        assertThat(JwksCache.ttl(java.util.List.of())).isEqualTo(JwksCache.DEFAULT_TTL);
    }
}
