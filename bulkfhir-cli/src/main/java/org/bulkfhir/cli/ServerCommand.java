package org.bulkfhir.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.server.auth.AuthConfig;
import org.bulkfhir.server.auth.AuthMode;
import org.bulkfhir.server.tls.TlsConfig;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Runs the Data Provider: the FHIR REST API and Bulk Data $export under http://HOST:PORT/fhir.",
                "Stops cleanly on Ctrl-C."})
final class ServerCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port to bind, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "Externally visible FHIR base (behind a proxy), e.g. https://fhir.example.org/fhir.")
    String baseUrl;

    @Option(names = "--generate", paramLabel = "N",
            description = "When the store is empty, generate N synthetic patients and load them before serving.")
    Integer generate;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for --generate (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--load", paramLabel = "PATH", arity = "1..*",
            description = "Files or folders to load before serving (NDJSON, Bundles, Synthea output).")
    List<Path> load;

    @Option(names = "--auth", paramLabel = "open|smart", defaultValue = "smart",
            description = "smart: SMART Backend Services tokens required (default); open: no authorization.")
    String auth;

    @Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "Operator token for POST /auth/register (env BULKFHIR_ADMIN_TOKEN). With --auth smart and"
                    + " none given, one is generated and printed once.")
    String adminToken;

    @Option(names = "--open-registration",
            description = "Let anyone register a client at /auth/register without the admin token (connectathon style).")
    boolean openRegistration;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this PEM certificate (chain).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The PEM private key of --tls-cert (PKCS#8 or PKCS#1/SEC1).")
    Path tlsKey;

    @Option(names = "--tls-keystore", paramLabel = "P12", description = "Serve HTTPS with this PKCS#12 keystore instead.")
    Path tlsKeystore;

    @Option(names = "--tls-password", paramLabel = "PASSWORD",
            description = "Password of the keystore or of an encrypted PEM key (env BULKFHIR_TLS_PASSWORD).")
    String tlsPassword;

    @Override
    public Integer call() throws Exception {
        AuthMode mode;
        try {
            mode = AuthMode.parse(auth);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        String admin = adminToken != null ? adminToken : System.getenv("BULKFHIR_ADMIN_TOKEN");
        boolean generatedAdmin = false;
        if (mode == AuthMode.SMART && (admin == null || admin.isBlank()) && !openRegistration) {
            admin = AdminTokens.generate();
            generatedAdmin = true;
        }
        AuthConfig authConfig = (mode == AuthMode.SMART ? AuthConfig.smart(admin)
                : new AuthConfig(AuthMode.OPEN, admin, false, AuthConfig.MAX_TOKEN_LIFETIME_SECONDS, 120))
                .withOpenRegistration(openRegistration);
        ServerConfig config = ServerConfig.defaults(store.dataDir).withHost(host).withPort(port).withPublicBaseUrl(baseUrl)
                .withAuth(authConfig).withTls(tls());
        try (ResourceStore resourceStore = JdbcResourceStore.open(store.jdbcUrl())) {
            fill(resourceStore, store.dataDir, generate, seed, load, false);
            try (BulkFhirServer server = BulkFhirServer.start(config, resourceStore)) {
                System.out.println("FHIR base: " + server.baseUrl());
                System.out.println("Authorization: " + mode.name().toLowerCase() + "; token endpoint " + server.tokenUrl()
                        + (openRegistration ? "; open registration" : ""));
                if (generatedAdmin) {
                    System.out.println("Admin token (shown once; pass --admin-token or BULKFHIR_ADMIN_TOKEN to choose your own): "
                            + admin);
                    System.out.println("Register a client: bulkfhir register --server " + server.baseUrl()
                            + " --jwks public.jwks.json --admin-token " + admin);
                }
                System.out.println("Try: curl " + server.baseUrl() + "/metadata   (Ctrl-C stops the server)");
                ShutdownSignal.await();
            }
        } finally {
            ShutdownSignal.closed();
        }
        return 0;
    }

    private TlsConfig tls() {
        if (tlsCert == null && tlsKey == null && tlsKeystore == null) {
            return null;
        }
        String password = tlsPassword != null ? tlsPassword : System.getenv("BULKFHIR_TLS_PASSWORD");
        try {
            return new TlsConfig(tlsCert, tlsKey, tlsKeystore, password);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /** {@code --generate} (only into an empty store) and {@code --load}, before the server starts. */
    static void fill(ResourceStore store, Path dataDir, Integer generate, long seed, List<Path> load, boolean quiet)
            throws Exception {
        if (generate != null) {
            if (!store.countByType().isEmpty()) {
                System.out.println("The store already holds data; --generate " + generate + " skipped.");
            } else {
                Path out = dataDir.resolve("generated-" + generate + "-seed-" + seed);
                Files.createDirectories(out);
                System.out.println("Generating " + generate + " patients into " + out + " …");
                GenerateCommand.generate(generate, seed, out);
                LoadCommand.load(store, List.of(out), Runtime.getRuntime().availableProcessors(), quiet, System.out);
            }
        }
        if (load != null && !load.isEmpty()) {
            LoadCommand.load(store, load, Runtime.getRuntime().availableProcessors(), quiet, System.out);
        }
    }
}
