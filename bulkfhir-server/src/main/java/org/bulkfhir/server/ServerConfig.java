package org.bulkfhir.server;

import java.nio.file.Path;
import org.bulkfhir.server.export.ExportConfig;

/**
 * How a server node runs. {@code publicBaseUrl}, when set, is the externally visible FHIR base
 * (behind a proxy); every absolute URL the server hands out is built from it.
 */
public record ServerConfig(String host, int port, String publicBaseUrl, Path dataDir, long maxBodyBytes,
                           ExportConfig export) {

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig("127.0.0.1", 8080, null, dataDir, 256L * 1024 * 1024, ExportConfig.defaults(dataDir));
    }

    public ServerConfig withPort(int port) {
        return new ServerConfig(host, port, publicBaseUrl, dataDir, maxBodyBytes, export);
    }

    public ServerConfig withHost(String host) {
        return new ServerConfig(host, port, publicBaseUrl, dataDir, maxBodyBytes, export);
    }

    public ServerConfig withPublicBaseUrl(String url) {
        return new ServerConfig(host, port, url, dataDir, maxBodyBytes, export);
    }

    public ServerConfig withExport(ExportConfig export) {
        return new ServerConfig(host, port, publicBaseUrl, dataDir, maxBodyBytes, export);
    }
}
