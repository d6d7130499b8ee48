package org.bulkfhir.server.auth;

import org.bulkfhir.core.smart.Scopes;

/**
 * The caller of a protected endpoint: the client a token was issued to and what it may do.
 * In {@code --auth open} mode every caller is {@link #ANONYMOUS}, with every permission.
 */
public record Principal(String clientId, Scopes scopes, boolean anonymous) {
    public static final String ANONYMOUS_ID = "anonymous";
    public static final Principal ANONYMOUS = new Principal(ANONYMOUS_ID, Scopes.all(), true);

    public static Principal client(String clientId, Scopes scopes) {
        return new Principal(clientId, scopes, false);
    }
}
