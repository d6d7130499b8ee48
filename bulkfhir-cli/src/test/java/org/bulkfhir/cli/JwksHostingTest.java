package org.bulkfhir.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.auth.Authorizer;
import org.bulkfhir.client.auth.ClientKey;
import org.bulkfhir.client.auth.KeyMaker;
import org.bulkfhir.client.auth.TokenClient;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.http.Pacing;
import org.bulkfhir.client.http.TrustAnchors;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.server.auth.AuthConfig;
import org.bulkfhir.server.tls.TlsConfig;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C-3: the client hosts its JWKS URL ({@code bulkfhir keys serve}) anonymously, with
 * {@code Cache-Control}, never exposing private key material; and rotates keys
 * ({@code bulkfhir keys --rotate}, {@code --retire}) so that a server fetching the JWKS URL
 * accepts the successor once its cache refreshes, and stops accepting the retired key.
 */
class JwksHostingTest {
    private static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path home;

    private HttpResponse<String> send(String method, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String root(JwksServer s) {
        return s.url().substring(0, s.url().indexOf("/.well-known"));
    }

    @Test
    void servesThePublicJwksAnonymouslyWithCacheControl() throws Exception {
        Path keys = home.resolve("keys");
        assertThat(Main.run("keys", "--out", keys.toString(), "--alg", "RS384")).isZero();
        assertThat(Main.run("keys", "--out", keys.toString(), "--rotate")).isZero();
        try (JwksServer server = JwksServer.start(keys, "127.0.0.1", 0, Duration.ofSeconds(120), null)) {
            for (String path : JwksServer.PATHS) {
                HttpResponse<String> r = send("GET", root(server) + path);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
                assertThat(r.headers().firstValue("Cache-Control")).hasValue("public, max-age=120");
                JsonNode jwks = Json.MAPPER.readTree(r.body());
                assertThat(jwks.path("keys")).hasSize(2);
                for (JsonNode key : jwks.path("keys")) {
                    assertThat(key.path("kid").asText()).isNotBlank();
                    PRIVATE_MEMBERS.forEach(m -> assertThat(key.has(m)).as("private member %s served", m).isFalse());
                }
            }
            assertThat(send("HEAD", server.url()).statusCode()).isEqualTo(200);
            HttpResponse<String> privateFile = send("GET", root(server) + "/" + KeyMaker.PRIVATE_FILE);
            assertThat(privateFile.statusCode()).isEqualTo(404);
            assertThat(privateFile.body()).doesNotContain("\"d\"");
            assertThat(send("POST", server.url()).statusCode()).isEqualTo(405);
            assertThat(server.served()).isEqualTo(3);
        }
    }

    @Test
    void servesOverHttpsWithTheServersTlsOptions() throws Exception {
        TestPki pki = TestPki.create(home.resolve("pki"));
        Path keys = home.resolve("keys");
        KeyMaker.writeTo(keys, "ES384");
        try (JwksServer server = JwksServer.start(keys, "127.0.0.1", 0, Duration.ofSeconds(60),
                TlsConfig.pem(pki.serverPem(), pki.serverKey()))) {
            assertThat(server.url()).startsWith("https://127.0.0.1:");
            HttpClient trusting = Http.newClient(TrustAnchors.withCaFile(pki.caPem()));
            HttpResponse<String> r = trusting.send(HttpRequest.newBuilder(URI.create(server.url())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(r.body()).path("keys")).hasSize(1);
        }
    }

    @Test
    void badKeyFoldersAreRefusedWithOneLine() throws Exception {
        Path empty = Files.createDirectories(home.resolve("empty"));
        assertThatThrownBy(() -> JwksServer.start(empty, "127.0.0.1", 0, Duration.ofSeconds(1), null))
                .isInstanceOf(BulkDataException.class).hasMessageContaining("holds no public.jwks.json");
        Path leaked = Files.createDirectories(home.resolve("leaked"));
        KeyMaker.KeyPairJwks pair = KeyMaker.generate("ES384");
        Files.writeString(leaked.resolve(KeyMaker.PUBLIC_FILE), pair.privateJwks().toString(false));
        assertThatThrownBy(() -> JwksServer.start(leaked, "127.0.0.1", 0, Duration.ofSeconds(1), null))
                .hasMessageContaining("holds private key material");
        Files.writeString(leaked.resolve(KeyMaker.PUBLIC_FILE), "not json");
        assertThatThrownBy(() -> JwksServer.start(leaked, "127.0.0.1", 0, Duration.ofSeconds(1), null))
                .hasMessageContaining("is not a JWKS");

        assertThat(Main.run("keys", "serve", "--keys", empty.toString(), "--port", "0")).isEqualTo(2);
        assertThat(Main.run("keys", "--out", empty.toString(), "--rotate")).isEqualTo(2);
        assertThat(Main.run("keys", "--out", empty.toString(), "--retire", "x")).isEqualTo(2);
        assertThat(Main.run("keys", "--rotate")).as("--out missing").isEqualTo(2);
    }

    /** The command itself, in a JVM of its own: prints the URL, serves it, and stops on a signal (as on Ctrl-C). */
    @Test
    void keysServeRunsUntilSignalled() throws Exception {
        Path keys = home.resolve("keys");
        KeyMaker.writeTo(keys, "ES384");
        try (ChildJvm child = ChildJvm.start(home.resolve("serve.log"), List.of(), Main.class.getName(), "keys", "serve",
                "--keys", keys.toString(), "--port", "0", "--max-age", "30")) {
            String url = Awaitility.await("the JWKS URL line").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50)).until(() -> {
                        if (!child.process.isAlive()) {
                            throw new AssertionError("keys serve exited:\n" + child.output());
                        }
                        return child.output().lines().filter(l -> l.startsWith("JWKS URL: ")).map(l -> l.substring(10))
                                .findFirst().orElse(null);
                    }, u -> u != null);
            HttpResponse<String> r = send("GET", url);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("public, max-age=30");
            child.process.destroy(); // SIGTERM: the same shutdown path as Ctrl-C
            assertThat(child.process.waitFor(15, TimeUnit.SECONDS)).as(child.output()).isTrue();
        }
    }

