package org.bulkfhir.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.server.BulkFhirServer;

/** Talks to a running server the way a Backend Services client does, over real HTTP. */
final class AuthFixture {
    static final String ADMIN_TOKEN = "admin-secret-for-tests";

    final HttpClient http;
    final String base;
    final String root;
    /** What assertions name as {@code aud}: the server's public token URL. */
    final String tokenUrl;

    AuthFixture(BulkFhirServer server) {
        this(server, HttpClient.newHttpClient());
    }

    AuthFixture(BulkFhirServer server, HttpClient http) {
        this(server.baseUrl(), server.tokenUrl(), http);
    }

    AuthFixture(String base, String tokenUrl, HttpClient http) {
        this.http = http;
        this.base = base;
        this.root = base.substring(0, base.length() - "/fhir".length());
        this.tokenUrl = tokenUrl;
    }

    // ------------------------------------------------------------ registration

    HttpResponse<String> registerRaw(String json, String adminToken) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + "/auth/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (adminToken != null) {
            b.header("Authorization", "Bearer " + adminToken);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String registerInline(String scope, JWK... keys) throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("jwks", Json.MAPPER.readTree(Keys.publicJwks(keys)));
        body.put("client_name", "test client");
        if (scope != null) {
            body.put("scope", scope);
        }
        return clientId(registerRaw(body.toString(), ADMIN_TOKEN));
    }

    String registerUrl(String scope, String jwksUrl) throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("jwks_uri", jwksUrl);
        if (scope != null) {
            body.put("scope", scope);
        }
        return clientId(registerRaw(body.toString(), ADMIN_TOKEN));
    }

    private static String clientId(HttpResponse<String> r) throws Exception {
        if (r.statusCode() != 201) {
            throw new AssertionError("registration answered " + r.statusCode() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body()).path("client_id").asText();
    }

    // ------------------------------------------------------------ assertions

    /** A well-formed assertion; {@code header} and {@code claims} may spoil exactly one thing. */
    String assertion(String clientId, JWK key, Consumer<JWSHeader.Builder> header, Consumer<JWTClaimsSet.Builder> claims) {
        JWSAlgorithm alg = key instanceof ECKey ? JWSAlgorithm.ES384 : JWSAlgorithm.RS384;
        JWSHeader.Builder h = new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT);
        header.accept(h);
        long now = System.currentTimeMillis();
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder()
                .issuer(clientId).subject(clientId).audience(tokenUrl)
                .expirationTime(new Date(now + 300_000)).jwtID(UUID.randomUUID().toString());
        claims.accept(c);
        return sign(h.build(), c.build(), key);
    }

    String assertion(String clientId, JWK key) {
        return assertion(clientId, key, h -> { }, c -> { });
    }

    static String sign(JWSHeader header, JWTClaimsSet claims, JWK key) {
        try {
            JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------ token requests

    static Map<String, String> tokenForm(String assertion, String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("scope", scope);
        form.put("client_assertion_type", TokenEndpoint.ASSERTION_TYPE);
        form.put("client_assertion", assertion);
        return form;
    }

    HttpResponse<String> tokenRequest(Map<String, String> form) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return tokenRequestRaw("application/x-www-form-urlencoded", body);
    }

    HttpResponse<String> tokenRequestRaw(String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(root + "/auth/token"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> tokenRequest(String assertion, String scope) throws Exception {
        return tokenRequest(tokenForm(assertion, scope));
    }

    /** A fresh access token for {@code clientId}, or an AssertionError with the server's answer. */
    String accessToken(String clientId, JWK key, String scope) throws Exception {
        HttpResponse<String> r = tokenRequest(assertion(clientId, key), scope);
        if (r.statusCode() != 200) {
            throw new AssertionError("token request answered " + r.statusCode() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body()).path("access_token").asText();
    }

    // ------------------------------------------------------------ FHIR calls

    HttpResponse<String> fhir(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/fhir+json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/fhir+json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }
}
