package org.bulkfhir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.server.auth.AuthConfig;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulkfhir register} against a running server, then {@code bulkfhir clients} on its database. */
class RegisterAndClientsCommandTest {
    @TempDir
    Path dir;

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\\R");
        return lines[lines.length - 1];
    }

    @Test
    void registerPrintsTheClientIdLastAndClientsManagesIt() throws Exception {
        String db = Database.sqliteUrl(dir);
        ECKey key = new ECKeyGenerator(Curve.P_384).keyID("k1").generate();
        Path jwks = dir.resolve("public.jwks.json");
        Files.writeString(jwks, new JWKSet(key).toPublicJWKSet().toString());
        try (ResourceStore store = JdbcResourceStore.open(db);
             BulkFhirServer server = BulkFhirServer.start(ServerConfig.defaults(dir).withPort(0)
                     .withAuth(AuthConfig.smart("the-admin-token")), store)) {
            String out = run("register", "--server", server.baseUrl(), "--jwks", jwks.toString(), "--scope", "system/*.read",
                    "--name", "cli test", "--admin-token", "the-admin-token");
            String clientId = lastLine(out);
            assertThat(clientId).matches("[A-Za-z0-9_-]{22}");
            assertThat(server.authorization().clients().find(clientId).orElseThrow().scopes()).isEqualTo("system/*.read");

            assertThat(run("clients", "list", "--db", db)).contains(clientId, "active", "cli test");
            assertThat(run("clients", "show", clientId, "--db", db)).contains("\"kid\":\"k1\"");
            assertThat(run("clients", "disable", clientId, "--db", db)).contains("Disabled " + clientId);
            assertThat(server.authorization().clients().find(clientId).orElseThrow().active()).isFalse();
        }
    }

    @Test
    void registerWithoutTheAdminTokenFails() throws Exception {
        String db = Database.sqliteUrl(dir);
        Path jwks = dir.resolve("public.jwks.json");
        Files.writeString(jwks, new JWKSet(new ECKeyGenerator(Curve.P_384).keyID("k").generate()).toPublicJWKSet().toString());
        try (ResourceStore store = JdbcResourceStore.open(db);
             BulkFhirServer server = BulkFhirServer.start(ServerConfig.defaults(dir).withPort(0)
                     .withAuth(AuthConfig.smart("the-admin-token")), store)) {
            assertThat(Main.run("register", "--server", server.baseUrl(), "--jwks", jwks.toString())).isEqualTo(1);
        }
    }
}
