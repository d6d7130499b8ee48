package org.bulkfhir.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.server.auth.AuthConfig;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS from PEM (PKCS#8 and PKCS#1 keys) and PKCS#12, TLS 1.2+ only (S-9, §5.37). The test JVM
 * runs with {@code legacy-tls-client.security} (see the pom), so its client can offer TLS 1.0/1.1.
 */
class TlsTest {
    @TempDir
    Path dir;
    ResourceStore store;
    BulkFhirServer server;
    KeyPair keyPair;
    X509Certificate certificate;

    @BeforeEach
    void makeIdentity() throws Exception {
        store = JdbcResourceStore.open(TestDatabases.sqlite(dir));
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        keyPair = g.generateKeyPair();
        long now = System.currentTimeMillis();
        X500Name name = new X500Name("CN=localhost");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now), new Date(now - 60_000),
                new Date(now + 86_400_000), name, keyPair.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        certificate = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate())));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        store.close();
    }

    private Path pem(String file, Object object) throws Exception {
        Path path = dir.resolve(file);
        try (Writer w = Files.newBufferedWriter(path); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(object);
        }
        return path;
    }

    private void start(TlsConfig tls) throws Exception {
        server = BulkFhirServer.start(ServerConfig.defaults(dir).withPort(0).withTls(tls)
                .withAuth(AuthConfig.smart("admin")), store);
    }

    private SSLContext trusting() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private HttpResponse<String> get(String url, String protocol) throws Exception {
        SSLParameters params = new SSLParameters();
        params.setProtocols(new String[] {protocol});
        HttpClient http = HttpClient.newBuilder().sslContext(trusting()).sslParameters(params).build();
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pkcs8PemServesHttpsWithTls12And13() throws Exception { // S-9
        start(TlsConfig.pem(pem("cert.pem", certificate), pem("key.pem", new JcaPKCS8Generator(keyPair.getPrivate(), null))));
        assertThat(server.baseUrl()).startsWith("https://127.0.0.1:");
        assertThat(Files.readString(dir.resolve("key.pem"))).contains("BEGIN PRIVATE KEY");
        assertThat(get(server.baseUrl() + "/metadata", "TLSv1.2").statusCode()).isEqualTo(200);
        assertThat(get(server.baseUrl() + "/metadata", "TLSv1.3").statusCode()).isEqualTo(200);
        HttpResponse<String> discovery = get(server.baseUrl() + "/.well-known/smart-configuration", "TLSv1.2");
        assertThat(discovery.body()).contains("\"token_endpoint\":\"https://127.0.0.1:" + server.port() + "/auth/token\"");
    }

    @Test
    void tls11AndTls10AreRefusedByTheServer() throws Exception { // S-9, §5.37
        start(TlsConfig.pem(pem("cert.pem", certificate), pem("key.pem", new JcaPKCS8Generator(keyPair.getPrivate(), null))));
        for (String old : new String[] {"TLSv1.1", "TLSv1"}) {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trustAll(), null);
            try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.port())) {
                socket.setEnabledProtocols(new String[] {old});
                // The client really offers the old protocol; the alert comes from the server.
                assertThat(socket.getEnabledProtocols()).containsExactly(old);
                assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class)
                        .hasMessageContaining("alert");
            }
        }
    }

    @Test
    void pkcs1PemKeyWorksToo() throws Exception {
        start(TlsConfig.pem(pem("cert.pem", certificate), pem("key.pem", keyPair)));
        assertThat(Files.readString(dir.resolve("key.pem"))).contains("BEGIN RSA PRIVATE KEY");
        assertThat(get(server.baseUrl() + "/metadata", "TLSv1.2").statusCode()).isEqualTo(200);
    }

    @Test
    void pkcs12KeystoreWorksAndTokensAreIssuedOverHttps() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", keyPair.getPrivate(), "secret".toCharArray(), new X509Certificate[] {certificate});
        Path p12 = dir.resolve("server.p12");
        try (OutputStream out = Files.newOutputStream(p12)) {
            ks.store(out, "secret".toCharArray());
        }
        start(TlsConfig.pkcs12(p12, "secret"));
        assertThat(get(server.baseUrl() + "/metadata", "TLSv1.2").statusCode()).isEqualTo(200);

        ECKey key = com.nimbusds.jose.jwk.gen.ECKeyGenerator.class.cast(
                new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_384).keyID("k")).generate();
        String clientId = server.authorization().clients()
                .register("tls", null, new com.nimbusds.jose.jwk.JWKSet(key.toPublicJWK()).toString(), null).clientId();
        com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.ES384).keyID("k").build(),
                new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(server.tokenUrl())
                        .expirationTime(new Date(System.currentTimeMillis() + 120_000)).jwtID("j1").build());
        jwt.sign(new com.nimbusds.jose.crypto.ECDSASigner(key));
        HttpClient http = HttpClient.newBuilder().sslContext(trusting()).build();
        String form = "grant_type=client_credentials&scope=system%2F*.rs&client_assertion_type="
                + "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=" + jwt.serialize();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.tokenUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(server.tokenUrl()).startsWith("https://");
    }

    @Test
    void aWrongKeystorePasswordIsAClearError() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", keyPair.getPrivate(), "secret".toCharArray(), new X509Certificate[] {certificate});
        Path p12 = dir.resolve("server.p12");
        try (OutputStream out = Files.newOutputStream(p12)) {
            ks.store(out, "secret".toCharArray());
        }
        assertThatThrownBy(() -> start(TlsConfig.pkcs12(p12, "wrong"))).hasMessageContaining("wrong password");
    }

    private static javax.net.ssl.TrustManager[] trustAll() {
        return new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }};
    }
}
