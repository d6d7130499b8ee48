package org.bulkfhir.client.auth;

import java.io.IOException;

/** Supplies the bearer token for protected requests. */
public interface Authorizer {
    /** For open servers: never a token. */
    Authorizer NONE = new Authorizer() {
        @Override
        public String bearerToken() {
            return null;
        }

        @Override
        public void rejected(String token) {
        }
    };

    /** A token valid for a while yet, fetching a new one when needed; null when the server is open. */
    String bearerToken() throws IOException, InterruptedException;

    /** The server answered 401 to this token: forget it so that the next call obtains a fresh one. */
    void rejected(String token);
}
