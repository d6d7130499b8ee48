package org.bulkfhir.server.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.server.http.Exchange;

/** JSON answers of the authorization endpoints, never cached (RFC 6749 §5.1). */
final class OAuthResponses {
    private OAuthResponses() {
    }

    static void json(Exchange ex, int status, ObjectNode body) {
        ex.setHeader("Cache-Control", "no-store");
        ex.setHeader("Pragma", "no-cache");
        try {
            ex.respond(status, Exchange.JSON, Json.MAPPER.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void error(Exchange ex, OAuthError error) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("error", error.error());
        body.put("error_description", error.getMessage());
        if (error.retryAfterSeconds() > 0) {
            ex.setHeader("Retry-After", Long.toString(error.retryAfterSeconds()));
        }
        json(ex, error.status(), body);
    }
}
