package org.bulkfhir.server.auth;

/**
 * Authorization settings of a node.
 *
 * @param adminToken the operator's initial access token for {@code /auth/register}; null means
 *     registration over HTTP is closed unless {@code openRegistration}
 * @param tokenLifetimeSeconds access-token lifetime; SMART says it should not exceed 300 (S-93)
 * @param tokenRequestsPerMinute per caller address and per client on {@code /auth/token} (S-17)
 */
public record AuthConfig(AuthMode mode, String adminToken, boolean openRegistration, int tokenLifetimeSeconds,
                         int tokenRequestsPerMinute) {
    public static final int MAX_TOKEN_LIFETIME_SECONDS = 300;

    public AuthConfig {
        if (tokenLifetimeSeconds < 1 || tokenLifetimeSeconds > MAX_TOKEN_LIFETIME_SECONDS) {
            throw new IllegalArgumentException("Access tokens live between 1 and " + MAX_TOKEN_LIFETIME_SECONDS + " seconds");
        }
        if (tokenRequestsPerMinute < 1) {
            throw new IllegalArgumentException("tokenRequestsPerMinute must be positive");
        }
        if (adminToken != null && adminToken.isBlank()) {
            adminToken = null;
        }
    }

    /** No authorization: scenario 1, the library default so embedded servers and tests need no keys. */
    public static AuthConfig open() {
        return new AuthConfig(AuthMode.OPEN, null, false, MAX_TOKEN_LIFETIME_SECONDS, 120);
    }

    public static AuthConfig smart(String adminToken) {
        return new AuthConfig(AuthMode.SMART, adminToken, false, MAX_TOKEN_LIFETIME_SECONDS, 120);
    }

    public AuthConfig withOpenRegistration(boolean open) {
        return new AuthConfig(mode, adminToken, open, tokenLifetimeSeconds, tokenRequestsPerMinute);
    }

    public AuthConfig withTokenLifetimeSeconds(int seconds) {
        return new AuthConfig(mode, adminToken, openRegistration, seconds, tokenRequestsPerMinute);
    }

    public AuthConfig withTokenRequestsPerMinute(int perMinute) {
        return new AuthConfig(mode, adminToken, openRegistration, tokenLifetimeSeconds, perMinute);
    }

    public boolean smart() {
        return mode == AuthMode.SMART;
    }

    @Override
    public String toString() {
        // Never print the admin token.
        return "AuthConfig[mode=" + mode + ", adminToken=" + (adminToken == null ? "none" : "set")
                + ", openRegistration=" + openRegistration + ", tokenLifetimeSeconds=" + tokenLifetimeSeconds
                + ", tokenRequestsPerMinute=" + tokenRequestsPerMinute + "]";
    }
}
