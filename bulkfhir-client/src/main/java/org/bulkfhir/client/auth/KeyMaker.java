package org.bulkfhir.client.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Makes a client key pair for SMART Backend Services: a private JWKS to keep, and the public
 * JWKS to register (inline or served from a JWKS URL). The {@code kid} is the key's RFC 7638
 * thumbprint, so it is unique and stable without bookkeeping.
 */
public final class KeyMaker {
    public static final String PRIVATE_FILE = "private.jwks.json";
    public static final String PUBLIC_FILE = "public.jwks.json";

    private KeyMaker() {
    }

    public record KeyPairJwks(JWKSet privateJwks, JWKSet publicJwks, String kid, JWSAlgorithm alg) {
    }

    /** @param alg {@code ES384} (P-384) or {@code RS384} (RSA 3072) — the two algorithms every SMART server must accept one of */
    public static KeyPairJwks generate(String alg) {
        String a = alg == null ? "ES384" : alg.toUpperCase(Locale.ROOT);
        try {
            JWK key = switch (a) {
                case "ES384" -> new ECKeyGenerator(Curve.P_384).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES384)
                        .keyIDFromThumbprint(true).generate();
                case "RS384" -> new RSAKeyGenerator(3072).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS384)
                        .keyIDFromThumbprint(true).generate();
                default -> throw new IllegalArgumentException("unsupported key algorithm '" + alg + "': use ES384 or RS384");
            };
            JWKSet priv = new JWKSet(key);
            return new KeyPairJwks(priv, priv.toPublicJWKSet(), key.getKeyID(), JWSAlgorithm.parse(a));
        } catch (JOSEException e) {
            throw new IllegalStateException("key generation failed: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code private.jwks.json} (owner read/write only) and {@code public.jwks.json}.
     * Refuses to overwrite an existing private key: losing it would orphan a registration.
     */
    public static KeyPairJwks writeTo(Path dir, String alg) throws IOException {
        Path priv = dir.resolve(PRIVATE_FILE);
        Path pub = dir.resolve(PUBLIC_FILE);
        if (Files.exists(priv)) {
            throw new FileAlreadyExistsException(priv.toString(), null,
                    "a private key already exists there; choose another --out or remove it first");
        }
        KeyPairJwks keys = generate(alg);
        Files.createDirectories(dir);
        writeAtomically(priv, keys.privateJwks().toString(false), true);
        writeAtomically(pub, keys.publicJwks().toString(), false);
        return keys;
    }

    static void writeAtomically(Path target, String json, boolean secret) throws IOException {
        Path tmp;
        try {
            // Created with 0600 from the start, so the key is never readable by others, even briefly.
            tmp = secret ? Files.createTempFile(target.getParent(), ".key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(target.getParent(), ".key", ".tmp");
        } catch (UnsupportedOperationException e) {
            tmp = Files.createTempFile(target.getParent(), ".key", ".tmp");
            tmp.toFile().setReadable(false, false);
            tmp.toFile().setReadable(true, true);
        }
        try {
            Files.writeString(tmp, json + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
