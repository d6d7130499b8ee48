package org.bulkfhir.cli;

import java.nio.file.Path;
import org.bulkfhir.server.tls.TlsConfig;
import picocli.CommandLine.Option;

/** The TLS identity of something we serve: {@code bulkfhir server} and {@code bulkfhir keys serve}. */
final class TlsOptions {
    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this PEM certificate (chain).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The PEM private key of --tls-cert (PKCS#8 or PKCS#1/SEC1).")
    Path tlsKey;

    @Option(names = "--tls-keystore", paramLabel = "P12", description = "Serve HTTPS with this PKCS#12 keystore instead.")
    Path tlsKeystore;

    @Option(names = "--tls-password", paramLabel = "PASSWORD",
            description = "Password of the keystore or of an encrypted PEM key (env BULKFHIR_TLS_PASSWORD).")
    String tlsPassword;

    /** Null for plain HTTP. */
    TlsConfig config() {
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
}
