package org.bulkfhir.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.JdbcResourceStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database side of authorization, run on SQLite and on PostgreSQL: the client registry, the
 * jti replay table, and two nodes sharing one database (any node verifies, no node accepts a
 * replay the other has seen).
 */
abstract class AuthStoreContract {
    @TempDir
    Path dir;
    Database db;

    protected abstract String jdbcUrl();

    protected void dropDatabase() {
    }

    @BeforeEach
    void open() {
        db = Database.open(jdbcUrl());
    }

    @AfterEach
    void close() {
        db.close();
        dropDatabase();
    }

    @Test
    void registryRegistersListsShowsAndDisables() { // S-84, S-85
        ClientRegistry registry = new ClientRegistry(db);
        RegisteredClient inline = registry.register("inline", null, Keys.publicJwks(Keys.es384()), "system/Patient.read");
        RegisteredClient byUrl = registry.register(null, "https://client.example/jwks.json", null, null);
        assertThat(registry.list()).extracting(RegisteredClient::clientId).containsExactlyInAnyOrder(inline.clientId(), byUrl.clientId());
        RegisteredClient shown = registry.find(inline.clientId()).orElseThrow();
        assertThat(shown.name()).isEqualTo("inline");
        assertThat(shown.jwks().getKeys()).hasSize(1);
        assertThat(shown.scopes()).isEqualTo("system/Patient.read");
        assertThat(shown.active()).isTrue();
        assertThat(registry.find(byUrl.clientId()).orElseThrow().scopes()).isEqualTo(ClientRegistry.DEFAULT_SCOPES);
        assertThat(registry.disable(inline.clientId())).isTrue();
        assertThat(registry.find(inline.clientId()).orElseThrow().active()).isFalse();
        assertThat(registry.disable("nobody")).isFalse();
        assertThatThrownBy(() -> registry.register(null, null, "{\"keys\":[{\"kty\":\"EC\"}]}", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kid");
        assertThatThrownBy(() -> registry.register(null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JWKS");
    }

    @Test
    void aJtiIsAcceptedOnceWhileRemembered() throws Exception { // S-88, §5.28
        ReplayGuard guard = new ReplayGuard(db);
        long later = System.currentTimeMillis() + 60_000;
        assertThat(guard.firstUse("a", "j1", later)).isTrue();
        assertThat(guard.firstUse("a", "j1", later)).isFalse();
        assertThat(guard.firstUse("b", "j1", later)).isTrue();
        // An expired entry no longer blocks (its assertion could not be accepted any more anyway).
        assertThat(guard.firstUse("a", "old", System.currentTimeMillis() - 1)).isTrue();
        assertThat(guard.firstUse("a", "old", later)).isTrue();
        assertThat(guard.firstUse("a", "old", later)).isFalse();

        // Racing uses of one jti: exactly one wins.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit((Callable<Boolean>) () -> guard.firstUse("race", "same", later)));
            }
            int wins = 0;
            for (Future<Boolean> f : results) {
                wins += f.get() ? 1 : 0;
            }
            assertThat(wins).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anyNodeSharingTheDatabaseVerifiesTokensAndRefusesReplays() throws Exception {
        // Both nodes sit behind one public address, so an assertion names the same aud on both.
        String publicBase = "https://bulk.example.org/fhir";
        AuthConfig auth = AuthConfig.smart(AuthFixture.ADMIN_TOKEN);
        try (JdbcResourceStore storeA = JdbcResourceStore.open(jdbcUrl0());
             JdbcResourceStore storeB = JdbcResourceStore.open(jdbcUrl0());
             BulkFhirServer a = BulkFhirServer.start(ServerConfig.defaults(dir).withPort(0).withPublicBaseUrl(publicBase)
                     .withAuth(auth), storeA);
             BulkFhirServer b = BulkFhirServer.start(ServerConfig.defaults(dir).withPort(0).withPublicBaseUrl(publicBase)
                     .withAuth(auth), storeB)) {
            HttpClient http = HttpClient.newHttpClient();
            String tokenUrl = "https://bulk.example.org/auth/token";
            AuthFixture nodeA = new AuthFixture("http://127.0.0.1:" + a.port() + "/fhir", tokenUrl, http);
            AuthFixture nodeB = new AuthFixture("http://127.0.0.1:" + b.port() + "/fhir", tokenUrl, http);
            ECKey key = Keys.es384();
            String clientId = nodeA.registerInline("system/*.cruds", key);

            String token = nodeA.accessToken(clientId, key, "system/*.cruds");
            String patient = "{\"resourceType\":\"Patient\",\"id\":\"shared\"}";
            assertThat(nodeB.fhir("PUT", "/Patient/shared", token, patient).statusCode()).isEqualTo(201);
            assertThat(nodeA.fhir("GET", "/Patient/shared", token, null).statusCode()).isEqualTo(200);

            String assertion = nodeA.assertion(clientId, key);
            assertThat(nodeA.tokenRequest(assertion, "system/*.rs").statusCode()).isEqualTo(200);
            HttpResponse<String> replay = nodeB.tokenRequest(assertion, "system/*.rs");
            TokenEndpointTest.assertError(replay, 400, "invalid_client", "already used");

            // A key rotated on node A: node B verifies tokens signed with the new key, and old tokens still pass.
            a.authorization().keys().rotate();
            String fresh = nodeA.accessToken(clientId, key, "system/*.rs");
            HttpResponse<String> viaB = nodeB.fhir("GET", "/Patient/shared", fresh, null);
            assertThat(viaB.statusCode()).as(viaB.body()).isEqualTo(200);
            assertThat(nodeB.fhir("GET", "/Patient/shared", token, null).statusCode()).isEqualTo(200);
        }
    }

    private String url;

    /** The same database URL for every open in one test (PostgreSQL makes a new database per jdbcUrl()). */
    private String jdbcUrl0() {
        if (url == null) {
            url = db.url();
        }
        return url;
    }
}
