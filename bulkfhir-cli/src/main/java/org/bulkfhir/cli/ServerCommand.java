package org.bulkfhir.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
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

    @Override
    public Integer call() throws Exception {
        ServerConfig config = ServerConfig.defaults(store.dataDir).withHost(host).withPort(port).withPublicBaseUrl(baseUrl);
        try (ResourceStore resourceStore = JdbcResourceStore.open(store.jdbcUrl())) {
            fill(resourceStore, store.dataDir, generate, seed, load, false);
            try (BulkFhirServer server = BulkFhirServer.start(config, resourceStore)) {
                System.out.println("FHIR base: " + server.baseUrl());
                System.out.println("Try: curl " + server.baseUrl() + "/metadata   (Ctrl-C stops the server)");
                ShutdownSignal.await();
            }
        } finally {
            ShutdownSignal.closed();
        }
        return 0;
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
