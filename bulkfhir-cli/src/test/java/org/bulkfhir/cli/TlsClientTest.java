package org.bulkfhir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
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
 * C-1: the client speaks TLS 1.2+ only and verifies the server's identity, for the FHIR server,
 * the token endpoint and registration alike. Our server runs HTTPS with a certificate from a
 * private CA made for the test; {@code --ca-file} adds that CA to the JDK's trust anchors.
 */
class TlsClientTest {
    @TempDir
    Path home;

    /** Captures what a command prints on stderr; returns its exit code and stderr. */
    private record Result(int code, String stderr) {
        /** The "bulkfhir: …" lines: a failure must be exactly one, with no stack trace. */
        List<String> messages() {
            return stderr.lines().filter(l -> l.startsWith("bulkfhir: ")).toList();
        }
    }

    private static Result run(String... args) throws Exception {
        return capture(() -> Main.run(args));
    }

    private static Result capture(Callable<Integer> command) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = command.call();
            return new Result(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    private static void assertOneLineFailure(Result r, int code, String... contains) {
        assertThat(r.code()).as(r.stderr()).isEqualTo(code);
        assertThat(r.messages()).as(r.stderr()).hasSize(1);
        assertThat(r.messages().get(0)).contains(contains);
        assertThat(r.stderr()).doesNotContain("\tat ", "Exception");
    }

    @Test
    void exportAndRegisterOverHttpsTrustOnlyWithTheCaFile() throws Exception {
        TestPki pki = TestPki.create(home.resolve("pki"));
        try (ResourceStore store = JdbcResourceStore.open(Database.sqliteUrl(home.resolve("store")))) {
            ServerCommand.fill(store, home, 5, 42, List.of(), true);
            ServerConfig config = ServerConfig.defaults(home.resolve("server")).withPort(0)
                    .withTls(TlsConfig.pem(pki.serverPem(), pki.serverKey())).withAuth(AuthConfig.smart("admin-secret"));
            try (BulkFhirServer server = BulkFhirServer.start(config, store)) {
                String base = server.baseUrl();
                assertThat(base).startsWith("https://127.0.0.1:");
                Path keys = home.resolve("keys");
                assertThat(Main.run("keys", "--out", keys.toString())).isZero();
                String jwks = keys.resolve("public.jwks.json").toString();
                String ca = pki.caPem().toString();

                assertOneLineFailure(run("register", "--server", base, "--jwks", jwks, "--admin-token", "admin-secret"),
                        1, "certificate is not trusted", "--ca-file");
                String[] registered = ExportCommandTest.stdout(() -> Main.run("register", "--server", base, "--jwks", jwks,
                        "--admin-token", "admin-secret", "--ca-file", ca)).strip().split("\\R");
                String clientId = registered[registered.length - 1].strip();
                assertThat(clientId).matches("[A-Za-z0-9_-]{22}");

                String key = keys.resolve("private.jwks.json").toString();
                Path out = home.resolve("out");
                assertOneLineFailure(run("export", "--server", base, "--client-id", clientId, "--key", key,
                        "--type", "Patient", "--out", out.toString(), "--quiet"), 8,
                        "cannot connect securely to 127.0.0.1:" + server.port(), "certificate is not trusted", "--ca-file");
                assertThat(out).as("nothing written when the server cannot be trusted").doesNotExist();

                // Discovery, token and every FHIR and file request go over the verified connection.
                assertThat(Main.run("export", "--server", base, "--client-id", clientId, "--key", key, "--type", "Patient",
                        "--out", out.toString(), "--quiet", "--ca-file", ca)).isZero();
                try (Stream<String> lines = Files.lines(out.resolve("Patient.000.ndjson"))) {
                    assertThat(lines.count()).isEqualTo(5);
                }

                // The certificate names 127.0.0.1 only: trusting its CA does not make it good for another name.
                assertOneLineFailure(run("export", "--server", "https://localhost:" + server.port() + "/fhir",
                        "--client-id", clientId, "--key", key, "--out", home.resolve("other").toString(), "--quiet",
                        "--ca-file", ca), 8, "does not name localhost");
            }
        }
    }

    @Test
    void aMissingOrMalformedCaFileIsBadInput() throws Exception {
        Path out = home.resolve("never");
        String server = "https://127.0.0.1:1/fhir";
        assertOneLineFailure(run("export", "--server", server, "--out", out.toString(), "--ca-file",
                home.resolve("missing.pem").toString()), 2, "missing.pem does not exist");
        Path junk = home.resolve("junk.pem");
        Files.writeString(junk, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        assertOneLineFailure(run("export", "--server", server, "--out", out.toString(), "--ca-file", junk.toString()),
                2, "is not a PEM certificate file");
        Path empty = home.resolve("empty.pem");
        Files.writeString(empty, "");
        assertOneLineFailure(run("register", "--server", server, "--jwks-url", "https://client.example/jwks.json",
                "--ca-file", empty.toString()), 2, "is not a PEM certificate file");
        assertThat(out).doesNotExist();
    }

    /**
     * C-1's test as written: a server that speaks only TLS 1.1 → the client refuses. Java 17
     * disables TLS 1.1 for the whole JVM, so the stub, a control client and our client each run in
     * a child JVM whose security properties re-enable it: the refusal must come from our client's
     * own protocol list, not from the platform default.
     */
    @Test
    void aTls11OnlyServerIsRefused() throws Exception {
        TestPki pki = TestPki.create(home.resolve("pki"));
        Path security = home.resolve("tls11.security");
        // The JDK 17 default list without TLSv1 and TLSv1.1.
        Files.writeString(security, "jdk.tls.disabledAlgorithms=SSLv3, DTLSv1.0, RC4, DES, MD5withRSA, DH keySize < 1024,"
                + " EC keySize < 224, 3DES_EDE_CBC, anon, NULL, ECDH\n");
        List<String> allowTls11 = List.of("-Djava.security.properties=" + security);
        try (ChildJvm stub = ChildJvm.start(home.resolve("stub.log"), allowTls11, Tls11Stub.class.getName(),
                pki.serverP12().toString(), TestPki.PASSWORD)) {
            String port = Awaitility.await("the TLS 1.1 stub to listen").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> portOf(stub), p -> p != null);

            try (ChildJvm probe = ChildJvm.start(home.resolve("probe.log"), allowTls11, Tls11Probe.class.getName(), port,
                    pki.caPem().toString())) {
                assertThat(probe.await(60)).as(probe.output()).isZero();
                assertThat(probe.output()).as("the control client speaks TLS 1.1 with the stub")
                        .contains("PROBE NEGOTIATED TLSv1.1");
            }

            try (ChildJvm client = ChildJvm.start(home.resolve("client.log"), allowTls11, Main.class.getName(), "export",
                    "--server", "https://127.0.0.1:" + port + "/fhir", "--ca-file", pki.caPem().toString(),
                    "--out", home.resolve("out").toString(), "--quiet")) {
                assertThat(client.await(60)).as(client.output()).isEqualTo(8);
                assertThat(client.output()).contains("bulkfhir: cannot connect securely to 127.0.0.1:" + port,
                        "does not offer TLS 1.2 or 1.3");
            }
            assertThat(stub.output()).as("the client never completed a handshake").containsOnlyOnce("NEGOTIATED TLSv1.1")
                    .contains("HANDSHAKE FAILED");
        }
    }

    private static String portOf(ChildJvm stub) {
        if (!stub.process.isAlive()) {
            throw new AssertionError("the stub exited:\n" + stub.output());
        }
        return Arrays.stream(stub.output().split("\\R")).filter(l -> l.startsWith("PORT ")).map(l -> l.substring(5))
                .findFirst().orElse(null);
    }
}
