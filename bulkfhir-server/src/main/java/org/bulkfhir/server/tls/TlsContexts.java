package org.bulkfhir.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Builds Jetty's TLS setup from a {@link TlsConfig}. Only TLS 1.2 and 1.3 are offered: S-9 and
 * Inferno's TLS checks fail a server that still accepts 1.0 or 1.1 (§5.37).
 */
public final class TlsContexts {
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {
    }

    public static SslContextFactory.Server server(TlsConfig config) throws IOException, GeneralSecurityException {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        if (config.keystore() != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            char[] password = config.keyPassword() == null ? new char[0] : config.keyPassword().toCharArray();
            try (InputStream in = Files.newInputStream(config.keystore())) {
                ks.load(in, password);
            } catch (IOException e) {
                throw new IOException("Cannot read the PKCS#12 keystore " + config.keystore()
                        + " (wrong password?): " + e.getMessage(), e);
            }
            ssl.setKeyStore(ks);
            ssl.setKeyStorePassword(config.keyPassword() == null ? "" : config.keyPassword());
        } else {
            Certificate[] chain = certificates(config);
            PrivateKey key = privateKey(config);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] inMemory = "bulkfhir".toCharArray();
            ks.setKeyEntry("server", key, inMemory, chain);
            ssl.setKeyStore(ks);
            ssl.setKeyStorePassword(new String(inMemory));
        }
        ssl.setIncludeProtocols(PROTOCOLS);
        // Clients reach servers by IP or by names the certificate may not list; the certificate
        // check belongs to the client, not to a Host/SNI comparison here.
        ssl.setSniRequired(false);
        return ssl;
    }

    private static Certificate[] certificates(TlsConfig config) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(config.certificatePem())) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException("No certificate found in " + config.certificatePem());
            }
            return certs.toArray(new Certificate[0]);
        } catch (java.security.cert.CertificateException e) {
            throw new IOException("Cannot read the certificate " + config.certificatePem() + ": " + e.getMessage(), e);
        }
    }

    /** PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}), encrypted or not. */
    static PrivateKey privateKey(TlsConfig config) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        char[] password = config.keyPassword() == null ? null : config.keyPassword().toCharArray();
        try (Reader reader = Files.newBufferedReader(config.privateKeyPem()); PEMParser parser = new PEMParser(reader)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMEncryptedKeyPair encrypted) {
                    requirePassword(password, config);
                    return converter.getKeyPair(encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder().build(password)))
                            .getPrivate();
                }
                if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                    requirePassword(password, config);
                    return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(
                            new JceOpenSSLPKCS8DecryptorProviderBuilder().build(password)));
                }
                // Anything else (parameters, certificates) may precede the key; skip it.
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw new IOException("Cannot decrypt the private key " + config.privateKeyPem() + ": " + e.getMessage(), e);
        }
        throw new IOException("No private key found in " + config.privateKeyPem()
                + " (expected PEM: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static void requirePassword(char[] password, TlsConfig config) throws IOException {
        if (password == null) {
            throw new IOException("The private key " + config.privateKeyPem() + " is encrypted; give its password");
        }
    }
}
