package org.bulkfhir.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Checks a {@code private_key_jwt} client assertion as SMART Backend Services requires (S-86,
 * S-88, S-89) and says which client it authenticates. Every refusal is an {@code invalid_client}
 * {@link OAuthError} with a reason a client developer can act on.
 *
 * <p>The signature is verified before the {@code jti} is recorded, so a forged assertion cannot
 * burn a legitimate client's assertion ids.
 */
public final class ClientAssertionVerifier {
    /** Asymmetric algorithms only: {@code none} and HMAC would let anyone holding the public key sign. */
    static final Set<JWSAlgorithm> ACCEPTED = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    /** An assertion may say it expires at most this far ahead (SMART: five minutes). */
    static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
    /**
     * Allowed disagreement between the client's clock and ours. Inferno signs with
     * {@code exp = now + 300}, so without it a valid client fails on the slightest drift (§5.29).
     */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    private static final int MIN_RSA_BITS = 2048;

    private final ClientRegistry registry;
    private final JwksCache jwks;
    private final ReplayGuard replays;
    private final Clock clock;

    public ClientAssertionVerifier(ClientRegistry registry, JwksCache jwks, ReplayGuard replays, Clock clock) {
        this.registry = registry;
        this.jwks = jwks;
        this.replays = replays;
        this.clock = clock;
    }

