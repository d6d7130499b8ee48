package org.bulkfhir.server.auth;

/**
 * A token-endpoint failure as RFC 6749 §5.2 describes it: an error code, a description for the
 * client developer and the HTTP status. The description must never contain secrets.
 */
public final class OAuthError extends RuntimeException {
    private final String error;
    private final int status;
    private final long retryAfterSeconds;

    public OAuthError(int status, String error, String description) {
        this(status, error, description, -1);
    }

    private OAuthError(int status, String error, String description, long retryAfterSeconds) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * Client authentication failed. 400 rather than 401: clients here authenticate in the body,
     * not with an {@code Authorization} header, and RFC 6749 reserves 401 for the header case
     * (Inferno and the (g)(10) kit accept 400).
     */
    public static OAuthError invalidClient(String description) {
        return new OAuthError(400, "invalid_client", description);
    }

    public static OAuthError invalidRequest(String description) {
        return new OAuthError(400, "invalid_request", description);
    }

    public static OAuthError invalidScope(String description) {
        return new OAuthError(400, "invalid_scope", description);
    }

    public static OAuthError unsupportedGrantType(String description) {
        return new OAuthError(400, "unsupported_grant_type", description);
    }

    public static OAuthError tooManyRequests(long retryAfterSeconds) {
        return new OAuthError(429, "slow_down", "Too many token requests; retry after " + retryAfterSeconds + " s",
                retryAfterSeconds);
    }

    public String error() {
        return error;
    }

    public int status() {
        return status;
    }

    /** Seconds to wait, for 429; otherwise negative. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
