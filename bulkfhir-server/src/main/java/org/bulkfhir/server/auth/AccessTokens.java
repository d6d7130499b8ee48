package org.bulkfhir.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bulkfhir.core.smart.Scopes;

/**
 * Access tokens: ES384-signed JWTs ({@code typ: at+jwt}) that carry the client and its granted
 * scopes, so any node that shares the signing keys verifies them without a lookup. They live
 * {@code lifetimeSeconds} (at most 300, S-93) and are never refreshed (S-94).
 */
public final class AccessTokens {
    static final String ISSUER = "bulkfhir";
    static final String AUDIENCE = "bulkfhir-fhir-api";
    static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");
    /** Nodes' clocks may disagree a little; a token is not refused for a few seconds' drift. */
    private static final long NODE_SKEW_MILLIS = 5_000;

    private final ServerKeys keys;
    private final int lifetimeSeconds;
    private final Clock clock;

    public record Issued(String token, int expiresIn) {
    }

    /** Why a bearer token was not accepted; the message is safe to show the client. */
    public static final class InvalidTokenException extends Exception {
        InvalidTokenException(String message) {
            super(message, null, false, false);
        }
    }

    public AccessTokens(ServerKeys keys, int lifetimeSeconds, Clock clock) {
        this.keys = keys;
        this.lifetimeSeconds = lifetimeSeconds;
        this.clock = clock;
    }

    public int lifetimeSeconds() {
        return lifetimeSeconds;
    }

    public Issued issue(String clientId, Scopes scopes) {
        ECKey key = keys.signingKey();
        long now = clock.millis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(clientId)
                .claim("client_id", clientId)
                .claim("scope", scopes.toString())
                .issueTime(new Date(now))
                .expirationTime(new Date(now + lifetimeSeconds * 1000L))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(key.getKeyID()).type(TYPE).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not sign an access token", e);
        }
        return new Issued(jwt.serialize(), lifetimeSeconds);
    }

    /** Checks signature, issuer, audience and expiry, and returns whom the token was issued to. */
    public Principal verify(String token) throws InvalidTokenException {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new InvalidTokenException("The access token is not a signed JWT");
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.ES384.equals(header.getAlgorithm()) || header.getKeyID() == null) {
            throw new InvalidTokenException("The access token was not issued by this server");
        }
        ECKey key = keys.verificationKey(header.getKeyID())
                .orElseThrow(() -> new InvalidTokenException("The access token was signed by a key this server does not (or no longer) trust"));
        try {
            if (!jwt.verify(new ECDSAVerifier(key))) {
                throw new InvalidTokenException("The access token's signature is not valid");
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException("The access token's signature could not be checked");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException("The access token's claims are malformed");
        }
        if (!ISSUER.equals(claims.getIssuer()) || !List.of(AUDIENCE).equals(claims.getAudience())) {
            throw new InvalidTokenException("The access token was not issued for this server");
        }
        Date exp = claims.getExpirationTime();
        if (exp == null || exp.getTime() + NODE_SKEW_MILLIS < clock.millis()) {
            throw new InvalidTokenException("The access token has expired; request a new one");
        }
        String clientId = claims.getSubject();
        Object scope = claims.getClaim("scope");
        if (clientId == null || !(scope instanceof String s)) {
            throw new InvalidTokenException("The access token lacks its client or scope");
        }
        return Principal.client(clientId, Scopes.parse(s));
    }
}
