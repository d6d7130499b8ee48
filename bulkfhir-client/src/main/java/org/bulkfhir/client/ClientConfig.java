package org.bulkfhir.client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.bulkfhir.client.auth.Authorizer;
import org.bulkfhir.client.auth.ClientKey;
import org.bulkfhir.client.auth.Scopes;
import org.bulkfhir.client.auth.SmartConfiguration;
import org.bulkfhir.client.auth.TokenClient;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.http.Pacing;
import org.bulkfhir.client.http.TrustAnchors;

/** How to reach and authenticate to a Data Provider. Without a client id the server is treated as open. */
public final class ClientConfig {
    public URI server;
    public String clientId;
    public Path keyFile;
    public String kid;
    /** Requested scope; null to derive it from the export (see {@link Scopes}). */
    public String scope;
    /** Skips SMART discovery when set (servers without {@code .well-known/smart-configuration}). */
    public URI tokenUrl;
    public Pacing pacing = Pacing.defaults();
    /** TLS trust for all connections; null for the JDK's CAs (plus {@link #caFile} when set). */
    public SSLContext sslContext;
    /**
     * PEM certificates trusted as CAs in addition to the JDK's (a private CA); ignored when
     * {@link #sslContext} is set. Certificates are always verified (C-1).
     */
    public Path caFile;
    /** Time to the response headers of one request. */
    public Duration requestTimeout = Duration.ofSeconds(60);

    public Http http() {
        SSLContext tls = sslContext != null ? sslContext : caFile != null ? TrustAnchors.withCaFile(caFile) : null;
        return new Http(Http.newClient(tls), Authorizer.NONE, requestTimeout);
    }

    /**
     * The authorizer for an export of these types: none for an open server; otherwise the key is
     * loaded and the token endpoint discovered now, so a bad key file or an unreachable
     * authorization server fails before anything is kicked off.
     */
    public Authorizer authorizer(Http http, List<String> types, boolean groupLevel) throws IOException, InterruptedException {
        if (clientId == null || clientId.isBlank()) {
            if (keyFile != null) {
                throw new BulkDataException(BulkDataException.Kind.USAGE, "--key needs --client-id");
            }
            return Authorizer.NONE;
        }
        if (keyFile == null) {
            throw new BulkDataException(BulkDataException.Kind.USAGE, "--client-id needs --key (the private JWKS)");
        }
        ClientKey key = ClientKey.load(keyFile, kid);
        SmartConfiguration config = null;
        URI token = tokenUrl;
        if (token == null) {
            config = SmartConfiguration.discover(http, server);
            token = config.tokenEndpoint();
        }
        String s = scope != null ? scope : Scopes.forExport(types, groupLevel, Scopes.serverSpeaksV2(config));
        return new TokenClient(http, token, clientId, key, s, pacing);
    }
}
