package org.bulkfhir.server.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.core.smart.Scopes;
import org.bulkfhir.server.http.BaseUrls;
import org.bulkfhir.server.http.Exchange;
import org.bulkfhir.server.http.HttpError;
import org.bulkfhir.server.http.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /auth/token}: the SMART Backend Services token endpoint (S-86…S-94, §4.11). The
 * {@code client_credentials} grant with a {@code private_key_jwt} assertion, answered with a
 * short-lived bearer token for the requested scopes that the client is allowed, or with an
 * RFC 6749 error. Rate limited per caller address before any work, and per client after it
 * authenticated (a limit keyed on an unverified {@code iss} would let anyone lock a client out).
 */
public final class TokenEndpoint {
    static final String GRANT_TYPE = "client_credentials";
    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final long MAX_FORM_BYTES = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);

    private final ClientAssertionVerifier verifier;
    private final AccessTokens tokens;
    private final BaseUrls urls;
    private final RequestLimiter byAddress;
    private final RequestLimiter byClient;

    public TokenEndpoint(ClientAssertionVerifier verifier, AccessTokens tokens, BaseUrls urls, RequestLimiter byAddress,
                         RequestLimiter byClient) {
        this.verifier = verifier;
        this.tokens = tokens;
        this.urls = urls;
        this.byAddress = byAddress;
        this.byClient = byClient;
    }

    public void register(Router router) {
        router.add("POST", AuthPaths.TOKEN + "/?", this::token);
    }

    private void token(Exchange ex, Matcher m) {
        String address = ex.remoteAddress();
        String claimed = null;
        try {
            long wait = byAddress.acquire("ip:" + address);
            if (wait > 0) {
                throw OAuthError.tooManyRequests(wait);
            }
            Map<String, String> form = form(ex);
            String grantType = form.get("grant_type");
            if (grantType == null || grantType.isBlank()) {
                throw OAuthError.invalidRequest("grant_type is required; use client_credentials");
            }
            if (!GRANT_TYPE.equals(grantType)) {
                throw OAuthError.unsupportedGrantType("grant_type '" + grantType + "' is not supported; use client_credentials");
            }
            String assertionType = form.get("client_assertion_type");
            if (!ASSERTION_TYPE.equals(assertionType)) {
                throw OAuthError.invalidClient("client_assertion_type must be " + ASSERTION_TYPE
                        + (assertionType == null ? "" : ", not '" + assertionType + "'"));
            }
            String assertion = form.get("client_assertion");
            if (assertion == null || assertion.isBlank()) {
                throw OAuthError.invalidClient("client_assertion is required: a JWT signed with your registered key");
            }
            claimed = unverifiedIssuer(assertion);
            String scope = form.get("scope");
            if (scope == null || scope.isBlank()) {
                throw OAuthError.invalidRequest("scope is required, e.g. system/*.rs or system/*.read");
            }
            RegisteredClient client = verifier.verify(assertion, AuthPaths.tokenUrl(urls, ex));
            wait = byClient.acquire("client:" + client.clientId());
            if (wait > 0) {
                throw OAuthError.tooManyRequests(wait);
            }
            Scopes granted = grant(scope, client);
            AccessTokens.Issued issued = tokens.issue(client.clientId(), granted);
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("access_token", issued.token());
            body.put("token_type", "bearer");
            body.put("expires_in", issued.expiresIn());
            body.put("scope", granted.toString());
            AuditLog.tokenIssued(client.clientId(), address, granted.toString(), issued.expiresIn());
            OAuthResponses.json(ex, 200, body);
        } catch (OAuthError e) {
            AuditLog.tokenRefused(claimed, address, e.error(), e.getMessage());
            OAuthResponses.error(ex, e);
        } catch (HttpError e) {
            AuditLog.tokenRefused(claimed, address, "invalid_request", e.getMessage());
            OAuthResponses.error(ex, OAuthError.invalidRequest(e.getMessage()));
        } catch (java.io.IOException e) {
            AuditLog.tokenRefused(claimed, address, "invalid_request", "unreadable body");
            OAuthResponses.error(ex, OAuthError.invalidRequest("The request body could not be read"));
        } catch (RuntimeException e) {
            LOG.error("token request failed", e);
            AuditLog.tokenRefused(claimed, address, "server_error", e.getClass().getSimpleName());
            OAuthResponses.error(ex, new OAuthError(500, "server_error", "The server could not issue a token; retry later"));
        }
    }

    /**
     * Requested ∩ allowed. Scopes the server does not grant to backend services ({@code patient/},
     * {@code user/}, ...) are left out; a result without any read permission is refused, since a
     * write-only token is no use to a Bulk Data client.
     */
    static Scopes grant(String requestedText, RegisteredClient client) {
        Scopes requested = Scopes.parse(requestedText);
        if (requested.isEmpty()) {
            throw OAuthError.invalidScope("None of the requested scopes (" + requestedText
                    + ") is a system/ scope this server grants; ask for e.g. system/*.rs or system/Patient.read");
        }
        Scopes granted = requested.narrowTo(Scopes.parse(client.scopes()));
        if (granted.isEmpty()) {
            throw OAuthError.invalidScope("The requested scopes are not allowed for this client; it may be granted: "
                    + client.scopes());
        }
        if (!granted.grantsAnyRead()) {
            throw OAuthError.invalidScope("The granted scopes (" + granted + ") include no read permission;"
                    + " ask for read access, e.g. system/*.rs");
        }
        return granted;
    }

    /** The form body; a repeated parameter is an error (RFC 6749 §3.2). */
    private static Map<String, String> form(Exchange ex) throws java.io.IOException {
        String type = ex.header("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw OAuthError.invalidRequest("The token request must be application/x-www-form-urlencoded");
        }
        String body = new String(ex.body(MAX_FORM_BYTES), StandardCharsets.UTF_8);
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw OAuthError.invalidRequest("The form body is not valid URL encoding");
            }
            if (out.put(name, value) != null) {
                throw OAuthError.invalidRequest("Parameter '" + name + "' appears more than once");
            }
        }
        return out;
    }

    /** The assertion's {@code iss}, read without verification, for the audit line of a refusal. */
    private static String unverifiedIssuer(String assertion) {
        try {
            String iss = com.nimbusds.jwt.JWTParser.parse(assertion).getJWTClaimsSet().getIssuer();
            return iss == null || iss.length() > 100 ? null : iss;
        } catch (java.text.ParseException | RuntimeException e) {
            return null;
        }
    }
}
