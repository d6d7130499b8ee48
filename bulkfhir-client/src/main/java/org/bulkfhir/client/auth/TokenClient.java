package org.bulkfhir.client.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.http.Pacing;
import org.bulkfhir.client.http.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets access tokens with the client-credentials grant and a signed assertion (C-8), and keeps
 * the current one until shortly before it expires (C-11): exports outlive 5-minute tokens, so
 * every request asks here and a renewal happens in passing. Thread-safe; parallel downloads
 * share one token.
 */
public final class TokenClient implements Authorizer {
    private static final Logger LOG = LoggerFactory.getLogger(TokenClient.class);
    public static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final Http http;
    private final URI tokenEndpoint;
    private final String clientId;
    private final ClientKey key;
    private final String scope;
    private final Pacing pacing;
    private String token;
    private Instant renewAt = Instant.MIN;
    private String grantedScope;
    private int issued;

    /** @param http must not itself authorize (the token endpoint takes no bearer token) */
    public TokenClient(Http http, URI tokenEndpoint, String clientId, ClientKey key, String scope, Pacing pacing) {
        this.http = http.withAuthorizer(Authorizer.NONE);
        this.tokenEndpoint = tokenEndpoint;
        this.clientId = clientId;
        this.key = key;
        this.scope = scope;
        this.pacing = pacing;
    }

    @Override
    public synchronized String bearerToken() throws IOException, InterruptedException {
        if (token == null || !pacing.clock().instant().isBefore(renewAt)) {
            fetch();
        }
        return token;
    }

    @Override
    public synchronized void rejected(String rejected) {
        if (rejected != null && rejected.equals(token)) {
            token = null;
        }
    }

    /** The scope the server granted, which may be narrower than the request (C-9); null before the first token. */
    public synchronized String grantedScope() {
        return grantedScope;
    }

    /** How many tokens this client obtained (for diagnostics and tests). */
    public synchronized int tokensIssued() {
        return issued;
    }

    private void fetch() throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "client_credentials");
            form.put("scope", scope);
            form.put("client_assertion_type", ASSERTION_TYPE);
            form.put("client_assertion", ClientAssertion.create(key, clientId, tokenEndpoint, pacing.clock()));
            byte[] body = form.entrySet().stream()
                    .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                    .collect(Collectors.joining("&")).getBytes(StandardCharsets.US_ASCII);
            HttpResponse<byte[]> r;
            try {
                r = http.send(Http.Call.post(tokenEndpoint, "application/x-www-form-urlencoded", body)
                        .header("Accept", "application/json").withToken(false), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (attempt + 1 >= pacing.transientRetries()) {
                    throw new BulkDataException(BulkDataException.Kind.UNAVAILABLE,
                            "the token endpoint " + Http.safe(tokenEndpoint) + " is unreachable: " + e.getMessage(), e);
                }
                pacing.pause(pacing.backoff(attempt));
                continue;
            }
            int s = r.statusCode();
            if (s == 200 || s == 201) {
                accept(r.body());
                return;
            }
            // Throttling and server trouble are worth waiting out; credential errors are not:
            // retrying a refused assertion in a loop only fills the server's audit log.
            if ((s == 429 || s >= 500) && attempt + 1 < pacing.transientRetries()) {
                pacing.pause(pacing.delay(r.headers().firstValue("Retry-After").orElse(null), attempt));
                continue;
            }
            throw refused(r);
        }
    }

    private void accept(byte[] body) {
        JsonNode json = Responses.json(body);
        if (json == null || json.path("access_token").asText("").isEmpty()) {
            throw new BulkDataException(BulkDataException.Kind.AUTHORIZATION,
                    "the token endpoint answered without an access_token");
        }
        String type = json.path("token_type").asText("bearer");
        if (!"bearer".equalsIgnoreCase(type)) { // C-10: "Bearer" and "bearer" both occur
            throw new BulkDataException(BulkDataException.Kind.AUTHORIZATION,
                    "the token endpoint issued a '" + type + "' token; only bearer tokens are supported");
        }
        long lifetime = 300;
        JsonNode exp = json.path("expires_in");
        if (exp.isNumber()) {
            lifetime = exp.asLong();
        } else if (exp.isTextual() && exp.asText().trim().matches("\\d+")) {
            lifetime = Long.parseLong(exp.asText().trim());
        }
        // Renew well before expiry so a request in flight never carries a token that lapses on arrival.
        long margin = Math.min(60, Math.max(1, lifetime / 4));
        token = json.path("access_token").asText();
        renewAt = pacing.clock().instant().plus(Duration.ofSeconds(Math.max(0, lifetime - margin)));
        grantedScope = json.path("scope").asText(scope);
        issued++;
        if (!sameScopes(grantedScope, scope)) {
            LOG.warn("The server granted scope '{}' (asked for '{}'); resource types outside it will be missing",
                    grantedScope, scope);
        }
        LOG.debug("Obtained an access token valid for {}s", lifetime);
    }

    private BulkDataException refused(HttpResponse<byte[]> r) {
        JsonNode json = Responses.json(r.body());
        String error = json == null ? null : json.path("error").asText(null);
        String description = json == null ? null : json.path("error_description").asText(null);
        String what = "the token endpoint " + Http.safe(tokenEndpoint) + " refused the request (HTTP " + r.statusCode()
                + (error == null ? "" : ", " + error) + (description == null ? "" : ": " + description) + ")";
        String hint = switch (error == null ? "" : error) {
            case "invalid_client" -> "; check that client id '" + clientId + "' is registered with the public key"
                    + " whose kid is '" + key.kid() + "' (" + key.algorithm() + "), that this machine's clock is"
                    + " right (the assertion expires " + ClientAssertion.LIFETIME.toSeconds() + "s after signing),"
                    + " and that the token URL the server expects as 'aud' is exactly " + tokenEndpoint;
            case "invalid_scope" -> "; the client is not allowed scope '" + scope + "': ask for fewer or"
                    + " narrower system/ scopes (--scope), e.g. system/Patient.rs, or have the registration widened";
            case "unauthorized_client" -> "; the client may not use the client_credentials grant; check its registration";
            case "invalid_grant" -> "; the assertion was refused: check the clock, the kid and the registered key";
            default -> r.statusCode() == 404 ? "; is the token URL right?" : "";
        };
        return new BulkDataException(BulkDataException.Kind.AUTHORIZATION, what + hint);
    }

    private static boolean sameScopes(String a, String b) {
        return normalize(a).equals(normalize(b));
    }

    private static java.util.Set<String> normalize(String s) {
        return java.util.Arrays.stream(s.trim().split("\\s+")).map(x -> x.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
