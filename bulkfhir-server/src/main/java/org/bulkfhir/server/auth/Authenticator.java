package org.bulkfhir.server.auth;

import java.util.List;
import java.util.Map;
import org.bulkfhir.core.smart.Scope.Permission;
import org.bulkfhir.server.http.Exchange;
import org.bulkfhir.server.http.HttpError;

/**
 * The guard of every protected endpoint (S-12, S-13, S-95). {@link #authenticate} answers who
 * is calling or throws a 401; the {@code require…} methods check the caller's scopes and throw
 * a 403. Both become OperationOutcomes through the router, with the RFC 6750
 * {@code WWW-Authenticate} header.
 *
 * <p>In {@code --auth open} mode nothing is checked: every caller is {@link Principal#ANONYMOUS}
 * with every permission.
 */
public final class Authenticator {
    static final String REALM = "bulkfhir";

    private final AuthMode mode;
    private final AccessTokens tokens;

    public Authenticator(AuthMode mode, AccessTokens tokens) {
        this.mode = mode;
        this.tokens = tokens;
    }

    /** For servers without authorization. */
    public static Authenticator open() {
        return new Authenticator(AuthMode.OPEN, null);
    }

    public AuthMode mode() {
        return mode;
    }

    /**
     * Who is calling. Missing, malformed, expired, or wrongly signed tokens give 401 (Inferno
     * accepts 400 or 401 for a missing token, not 403, §5.27).
     */
    public Principal authenticate(Exchange ex) {
        if (mode == AuthMode.OPEN) {
            return Principal.ANONYMOUS;
        }
        List<String> headers = ex.headers("Authorization");
        if (headers.isEmpty()) {
            throw unauthorized(ex, null, "This endpoint needs an access token: Authorization: Bearer <token>"
                    + " (get one from the token endpoint in .well-known/smart-configuration)");
        }
        if (headers.size() > 1) {
            throw unauthorized(ex, "invalid_request", "Send one Authorization header");
        }
        String header = headers.get(0).trim();
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            throw unauthorized(ex, "invalid_request", "The Authorization header must be 'Bearer <access token>'");
        }
        try {
            return tokens.verify(header.substring(7).trim());
        } catch (AccessTokens.InvalidTokenException e) {
            throw unauthorized(ex, "invalid_token", e.getMessage());
        }
    }

    /** 403 unless the caller may read {@code type} (unconstrained). */
    public static void requireRead(Exchange ex, Principal p, String type) {
        require(ex, p, type, Permission.READ, "read");
    }

    public static void requireSearch(Exchange ex, Principal p, String type) {
        require(ex, p, type, Permission.SEARCH, "search");
    }

    public static void requireCreate(Exchange ex, Principal p, String type) {
        require(ex, p, type, Permission.CREATE, "create");
    }

    public static void requireUpdate(Exchange ex, Principal p, String type) {
        require(ex, p, type, Permission.UPDATE, "update");
    }

    public static void requireDelete(Exchange ex, Principal p, String type) {
        require(ex, p, type, Permission.DELETE, "delete");
    }

    public static void require(Exchange ex, Principal p, String type, Permission permission, String verb) {
        if (p.scopes().allows(type, permission)) {
            return;
        }
        boolean constrained = !p.scopes().constrainedFor(type, permission).isEmpty();
        String v2 = "system/" + type + "." + permission.letter();
        throw forbidden(ex, p, v2, constrained
                ? "The access token grants " + verb + " on " + type + " only with query constraints, which this"
                        + " endpoint does not apply; a scope without constraints is needed"
                : "The access token does not allow " + verb + " on " + type + "; it needs a scope such as " + v2
                        + " (granted: " + (p.scopes().isEmpty() ? "none" : p.scopes()) + ")");
    }

    /** A 403 OperationOutcome with {@code error="insufficient_scope"}, for checks of the caller's own. */
    public static HttpError forbidden(Exchange ex, Principal p, String neededScope, String message) {
        AuditLog.accessDenied(p.clientId(), ex.remoteAddress(), ex.method(), ex.path(), 403, "insufficient_scope");
        return new HttpError(403, "forbidden", message, Map.of("WWW-Authenticate", "Bearer realm=\"" + REALM
                + "\", error=\"insufficient_scope\", scope=\"" + neededScope + "\""));
    }

    private static HttpError unauthorized(Exchange ex, String error, String message) {
        AuditLog.accessDenied(null, ex.remoteAddress(), ex.method(), ex.path(), 401, error == null ? "no_token" : error);
        String challenge = "Bearer realm=\"" + REALM + "\"";
        if (error != null) {
            // RFC 6750 §3: no error code when the request carried no credentials at all.
            challenge += ", error=\"" + error + "\", error_description=\"" + message.replace("\"", "'") + "\"";
        }
        return new HttpError(401, "login", message, Map.of("WWW-Authenticate", challenge));
    }
}
