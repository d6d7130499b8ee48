package org.bulkfhir.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.server.auth.AuthConfig;
import org.bulkfhir.server.auth.AuthMode;
import org.bulkfhir.server.export.ExportConfig;
import org.bulkfhir.server.export.output.S3Settings;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Runs the Data Provider: the FHIR REST API and Bulk Data $export.",
                "It serves http://HOST:PORT/fhir and stops cleanly on Ctrl-C."})
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

    @Mixin
    TlsOptions tls;

    @Option(names = "--files", paramLabel = "DIR|s3://BUCKET[/PREFIX]",
            description = "Where export files go: a directory (default: DATA-DIR/export-files; shared storage when several"
                    + " nodes serve one database) or an S3-compatible bucket.")
    String files;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "S3 API endpoint of an S3-compatible store (MinIO, Ceph, ...); path-style addressing. Omit for AWS.")
    URI s3Endpoint;

    @Option(names = "--s3-public-endpoint", paramLabel = "URL",
            description = "Endpoint that pre-signed URLs name, when clients reach the store at another address than the nodes.")
    URI s3PublicEndpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "Signing region (default: us-east-1).")
    String s3Region;

    @Option(names = "--s3-access-key", paramLabel = "KEY",
            description = "Access key id; by default the SDK's chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, role.")
    String s3AccessKey;

    @Option(names = "--s3-secret-key", paramLabel = "SECRET", description = "Secret key of --s3-access-key.")
    String s3SecretKey;

    @Option(names = "--files-via-server",
            description = "With s3://: manifests link the server's /files URLs (token required, streamed from the bucket)"
                    + " instead of pre-signed URLs (requiresAccessToken: false).")
    boolean filesViaServer;

    @Option(names = "--file-url-seconds", paramLabel = "N", defaultValue = "3600",
            description = "Lifetime of pre-signed file URLs; a manifest fetched again has fresh ones (default: ${DEFAULT-VALUE}).")
    long fileUrlSeconds;

    @Option(names = "--export-workers", paramLabel = "N",
            description = "Export worker threads on this node (default: the number of cores, at most 4; 0: API only).")
    Integer workers;

    @Option(names = "--export-lease", paramLabel = "SECONDS",
            description = "How long a claimed task stays with a node that stops renewing it (default: 60).")
    Integer leaseSeconds;

    @Option(names = "--export-task-rows", paramLabel = "N",
            description = "System-level export: stored rows per task (default: 50000).")
    Integer taskRows;

    @Option(names = "--export-task-patients", paramLabel = "N",
            description = "Patient/Group-level export: patients per task (default: 500).")
    Integer taskPatients;

    @Option(names = "--export-throttle", paramLabel = "N",
            description = "Resources per second per worker, to spare the database (default: unlimited).")
    Integer throttle;

    @Option(names = "--export-expiry", paramLabel = "MINUTES",
            description = "How long files stay after a job completes (default: 120).")
    Integer expiryMinutes;

    @Option(names = "--export-sha256",
            description = "Also state each file's SHA-256 in the manifest (every file has its CRC-32C); costs about"
                    + " a quarter more CPU per export.")
    boolean sha256;

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
                .withAuth(authConfig).withTls(tls.config()).withExport(export()).withS3(s3());
        try (ResourceStore resourceStore = JdbcResourceStore.open(store.jdbcUrl())) {
            fill(resourceStore, store.dataDir, generate, seed, load, false);
            try (BulkFhirServer server = BulkFhirServer.start(config, resourceStore)) {
                System.out.println("FHIR base: " + server.baseUrl());
                System.out.println("Export files: " + server.exports().output().describe());
                System.out.println("Export node: " + server.exports().nodeId());
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

    private ExportConfig export() {
        ExportConfig e = ExportConfig.defaults(store.dataDir);
        if (files != null && !S3Settings.isS3Url(files)) {
            e = e.withFilesDir(Path.of(files));
        }
        if (workers != null) {
            e = e.withWorkers(workers);
        }
        if (leaseSeconds != null) {
            e = e.withLease(Duration.ofSeconds(leaseSeconds));
        }
        if (taskRows != null || taskPatients != null) {
            e = e.withTaskSizes(taskRows != null ? taskRows : e.rowsPerTask(),
                    taskPatients != null ? taskPatients : e.patientsPerTask());
        }
        if (throttle != null) {
            e = e.withThrottle(throttle);
        }
        if (expiryMinutes != null) {
            e = e.withExpiry(Duration.ofMinutes(expiryMinutes));
        }
        return e.withSha256(sha256);
    }

    private S3Settings s3() {
        if (!S3Settings.isS3Url(files)) {
            if (s3Endpoint != null || filesViaServer) {
                throw new UsageError("--s3-endpoint and --files-via-server need --files s3://BUCKET[/PREFIX]");
            }
            return null;
        }
        try {
            S3Settings s = S3Settings.of(files, s3Endpoint).withRegion(s3Region).withPublicEndpoint(s3PublicEndpoint)
                    .withPresign(!filesViaServer).withUrlLifetime(Duration.ofSeconds(fileUrlSeconds));
            if (s3AccessKey != null || s3SecretKey != null) {
                s = s.withCredentials(s3AccessKey, s3SecretKey);
            }
            return s;
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