    /**
     * @param tokenUrl the absolute URL of this token endpoint, which {@code aud} must name
     * @return the authenticated, active client
     */
    public RegisteredClient verify(String assertion, String tokenUrl) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(assertion);
        } catch (ParseException e) {
            throw OAuthError.invalidClient("client_assertion is not a JWT: " + e.getMessage());
        }
        if (jwt instanceof PlainJWT) {
            throw OAuthError.invalidClient("client_assertion is unsigned (alg none); sign it with RS384 or ES384");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw OAuthError.invalidClient("client_assertion must be a signed JWT (JWS), not an encrypted one");
        }
        JWSHeader header = signed.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (!ACCEPTED.contains(alg)) {
            throw OAuthError.invalidClient("Signature algorithm " + alg + " is not accepted; use RS384 or ES384"
                    + " (accepted: RS256/384/512, PS256/384/512, ES256/384/512)");
        }
        if (header.getKeyID() == null || header.getKeyID().isBlank()) {
            throw OAuthError.invalidClient("The assertion header has no kid; it must name the signing key");
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw OAuthError.invalidClient("The assertion's claims are not valid JSON claims: " + e.getMessage());
        }
        String iss = claims.getIssuer();
        String sub = claims.getSubject();
        if (iss == null || iss.isBlank()) {
            throw OAuthError.invalidClient("The assertion has no iss; it must be your client_id");
        }
        if (!iss.equals(sub)) {
            throw OAuthError.invalidClient("The assertion's sub must equal its iss (both the client_id)");
        }
        RegisteredClient client = registry.find(iss)
                .orElseThrow(() -> OAuthError.invalidClient("Unknown client_id (iss): " + iss));
        if (!client.active()) {
            throw OAuthError.invalidClient("Client " + iss + " is disabled");
        }
        JWK key = selectKey(client, header);
        verifySignature(signed, key);
        checkAudience(claims, tokenUrl);
        long exp = checkTimes(claims);
        String jti = claims.getJWTID();
        if (jti == null || jti.isBlank()) {
            throw OAuthError.invalidClient("The assertion has no jti; each assertion needs a unique one");
        }
        if (jti.length() > 256) {
            throw OAuthError.invalidClient("The assertion's jti is longer than 256 characters");
        }
        if (!replays.firstUse(iss, jti, exp + CLOCK_SKEW.toMillis())) {
            throw OAuthError.invalidClient("This assertion's jti was already used; sign a new assertion for every token request");
        }
        return client;
    }

    /**
     * SL2 key selection: with {@code jku}, only keys from that URL, which must be the registered
     * one; without it, the registered inline keys and URL keys. Of those, exactly one may match
     * the {@code kid} and the key type the algorithm needs.
     */
    private JWK selectKey(RegisteredClient client, JWSHeader header) {
        String kid = header.getKeyID();
        String jku = header.getJWKURL() == null ? null : header.getJWKURL().toString();
        if (jku != null && !jku.equals(client.jwksUrl())) {
            throw OAuthError.invalidClient("The assertion's jku (" + jku + ") is not the JWKS URL registered for this client");
        }
        boolean useInline = jku == null && client.jwks() != null;
        boolean useUrl = client.jwksUrl() != null;
        List<JWK> matches = matching(candidates(client, useInline, useUrl, false), header);
        if (matches.isEmpty() && useUrl) {
            // The client may have rotated its keys since we cached its JWKS.
            matches = matching(candidates(client, useInline, true, true), header);
        }
        if (matches.isEmpty()) {
            throw OAuthError.invalidClient("No registered key has kid \"" + kid + "\" and a type fit for " + header.getAlgorithm());
        }
        if (matches.size() > 1) {
            throw OAuthError.invalidClient(matches.size() + " registered keys have kid \"" + kid + "\" and type "
                    + matches.get(0).getKeyType() + "; key ids must be unique");
        }
        return matches.get(0);
    }

    private List<JWK> candidates(RegisteredClient client, boolean inline, boolean url, boolean refresh) {
        List<JWK> out = new ArrayList<>();
        if (inline) {
            out.addAll(client.jwks().getKeys());
        }
        if (url) {
            try {
                JWKSet set = refresh ? jwks.refresh(client.jwksUrl()) : jwks.keys(client.jwksUrl());
                out.addAll(set.getKeys());
            } catch (JwksCache.UnavailableException e) {
                throw OAuthError.invalidClient(e.getMessage());
            }
        }
        return out;
    }

    private static List<JWK> matching(List<JWK> keys, JWSHeader header) {
        JWSAlgorithm alg = header.getAlgorithm();
        KeyType wanted = JWSAlgorithm.Family.EC.contains(alg) ? KeyType.EC : KeyType.RSA;
        List<JWK> out = new ArrayList<>();
        for (JWK k : keys) {
            if (header.getKeyID().equals(k.getKeyID()) && wanted.equals(k.getKeyType())) {
                out.add(k);
            }
        }
        return out;
    }

    private static void verifySignature(SignedJWT jwt, JWK key) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        JWSVerifier verifier;
        try {
            if (key instanceof ECKey ec) {
                Set<Curve> curves = Curve.forJWSAlgorithm(alg);
                if (curves == null || !curves.contains(ec.getCurve())) {
                    throw OAuthError.invalidClient("Key \"" + key.getKeyID() + "\" is on curve " + ec.getCurve()
                            + ", which cannot verify " + alg);
                }
                verifier = new ECDSAVerifier(ec.toECPublicKey());
            } else if (key instanceof RSAKey rsa) {
                if (rsa.size() < MIN_RSA_BITS) {
                    throw OAuthError.invalidClient("RSA key \"" + key.getKeyID() + "\" has " + rsa.size()
                            + " bits; at least " + MIN_RSA_BITS + " are required");
                }
                verifier = new RSASSAVerifier(rsa.toRSAPublicKey());
            } else {
                throw OAuthError.invalidClient("Key \"" + key.getKeyID() + "\" is neither RSA nor EC");
            }
            if (!jwt.verify(verifier)) {
                throw OAuthError.invalidClient("The assertion's signature does not verify with key \"" + key.getKeyID() + "\"");
            }
        } catch (JOSEException e) {
            throw OAuthError.invalidClient("The assertion's signature could not be checked with key \""
                    + key.getKeyID() + "\": " + e.getMessage());
        }
    }

    private static void checkAudience(JWTClaimsSet claims, String tokenUrl) {
        List<String> aud = claims.getAudience();
        if (aud == null || aud.isEmpty()) {
            throw OAuthError.invalidClient("The assertion has no aud; it must be the token endpoint URL " + tokenUrl);
        }
        for (String a : aud) {
            if (stripSlash(a).equals(stripSlash(tokenUrl))) {
                return;
            }
        }
        throw OAuthError.invalidClient("The assertion's aud must be this token endpoint, " + tokenUrl + "; it was " + aud);
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** @return {@code exp} in epoch milliseconds */
    private long checkTimes(JWTClaimsSet claims) {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw OAuthError.invalidClient("The assertion has no exp");
        }
        long now = clock.millis();
        long skew = CLOCK_SKEW.toMillis();
        if (exp.getTime() + skew < now) {
            throw OAuthError.invalidClient("The assertion expired at " + exp.toInstant());
        }
        if (exp.getTime() > now + MAX_LIFETIME.toMillis() + skew) {
            throw OAuthError.invalidClient("The assertion's exp (" + exp.toInstant()
                    + ") is more than five minutes ahead; assertions must be short-lived");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.getTime() > now + skew) {
            throw OAuthError.invalidClient("The assertion is not valid before " + nbf.toInstant());
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.getTime() > now + skew) {
            throw OAuthError.invalidClient("The assertion's iat is in the future");
        }
        return exp.getTime();
    }

}
