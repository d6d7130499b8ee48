package org.bulkfhir.client.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * The signed JWT a client presents instead of a secret (SMART {@code private_key_jwt}, C-6, C-7).
 * Every assertion gets a new random {@code jti}: servers keep a replay cache and refuse reuse.
 */
public final class ClientAssertion {
    /**
     * Four minutes, not the five the spec allows: servers check {@code exp - now ≤ 300} and a
     * client clock a little ahead would otherwise be refused.
     */
    public static final Duration LIFETIME = Duration.ofSeconds(240);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClientAssertion() {
    }

    public static String create(ClientKey key, String clientId, URI tokenEndpoint, Clock clock) {
        Instant now = clock.instant();
        byte[] jti = new byte[24];
        RANDOM.nextBytes(jti);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(tokenEndpoint.toString())
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .issueTime(Date.from(now))
                .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(jti))
                .build();
        JWSHeader header = new JWSHeader.Builder(key.algorithm()).keyID(key.kid()).type(JOSEObjectType.JWT).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing the client assertion failed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
