package org.bulkfhir.cli;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * C-1's "TLS 1.1-only mock": an HTTPS server that offers TLS 1.1 and nothing newer, answering
 * every request with {@code 200 {}}. Java 17 disables TLS 1.1 in {@code jdk.tls.disabledAlgorithms},
 * so it runs in a child JVM started with {@code -Djava.security.properties} that re-enables it.
 * Prints {@code PORT n} once listening and one line per connection: the negotiated protocol, or
 * why the handshake failed.
 *
 * <p>Arguments: PKCS#12 keystore, its password.
 */
public final class Tls11Stub {
    private Tls11Stub() {
    }

    public static void main(String[] args) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(args[0])) {
            ks.load(in, args[1].toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, args[1].toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        try (SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            server.setEnabledProtocols(new String[] {"TLSv1.1"});
            System.out.println("PORT " + server.getLocalPort());
            System.out.flush();
            while (true) {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.startHandshake();
                    System.out.println("NEGOTIATED " + s.getSession().getProtocol());
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        // Read the request head; its content does not matter.
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                            + "Connection: close\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (Exception e) {
                    System.out.println("HANDSHAKE FAILED " + e.getMessage());
                }
                System.out.flush();
            }
        }
    }
}
