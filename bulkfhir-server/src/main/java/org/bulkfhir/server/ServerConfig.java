package org.bulkfhir.server;

import java.nio.file.Path;

/**
 * How a server node runs. {@code publicBaseUrl}, when set, is the externally visible FHIR base
 * (behind a proxy); every absolute URL the server hands out is built from it.
 */
public record ServerConfig(String host, int port, String publicBaseUrl, Path dataDir, long maxBodyBytes) {

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig("127.0.0.1", 8080, null, dataDir, 256L * 1024 * 1024);
    }

    public ServerConfig withPort(int port) {
        return new ServerConfig(host, port, publicBaseUrl, dataDir, maxBodyBytes);
    }

    public ServerConfig withHost(String host) {
        return new ServerConfig(host, port, publicBaseUrl, dataDir, maxBodyBytes);
    }

    public ServerConfig withPublicBaseUrl(String url) {
        return new ServerConfig(host, port, url, dataDir, maxBodyBytes);
    }
}
