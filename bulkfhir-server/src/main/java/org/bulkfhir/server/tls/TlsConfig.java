package org.bulkfhir.server.tls;

import java.nio.file.Path;

/**
 * Where the server's TLS identity comes from: a PEM certificate chain with its PEM private key
 * (PKCS#8, or the older PKCS#1/SEC1 forms), or a PKCS#12 keystore.
 *
 * @param keyPassword for an encrypted PEM key or the PKCS#12 store; null when there is none
 */
public record TlsConfig(Path certificatePem, Path privateKeyPem, Path keystore, String keyPassword) {
    public TlsConfig {
        boolean pem = certificatePem != null || privateKeyPem != null;
        if (pem && keystore != null) {
            throw new IllegalArgumentException("Give either a PEM certificate and key or a PKCS#12 keystore, not both");
        }
        if (pem && (certificatePem == null || privateKeyPem == null)) {
            throw new IllegalArgumentException("A PEM identity needs both the certificate (--tls-cert) and the key (--tls-key)");
        }
        if (!pem && keystore == null) {
            throw new IllegalArgumentException("TLS needs --tls-cert and --tls-key, or --tls-keystore");
        }
    }

    public static TlsConfig pem(Path certificate, Path privateKey) {
        return new TlsConfig(certificate, privateKey, null, null);
    }

    public static TlsConfig pkcs12(Path keystore, String password) {
        return new TlsConfig(null, null, keystore, password);
    }

    @Override
    public String toString() {
        return keystore != null ? "TlsConfig[keystore=" + keystore + "]"
                : "TlsConfig[cert=" + certificatePem + ", key=" + privateKeyPem + "]";
    }
}
