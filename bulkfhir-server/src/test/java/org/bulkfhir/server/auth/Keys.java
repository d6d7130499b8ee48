package org.bulkfhir.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.List;
import java.util.UUID;

/** Client key pairs for tests, made fresh each time. */
final class Keys {
    private Keys() {
    }

    static ECKey es384() {
        return es384("ec-" + UUID.randomUUID());
    }

    static ECKey es384(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_384).keyID(kid).algorithm(JWSAlgorithm.ES384).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static RSAKey rs384() {
        return rs384("rsa-" + UUID.randomUUID());
    }

    static RSAKey rs384(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).algorithm(JWSAlgorithm.RS384).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWKS a client registers. */
    static String publicJwks(JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString(true);
    }
}
