package org.bulkfhir.client.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;
import org.bulkfhir.client.BulkDataException;

/** The private key that signs client assertions, with its {@code kid} and algorithm. */
public final class ClientKey {
    private final JWK jwk;
    private final JWSAlgorithm alg;
    private final JWSSigner signer;

    private ClientKey(JWK jwk, JWSAlgorithm alg) throws JOSEException {
        this.jwk = jwk;
        this.alg = alg;
        this.signer = jwk instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) jwk);
    }

    public static ClientKey of(JWK jwk) {
        if (jwk.getKeyID() == null || jwk.getKeyID().isBlank()) {
            throw usage("the key has no 'kid'; servers select the verification key by kid, so it is required");
        }
        if (!jwk.isPrivate()) {
            throw usage("the key '" + jwk.getKeyID() + "' is a public key; pass the private JWKS (private.jwks.json)");
        }
        JWSAlgorithm alg;
        if (jwk.getAlgorithm() != null) {
            alg = JWSAlgorithm.parse(jwk.getAlgorithm().getName());
        } else if (jwk instanceof ECKey ec && Curve.P_384.equals(ec.getCurve())) {
            alg = JWSAlgorithm.ES384;
        } else if (jwk instanceof RSAKey) {
            alg = JWSAlgorithm.RS384;
        } else {
            throw usage("cannot tell the signing algorithm of key '" + jwk.getKeyID() + "'; set its 'alg' to ES384 or RS384");
        }
        boolean fits = (jwk instanceof ECKey && JWSAlgorithm.Family.EC.contains(alg))
                || (jwk instanceof RSAKey && (JWSAlgorithm.Family.RSA.contains(alg)));
        if (!fits) {
            throw usage("key '" + jwk.getKeyID() + "' (" + jwk.getKeyType() + ") cannot sign with " + alg);
        }
        try {
            return new ClientKey(jwk, alg);
        } catch (JOSEException e) {
            throw usage("key '" + jwk.getKeyID() + "' is not usable for signing: " + e.getMessage());
        }
    }

    /**
     * Reads a private JWKS (or a single private JWK). With several private keys, the first one
     * wins unless {@code kid} picks another — a JWKS may hold the successor key for rotation.
     */
    public static ClientKey load(Path file, String kid) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw usage("cannot read the key file " + file + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        List<JWK> keys;
        try {
            keys = text.contains("\"keys\"") ? JWKSet.parse(text).getKeys() : List.of(JWK.parse(text));
        } catch (ParseException e) {
            throw usage("the key file " + file + " is not a JWKS or JWK (" + e.getMessage() + ")");
        }
        for (JWK k : keys) {
            if (k.isPrivate() && (kid == null || kid.equals(k.getKeyID()))) {
                return of(k);
            }
        }
        throw usage(kid == null ? "the key file " + file + " holds no private key; pass the private JWKS (private.jwks.json)"
                : "the key file " + file + " holds no private key with kid '" + kid + "'");
    }

    private static BulkDataException usage(String message) {
        return new BulkDataException(BulkDataException.Kind.USAGE, message);
    }

    public String kid() {
        return jwk.getKeyID();
    }

    public JWSAlgorithm algorithm() {
        return alg;
    }

    JWSSigner signer() {
        return signer;
    }

    @Override
    public String toString() {
        return "ClientKey[kid=" + kid() + ", alg=" + alg + "]"; // never the key material
    }
}
