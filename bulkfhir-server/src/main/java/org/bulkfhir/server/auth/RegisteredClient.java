package org.bulkfhir.server.auth;

import com.nimbusds.jose.jwk.JWKSet;

/**
 * A registered Backend Services client. Keys come from {@code jwksUrl} (fetched and cached), from
 * the inline {@code jwks}, or both.
 *
 * @param scopes the space-separated scopes the client is allowed to be granted
 */
public record RegisteredClient(String clientId, String name, String jwksUrl, JWKSet jwks, String scopes, Status status,
                               long created) {
    public enum Status {
        ACTIVE, DISABLED;

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }
}
