package org.bulkfhir.cli;

import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.bulkfhir.client.http.TrustAnchors;
import picocli.CommandLine.Option;

/**
 * How the client trusts HTTPS servers: the JDK's CAs, plus {@code --ca-file} for a server whose
 * certificate comes from a private CA. Shared by every command that calls a server (C-1).
 */
final class TrustOptions {
    @Option(names = "--ca-file", paramLabel = "PEM",
            description = "Also trust the CA certificate(s) in this PEM file (a server with a private CA). Only TLS 1.2"
                    + " and 1.3 are used and certificates are always verified.")
    Path caFile;

    /** Null for the JDK's defaults. */
    SSLContext sslContext() {
        return caFile == null ? null : TrustAnchors.withCaFile(caFile);
    }
}
