package org.bulkfhir.server.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Matcher;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.server.http.BaseUrls;
import org.bulkfhir.server.http.Exchange;
import org.bulkfhir.server.http.Router;

/**
 * {@code GET [base]/.well-known/smart-configuration} (S-82, S-83): always {@code application/json},
 * whatever the {@code Accept}; absolute endpoint URLs built from the externally visible base.
 *
 * <p>It describes a Backend Services server honestly: no {@code authorization_endpoint}, no
 * {@code authorization_code} grant, no PKCE methods. Inferno's SMART STU2 discovery test (an
 * optional group of its Bulk Data 2.0 suite, §5.32) requires those app-launch fields and so fails
 * here; advertising a launch flow this server does not have would mislead every other client,
 * and the Backend Services token tests that follow it do not depend on it.
 */
public final class SmartConfigurationEndpoint {
    static final List<String> SIGNING_ALGS = List.of("RS384", "ES384", "RS256", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES512");
    static final List<String> SCOPES = List.of("system/*.rs", "system/*.read", "system/*.cruds", "system/*.write",
            "system/*.*");

    private final BaseUrls urls;

    public SmartConfigurationEndpoint(BaseUrls urls) {
        this.urls = urls;
    }

    public void register(Router router) {
        router.add("GET", "/\\.well-known/smart-configuration/?", this::configuration);
    }

    private void configuration(Exchange ex, Matcher m) throws Exception {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("token_endpoint", AuthPaths.tokenUrl(urls, ex));
        out.put("registration_endpoint", AuthPaths.registrationUrl(urls, ex));
        array(out, "grant_types_supported", List.of(TokenEndpoint.GRANT_TYPE));
        array(out, "token_endpoint_auth_methods_supported", List.of("private_key_jwt"));
        array(out, "token_endpoint_auth_signing_alg_values_supported", SIGNING_ALGS);
        array(out, "scopes_supported", SCOPES);
        array(out, "capabilities", List.of("client-confidential-asymmetric", "permission-v1", "permission-v2"));
        ex.respond(200, Exchange.JSON, Json.MAPPER.writeValueAsBytes(out));
    }

    private static void array(ObjectNode out, String name, List<String> values) {
        ArrayNode a = out.putArray(name);
        values.forEach(a::add);
    }
}
