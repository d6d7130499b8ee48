package org.bulkfhir.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.URI;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLHandshakeException;
import org.bulkfhir.client.BulkDataException;
import org.junit.jupiter.api.Test;

/**
 * C-1's failure messages for the cases the HTTPS tests in bulkfhir-cli cannot stage cheaply
 * (certificate dates), and that a handshake broken by the network stays retryable.
 */
class TlsFailuresTest {
    private static final URI EHR = URI.create("https://ehr.example:8443/fhir");

    private static SSLHandshakeException handshake(String message, Throwable cause) {
        SSLHandshakeException e = new SSLHandshakeException(message);
        e.initCause(cause);
        return e;
    }

    @Test
    void certificateDatesAreExplained() {
        BulkDataException expired = TlsFailures.explain(EHR, handshake("validity check failed",
                new CertificateExpiredException("NotAfter: Mon Jan 01 00:00:00 UTC 2024")));
        assertThat(expired.kind()).isEqualTo(BulkDataException.Kind.TLS);
        assertThat(expired.getMessage()).isEqualTo("cannot connect securely to ehr.example:8443: the server's certificate"
                + " has expired; the server must renew it");
        assertThat(TlsFailures.explain(EHR, handshake("validity check failed", new CertificateNotYetValidException("x")))
                .getMessage()).contains("not valid yet", "clocks");
    }

    @Test
    void aHandshakeCutByTheNetworkIsLeftToTheRetries() {
        assertThat(TlsFailures.explain(EHR, handshake("Remote host terminated the handshake", new EOFException("SSL peer shut down incorrectly"))))
                .isNull();
    }
}