    /** End to end: register jwks_uri, get a token, rotate, retire; the server follows the JWKS URL's Cache-Control. */
    @Test
    void theServerAcceptsTheSuccessorAfterItsCacheRefreshes() throws Exception {
        Path keys = home.resolve("keys");
        assertThat(Main.run("keys", "--out", keys.toString())).isZero();
        Path privateJwks = keys.resolve(KeyMaker.PRIVATE_FILE);
        String current = ClientKey.load(privateJwks, null).kid();
        Path retired = home.resolve("retired.jwks.json");
        Files.copy(privateJwks, retired); // to sign with the old key after it is retired
        try (ResourceStore store = JdbcResourceStore.open(Database.sqliteUrl(home.resolve("store")));
             BulkFhirServer server = BulkFhirServer.start(ServerConfig.defaults(home.resolve("server")).withPort(0)
                     .withAuth(AuthConfig.smart("admin-secret")), store);
             JwksServer jwks = JwksServer.start(keys, "127.0.0.1", 0, Duration.ofSeconds(1), null)) {
            String[] out = ExportCommandTest.stdout(() -> Main.run("register", "--server", server.baseUrl(),
                    "--jwks-url", jwks.url(), "--admin-token", "admin-secret")).strip().split("\\R");
            String clientId = out[out.length - 1].strip();
            assertThat(server.authorization().clients().find(clientId).orElseThrow().jwksUrl()).isEqualTo(jwks.url());

            assertThat(token(server, clientId, privateJwks)).isNotBlank();
            assertThat(jwks.served()).as("the server fetched the JWKS URL").isPositive();

            assertThat(Main.run("keys", "--out", keys.toString(), "--rotate")).isZero();
            assertThat(Main.run("keys", "--out", keys.toString(), "--retire", current)).isZero();
            String successor = ClientKey.load(privateJwks, null).kid();
            assertThat(successor).isNotEqualTo(current);
            long servedBefore = jwks.served();

            Awaitility.await("the successor's assertion accepted").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(300)).ignoreException(BulkDataException.class)
                    .until(() -> token(server, clientId, privateJwks) != null);
            assertThat(jwks.served()).as("accepted only after the server fetched the JWKS again").isGreaterThan(servedBefore);

            // The retired key: refused once the server's copy (max-age 1 s) has been replaced.
            Awaitility.await("the retired key refused").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300))
                    .until(() -> refused(server, clientId, retired));
        }
    }

    private static String token(BulkFhirServer server, String clientId, Path keyFile) throws Exception {
        Http http = new Http(Http.newClient(null), Authorizer.NONE, Duration.ofSeconds(10));
        return new TokenClient(http, URI.create(server.tokenUrl()), clientId, ClientKey.load(keyFile, null), "system/*.rs",
                Pacing.defaults()).bearerToken();
    }

    private static boolean refused(BulkFhirServer server, String clientId, Path keyFile) throws Exception {
        try {
            token(server, clientId, keyFile);
            return false;
        } catch (BulkDataException e) {
            return e.getMessage().contains("invalid_client");
        }
    }

}
