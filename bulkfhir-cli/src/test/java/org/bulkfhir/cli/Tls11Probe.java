package org.bulkfhir.cli;

import java.io.FileInputStream;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The control for {@link Tls11Stub}: a bare JSSE client that allows TLS 1.1 and trusts the test
 * CA prints the protocol it negotiated with the stub. It proves the stub really speaks TLS 1.1
 * and the CA is right, so a refusal by our client is about the protocol version and nothing else.
 *
 * <p>Arguments: port, CA PEM.
 */
public final class Tls11Probe {
    private Tls11Probe() {
    }

    public static void main(String[] args) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (FileInputStream in = new FileInputStream(args[1])) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            trust.setCertificateEntry("ca", ca);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", Integer.parseInt(args[0]))) {
            s.setEnabledProtocols(new String[] {"TLSv1.1"});
            s.startHandshake();
            System.out.println("PROBE NEGOTIATED " + s.getSession().getProtocol());
        }
    }
}
