package org.bulkfhir.client.stub;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SMART Backend Services authorization server on a {@link StubServer}: smart-configuration
 * (with a relative token endpoint, as legacy servers send) and a token endpoint that really
 * verifies the client assertion with Nimbus against the registered public JWKS.
 */
public final class TokenStub {
    public final StubServer http;
    public final String clientId;
    private final JWKSet publicJwks;
    public volatile String tokenType = "Bearer";
    public volatile long expiresIn = 3600;
    /** When set, a requested scope must be one of these words, else invalid_scope. */
    public volatile Set<String> allowedScopes;
    /** The error to answer with instead of a token, e.g. invalid_client. */
    public volatile String forceError;
    public final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    public final List<SignedJWT> assertions = new CopyOnWriteArrayList<>();
    public final List<Map<String, String>> forms = new CopyOnWriteArrayList<>();
    public final List<String> failures = new CopyOnWriteArrayList<>();
    private final Set<String> seenJti = ConcurrentHashMap.newKeySet();
    private final AtomicInteger counter = new AtomicInteger();

    public TokenStub(StubServer http, String clientId, JWKSet publicJwks) {
        this.http = http;
        this.clientId = clientId;
        this.publicJwks = publicJwks;
        http.on("GET", "/fhir/.well-known/smart-configuration", (req, reply) -> reply.json(200,
                "{\"token_endpoint\":\"../auth/token\",\"grant_types_supported\":[\"client_credentials\"],"
                        + "\"token_endpoint_auth_methods_supported\":[\"private_key_jwt\"],"
                        + "\"token_endpoint_auth_signing_alg_values_supported\":[\"RS384\",\"ES384\"],"
                        + "\"scopes_supported\":[\"system/*.read\",\"system/*.rs\"],"
                        + "\"capabilities\":[\"client-confidential-asymmetric\",\"permission-v2\"]}"));
        http.on("POST", "/auth/token", (req, reply) -> token(req, reply));
    }

    public String tokenUrl() {
        return http.base() + "/auth/token";
    }

    public boolean isValid(String authorization) {
        return authorization != null && authorization.startsWith("Bearer ")
                && validTokens.contains(authorization.substring(7));
    }

    /** Simulates every issued token expiring at once. */
    public void expireAll() {
        validTokens.clear();
    }

    private void token(StubServer.Req req, StubServer.Reply reply) throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : req.bodyText().split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        forms.add(form);
        String problem = verify(form);
        if (problem == null && forceError != null) {
            problem = forceError + ":forced";
        }
        if (problem != null) {
            failures.add(problem);
            String code = problem.substring(0, problem.indexOf(':'));
            reply.json(code.equals("invalid_client") ? 401 : 400,
                    "{\"error\":\"" + code + "\",\"error_description\":\"" + problem.substring(problem.indexOf(':') + 1) + "\"}");
            return;
        }
        String token = "tok-" + counter.incrementAndGet();
        validTokens.add(token);
        reply.json(200, "{\"access_token\":\"" + token + "\",\"token_type\":\"" + tokenType + "\",\"expires_in\":"
                + expiresIn + ",\"scope\":\"" + form.get("scope") + "\"}");
    }

    private String verify(Map<String, String> form) throws Exception {
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return "unsupported_grant_type:grant_type";
        }
        if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))) {
            return "invalid_request:client_assertion_type";
        }
        String scope = form.get("scope");
        if (scope == null || scope.isBlank()) {
            return "invalid_request:scope missing";
        }
        SignedJWT jwt = SignedJWT.parse(form.get("client_assertion"));
        assertions.add(jwt);
        if (jwt.getHeader().getType() == null || !"JWT".equals(jwt.getHeader().getType().getType())) {
            return "invalid_client:typ";
        }
        JWK key = publicJwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        if (key == null) {
            return "invalid_client:unknown kid";
        }
        JWSVerifier verifier = key instanceof ECKey ec ? new ECDSAVerifier(ec) : new RSASSAVerifier((RSAKey) key);
        if (!jwt.verify(verifier)) {
            return "invalid_client:signature";
        }
        JWTClaimsSet c = jwt.getJWTClaimsSet();
        if (!clientId.equals(c.getIssuer()) || !clientId.equals(c.getSubject())) {
            return "invalid_client:iss/sub";
        }
        if (!List.of(tokenUrl()).equals(c.getAudience())) {
            return "invalid_client:aud";
        }
        long now = System.currentTimeMillis() / 1000;
        long exp = c.getExpirationTime().getTime() / 1000;
        if (exp <= now || exp > now + 300) {
            return "invalid_client:exp";
        }
        if (c.getJWTID() == null || !seenJti.add(c.getJWTID())) {
            return "invalid_client:jti reused";
        }
        if (allowedScopes != null) {
            for (String s : scope.split(" ")) {
                if (!allowedScopes.contains(s)) {
                    return "invalid_scope:" + s + " not allowed";
                }
            }
        }
        return null;
    }
}
