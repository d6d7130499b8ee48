package org.bulkfhir.client.http;

import java.net.URI;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;
import org.bulkfhir.client.BulkDataException;

/**
 * Turns a failed TLS handshake into a message that says what to do. The JDK's own messages
 * ("PKIX path building failed: …") mean nothing to most users, and retrying cannot help: the
 * certificate or the server's protocol versions will be the same next time (C-1). Handshakes
 * that broke for another reason (a connection reset half-way) are left to the callers' retries.
 */
public final class TlsFailures {
    private TlsFailures() {
    }

    /**
     * The handshake with {@code uri}'s host failed: why, as one line a user can act on; null when
     * the failure is not one that a retry would meet again.
     */
    public static BulkDataException explain(URI uri, SSLHandshakeException e) {
        String host = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        String all = messages(e);
        String why;
        if (has(e, CertificateNotYetValidException.class)) {
            why = "the server's certificate is not valid yet (check the clocks of both machines)";
        } else if (has(e, CertificateExpiredException.class) || all.contains("validity check failed")) {
            why = "the server's certificate has expired; the server must renew it";
        } else if (all.contains("no subject alternative") || all.contains("no name matching")) {
            why = "the server's certificate does not name " + uri.getHost() + "; use a host name the certificate lists";
        } else if (has(e, CertPathBuilderException.class) || has(e, CertPathValidatorException.class)
                || all.contains("pkix path")) {
            why = "the server's certificate is not trusted; pass --ca-file with the PEM certificate of the CA that"
                    + " issued it";
        } else if (all.contains("protocol_version") || all.contains("no appropriate protocol")
                || all.contains("protocol is disabled") || all.contains("not supported in server context")) {
            why = "the server does not offer TLS 1.2 or 1.3; this client refuses older TLS versions";
        } else {
            return null;
        }
        return new BulkDataException(BulkDataException.Kind.TLS, "cannot connect securely to " + host + ": " + why, e);
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            b.append(' ').append(t.getMessage());
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
