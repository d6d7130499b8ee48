package org.bulkfhir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Stream;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `bulkfhir keys` and `bulkfhir export`, the client against our own server over real HTTP. */
class ExportCommandTest {
    @TempDir
    static Path home;
    static ResourceStore store;
    static BulkFhirServer server;
    static String base;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        store = JdbcResourceStore.open(Database.sqliteUrl(home));
        ServerCommand.fill(store, home, 20, 42, List.of(), true);
        server = BulkFhirServer.start(ServerConfig.defaults(home).withPort(0), store);
        base = server.baseUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        store.close();
    }

    static String stdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void keysWritesAPrivateAndAPublicJwks() throws Exception {
        assertThat(Main.run("keys", "--out", tmp.toString(), "--alg", "RS384")).isZero();
        assertThat(Files.getPosixFilePermissions(tmp.resolve("private.jwks.json")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(tmp.resolve("public.jwks.json"))).contains("\"kid\"", "\"RS384\"", "\"sig\"")
                .doesNotContain("\"d\"");
        assertThat(Main.run("keys", "--out", tmp.toString())).isNotZero(); // never overwrites a private key
        assertThat(Main.run("keys", "--out", tmp.resolve("x").toString(), "--alg", "HS256")).isEqualTo(2);
    }

    @Test
    void exportsFromOurServerThenUpdatesIncrementally() throws Exception {
        Path out = tmp.resolve("export");
        int[] code = new int[1];
        String json = stdout(() -> code[0] = Main.run("export", "--server", base, "--type", "Patient,Observation",
                "--out", out.toString(), "--parallel", "2", "--json"));
        assertThat(code[0]).isZero();
        JsonNode summary = Json.MAPPER.readTree(json);
        assertThat(summary.path("types").path("Patient").path("resources").asLong()).isEqualTo(20);
        assertThat(summary.path("types").path("Observation").path("resources").asLong()).isPositive();
        assertThat(out.resolve("Patient.000.ndjson")).exists();
        assertThat(out.resolve("manifest.json")).exists();
        assertThat(out.resolve(".bulkfhir-state.json")).doesNotExist();
        long lines;
        try (Stream<String> s = Files.lines(out.resolve("Patient.000.ndjson"))) {
            lines = s.count();
        }
        assertThat(lines).isEqualTo(20);

        assertThat(Main.run("export", "--server", base, "--type", "Patient", "--since", "auto", "--out", out.toString(),
                "--quiet")).isZero();
        assertThat(Main.run("export", "--server", base, "--out", out.toString(), "--quiet"))
                .as("refuses to mix a full export into an existing one").isEqualTo(2);
    }

    @Test
    void badInputFailsWithOneMessageAndWritesNothing() throws Exception {
        Path out = tmp.resolve("never");
        assertThat(Main.run("export", "--server", base, "--since", "2024-01-01", "--out", out.toString())).isEqualTo(2);
        assertThat(Main.run("export", "--server", base, "--level", "everything", "--out", out.toString())).isEqualTo(2);
        assertThat(Main.run("export", "--server", base, "--type-filter", "Observation?_sort=date", "--out", out.toString())).isEqualTo(2);
        assertThat(Main.run("export", "--server", base, "--client-id", "c", "--key", tmp.resolve("nokey.json").toString(),
                "--out", out.toString())).isEqualTo(2);
        assertThat(Main.run("export", "--out", out.toString())).isEqualTo(2);
        assertThat(Main.run("export", "--resume", "--out", out.toString())).isEqualTo(2);
        assertThat(Main.run("export", "--server", base + "/not-fhir", "--out", out.toString(), "--quiet")).isEqualTo(4);
        assertThat(out).doesNotExist();
    }
}
