package org.bulkfhir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLHandshakeException;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.http.TlsFailures;
import org.bulkfhir.core.json.Json;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "register", mixinStandardHelpOptions = true,
        description = {"Registers a Backend Services client with a server's /auth/register endpoint.",
                "Prints the new client_id alone on the last line."})
final class RegisterCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, paramLabel = "URL",
            description = "The server's FHIR base, e.g. http://127.0.0.1:8080/fhir.")
    String server;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Keys keys;

    static final class Keys {
        @Option(names = "--jwks", paramLabel = "FILE", description = "The client's public JWKS file (inline registration).")
        Path file;

        @Option(names = "--jwks-url", paramLabel = "URL", description = "A URL where the server fetches the public JWKS.")
        String url;
    }

    @Option(names = "--scope", paramLabel = "SCOPES", description = "Allowed scopes, space-separated (default: the server's, system/*.rs).")
    String scope;

    @Option(names = "--name", paramLabel = "NAME", description = "A name for the client.")
    String name;

    @Option(names = "--admin-token", paramLabel = "TOKEN", description = "The server's admin token (env BULKFHIR_ADMIN_TOKEN).")
    String adminToken;

    @Mixin
    TrustOptions trust;

    @Override
    public Integer call() throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (keys.file != null) {
            JsonNode jwks = Json.MAPPER.readTree(Files.readString(keys.file));
            if (jwks.has("keys") && jwks.toString().contains("\"d\"")) {
                throw new UsageError(keys.file + " holds private keys; register the public JWKS (public.jwks.json)");
            }
            body.set("jwks", jwks);
        } else {
            body.put("jwks_uri", keys.url);
        }
        if (scope != null) {
            body.put("scope", scope);
        }
        if (name != null) {
            body.put("client_name", name);
        }
        String base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        String root = base.endsWith("/fhir") ? base.substring(0, base.length() - "/fhir".length()) : base;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(root + "/auth/register"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        String token = adminToken != null ? adminToken : System.getenv("BULKFHIR_ADMIN_TOKEN");
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpRequest built = request.build();
        HttpResponse<String> response;
        try {
            // The client's HTTP setup: TLS 1.2+ only, certificates verified, --ca-file honoured (C-1).
            response = Http.newClient(trust.sslContext()).send(built, HttpResponse.BodyHandlers.ofString());
        } catch (SSLHandshakeException e) {
            BulkDataException definite = TlsFailures.explain(built.uri(), e);
            if (definite != null) {
                throw definite;
            }
            throw e;
        }
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(response.body());
        } catch (Exception e) {
            answer = Json.MAPPER.createObjectNode();
        }
        if (response.statusCode() != 201) {
            String why = answer.path("error_description").asText(answer.path("error").asText(response.body()));
            throw new IllegalStateException("registration refused (HTTP " + response.statusCode() + "): " + why);
        }
        System.out.println("Registered client '" + answer.path("client_name").asText("(no name)") + "' with scopes "
                + answer.path("scope").asText());
        System.out.println(answer.path("client_id").asText());
        return 0;
    }
}
