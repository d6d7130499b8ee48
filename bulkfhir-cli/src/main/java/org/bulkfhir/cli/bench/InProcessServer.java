package org.bulkfhir.cli.bench;

import java.nio.file.Path;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.store.ResourceStore;

/** The server in the bench's own JVM: no child process, but its heap and RSS are shared with the client. */
public final class InProcessServer implements BenchServer {
    private final BulkFhirServer server;

    public InProcessServer(Path dataDir, ResourceStore store) throws Exception {
        this.server = BulkFhirServer.start(ServerConfig.defaults(dataDir).withPort(0), store);
    }

    @Override
    public String baseUrl() {
        return server.baseUrl();
    }

    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }

    @Override
    public String mode() {
        return "in-process (heap and RSS include the client and the bench)";
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the server failed: " + e.getMessage(), e);
        }
    }
}
