package org.bulkfhir.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Matcher;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.server.http.Exchange;
import org.bulkfhir.server.http.Router;

/**
 * {@code POST /auth/register}: RFC 7591-style registration of a Backend Services client, with
 * {@code jwks_uri} or an inline {@code jwks} (S-84), optional {@code scope} and
 * {@code client_name}. Needs the operator's admin token as a Bearer token (an RFC 7591 initial
 * access token) unless the server runs with open registration.
 */
public final class RegistrationEndpoint {
    private static final long MAX_BODY_BYTES = 256 * 1024;

    private final ClientRegistry registry;
    private final AuthConfig config;
    private final RateLimiter byAddress;

    public RegistrationEndpoint(ClientRegistry registry, AuthConfig config, RateLimiter byAddress) {
        this.registry = registry;
        this.config = config;
        this.byAddress = byAddress;
    }

    public void register(Router router) {
        router.add("POST", AuthPaths.REGISTER + "/?", this::registerClient);
    }

    private void registerClient(Exchange ex, Matcher m) throws Exception {
        String address = ex.remoteAddress();
        long wait = byAddress.acquire("ip:" + address);
        if (wait > 0) {
            OAuthResponses.error(ex, OAuthError.tooManyRequests(wait));
            return;
        }
        if (!config.openRegistration()) {
            String refusal = checkAdmin(ex.header("Authorization"));
            if (refusal != null) {
                AuditLog.registrationRefused(address, refusal);
                ex.setHeader("WWW-Authenticate", "Bearer realm=\"bulkfhir-registration\", error=\"invalid_token\"");
                OAuthResponses.error(ex, new OAuthError(401, "invalid_token", refusal));
                return;
            }
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(new String(ex.body(MAX_BODY_BYTES), StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            refuse(ex, address, "The registration request is not JSON");
            return;
        }
        if (body == null || !body.isObject()) {
            refuse(ex, address, "The registration request must be a JSON object");
            return;
        }
        JsonNode jwksUri = body.get("jwks_uri");
        JsonNode jwks = body.get("jwks");
        if (jwksUri != null && !jwksUri.isTextual()) {
            refuse(ex, address, "jwks_uri must be a string");
            return;
        }
        if (jwks != null && !jwks.isObject()) {
            refuse(ex, address, "jwks must be a JSON Web Key Set object ({\"keys\":[...]})");
            return;
        }
        if (jwksUri == null && jwks == null) {
            refuse(ex, address, "Give jwks_uri (a URL serving your public JWKS) or jwks (the public JWKS itself)");
            return;
        }
        JsonNode scope = body.get("scope");
        JsonNode name = body.get("client_name");
        RegisteredClient client;
        try {
            client = registry.register(name != null && name.isTextual() ? name.asText() : null,
                    jwksUri == null ? null : jwksUri.asText(), jwks == null ? null : Json.MAPPER.writeValueAsString(jwks),
                    scope != null && scope.isTextual() ? scope.asText() : null);
        } catch (IllegalArgumentException e) {
            refuse(ex, address, e.getMessage());
            return;
        }
        AuditLog.clientRegistered(client.clientId(), address, config.openRegistration() ? "open-registration" : "admin-token");
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("client_id", client.clientId());
        out.put("client_id_issued_at", client.created() / 1000);
        if (client.name() != null) {
            out.put("client_name", client.name());
        }
        if (client.jwksUrl() != null) {
            out.put("jwks_uri", client.jwksUrl());
        }
        if (client.jwks() != null) {
            out.set("jwks", Json.MAPPER.readTree(client.jwks().toString(true)));
        }
        out.put("scope", client.scopes());
        out.putArray("grant_types").add(TokenEndpoint.GRANT_TYPE);
        out.put("token_endpoint_auth_method", "private_key_jwt");
        OAuthResponses.json(ex, 201, out);
    }

    private void refuse(Exchange ex, String address, String reason) {
        AuditLog.registrationRefused(address, reason);
        OAuthResponses.error(ex, new OAuthError(400, "invalid_client_metadata", reason));
    }

    /** @return null when the admin token is right, else why not */
    private String checkAdmin(String authorization) {
        if (config.adminToken() == null) {
            return "Registration over HTTP is closed on this server (no admin token configured);"
                    + " start it with --admin-token or --open-registration";
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "Registration needs the server's admin token: Authorization: Bearer <admin token>";
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        byte[] expected = config.adminToken().getBytes(StandardCharsets.UTF_8);
        // Constant time, so the token cannot be guessed a byte at a time.
        return MessageDigest.isEqual(given, expected) ? null : "The admin token is not valid";
    }
}
