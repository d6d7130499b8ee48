package org.bulkfhir.client.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.http.Responses;

/**
 * What {@code [base]/.well-known/smart-configuration} says (C-5). Only the token endpoint is
 * needed to get tokens; the rest helps explain failures (wrong algorithm, v1 vs v2 scopes).
 */
public record SmartConfiguration(URI tokenEndpoint, List<String> grantTypes, List<String> scopes,
        List<String> capabilities, List<String> authMethods, List<String> signingAlgorithms, URI registrationEndpoint) {

    public static URI wellKnown(URI base) {
        return Urls.withTrailingSlash(base).resolve(".well-known/smart-configuration");
    }

    public static SmartConfiguration discover(Http http, URI base) throws IOException, InterruptedException {
        URI url = wellKnown(base);
        HttpResponse<byte[]> r = http.send(Http.Call.get(url).header("Accept", "application/json").withToken(false),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new BulkDataException(BulkDataException.Kind.AUTHORIZATION, "SMART discovery at " + Http.safe(url)
                    + " failed (" + Responses.describe(r) + "); the server may not support SMART Backend Services,"
                    + " or the --server URL is not its FHIR base; pass --token-url to skip discovery");
        }
        JsonNode json = Responses.json(r.body());
        if (json == null || !json.isObject()) {
            throw new BulkDataException(BulkDataException.Kind.AUTHORIZATION,
                    "SMART discovery at " + Http.safe(url) + " did not return a JSON object");
        }
        return parse(json, base);
    }

    static SmartConfiguration parse(JsonNode json, URI base) {
        String token = json.path("token_endpoint").asText(null);
        if (token == null || token.isBlank()) {
            throw new BulkDataException(BulkDataException.Kind.AUTHORIZATION,
                    "the server's smart-configuration has no token_endpoint; pass --token-url");
        }
        String reg = json.path("registration_endpoint").asText(null);
        return new SmartConfiguration(Urls.resolveAgainstBase(base, token), strings(json, "grant_types_supported"),
                strings(json, "scopes_supported"), strings(json, "capabilities"),
                strings(json, "token_endpoint_auth_methods_supported"),
                strings(json, "token_endpoint_auth_signing_alg_values_supported"),
                reg == null || reg.isBlank() ? null : Urls.resolveAgainstBase(base, reg));
    }

    private static List<String> strings(JsonNode json, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : json.path(field)) {
            if (n.isTextual()) {
                out.add(n.asText());
            }
        }
        return List.copyOf(out);
    }
}
