package org.bulkfhir.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bulkfhir.client.BulkDataException;

/**
 * Extra trust anchors for servers whose certificates come from a private CA (C-1): the JDK's
 * own CAs stay trusted and the certificates of a PEM file are added to them. Certificates are
 * still verified in full (chain, validity, host name): this only widens whom we trust as issuer,
 * it never switches verification off.
 */
public final class TrustAnchors {
    private TrustAnchors() {
    }

    /** An SSL context trusting the JDK's CAs plus every certificate in {@code pem}. */
    public static SSLContext withCaFile(Path pem) {
        Collection<? extends Certificate> extra = read(pem);
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int i = 0;
            for (X509Certificate jdk : defaultTrustManager().getAcceptedIssuers()) {
                anchors.setCertificateEntry("jdk-" + i++, jdk);
            }
            i = 0;
            for (Certificate c : extra) {
                anchors.setCertificateEntry("ca-file-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS trust: " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> read(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw notPem(pem, "it holds no certificate");
            }
            return certs;
        } catch (NoSuchFileException e) {
            throw usage("the CA file " + pem + " does not exist; give the PEM file of the CA that issued the server's"
                    + " certificate");
        } catch (IOException e) {
            throw usage("cannot read the CA file " + pem + " (" + e.getMessage() + ")");
        } catch (CertificateException e) {
            throw notPem(pem, "it cannot be parsed");
        }
    }

    private static BulkDataException notPem(Path pem, String why) {
        return usage("the CA file " + pem + " is not a PEM certificate file (" + why + "); it must hold one or more"
                + " -----BEGIN CERTIFICATE----- blocks");
    }

    private static BulkDataException usage(String message) {
        return new BulkDataException(BulkDataException.Kind.USAGE, message);
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("the JDK offers no X.509 trust manager");
    }
}
