package org.bulkfhir.server;

import java.nio.file.Path;
import org.bulkfhir.server.auth.AuthConfig;
import org.bulkfhir.server.export.ExportConfig;
import org.bulkfhir.server.export.output.S3Settings;
import org.bulkfhir.server.tls.TlsConfig;

/**
 * How a server node runs. {@code publicBaseUrl}, when set, is the externally visible FHIR base
 * (behind a proxy); every absolute URL the server hands out is built from it.
 *
 * @param export the export engine's settings (files directory, workers, file size, expiry, limits)
 * @param auth authorization; {@link #defaults} is open (no tokens), the command line defaults to SMART
 * @param tls the TLS identity, or null for plain HTTP
 * @param s3 export files go to this S3-compatible bucket instead of {@code export.filesDir()}; null
 *     for the directory
 */
public record ServerConfig(String host, int port, String publicBaseUrl, Path dataDir, long maxBodyBytes,
                           ExportConfig export, AuthConfig auth, TlsConfig tls, S3Settings s3) {

    public ServerConfig {
        if (auth == null) {
            auth = AuthConfig.open();
        }
    }

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig("127.0.0.1", 8080, null, dataDir, 256L * 1024 * 1024, ExportConfig.defaults(dataDir),
                AuthConfig.open(), null, null);
    }

    public ServerConfig withPort(int port) {
        return new ServerConfig(host, port, publicBaseUrl, dataDir, maxBodyBytes, export, auth, tls, s3);
    }

    public ServerConfig withHost(String host) {
        return new ServerConfig(host, port, publicBaseUrl, dataDir, maxBodyBytes, export, auth, tls, s3);
    }

    public ServerConfig withPublicBaseUrl(String url) {
        return new ServerConfig(host, port, url, dataDir, maxBodyBytes, export, auth, tls, s3);
    }

    public ServerConfig withExport(ExportConfig export) {
        return new ServerConfig(host, port, publicBaseUrl, dataDir, maxBodyBytes, export, auth, tls, s3);
    }

    public ServerConfig withAuth(AuthConfig auth) {
        return new ServerConfig(host, port, publicBaseUrl, dataDir, maxBodyBytes, export, auth, tls, s3);
    }

    public ServerConfig withTls(TlsConfig tls) {
        return new ServerConfig(host, port, publicBaseUrl, dataDir, maxBodyBytes, export, auth, tls, s3);
    }

    public ServerConfig withS3(S3Settings s3) {
        return new ServerConfig(host, port, publicBaseUrl, dataDir, maxBodyBytes, export, auth, tls, s3);
    }
}
