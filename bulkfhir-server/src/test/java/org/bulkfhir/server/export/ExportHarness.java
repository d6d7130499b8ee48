package org.bulkfhir.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;

/** A server on an ephemeral loopback port over a given database, and an HTTP client that speaks to it. */
final class ExportHarness implements AutoCloseable {
    final String jdbcUrl;
    final Path dataDir;
    final ResourceStore store;
    final BulkFhirServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ExportHarness(String jdbcUrl, Path dataDir, ExportConfig export) throws Exception {
        this.jdbcUrl = jdbcUrl;
        this.dataDir = dataDir;
        this.store = JdbcResourceStore.open(jdbcUrl);
        try {
            this.server = BulkFhirServer.start(ServerConfig.defaults(dataDir).withPort(0).withExport(export), store);
        } catch (Exception e) {
            store.close();
            throw e;
        }
    }

    static ExportConfig testConfig(Path dataDir) {
        return ExportConfig.defaults(dataDir).withWorkers(2).withMinPollInterval(Duration.ofMillis(200))
                .withJanitorInterval(Duration.ofHours(1));
    }

    /** The same URL on this harness's server (a restarted node listens on a new port). */
    String rebase(String url) {
        int fhir = url.indexOf("/fhir");
        return base() + url.substring(fhir + "/fhir".length());
    }

    org.bulkfhir.store.export.ExportJobRepository jobs() {
        return server.exports().jobs();
    }

    String base() {
        return server.baseUrl();
    }

    HttpResponse<byte[]> get(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> delete(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).DELETE().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> post(String url, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/fhir+json");
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Kicks off with the IG's recommended headers and returns the absolute status URL. */
    String kickoff(String pathAndQuery, String... extraHeaders) throws Exception {
        List<String> headers = new ArrayList<>(List.of("Accept", "application/fhir+json", "Prefer", "respond-async"));
        headers.addAll(List.of(extraHeaders));
        HttpResponse<byte[]> r = get(base() + pathAndQuery, headers.toArray(String[]::new));
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        String location = r.headers().firstValue("Content-Location").orElseThrow();
        assertThat(URI.create(location).isAbsolute()).isTrue();
        return location;
    }

    /** Polls as a client should (about every Retry-After, tolerating 429) until the manifest arrives. */
    JsonNode awaitManifest(String statusUrl) {
        AtomicReference<JsonNode> manifest = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            HttpResponse<byte[]> r = get(statusUrl, "Accept", "application/json");
            if (r.statusCode() == 200) {
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
                manifest.set(Json.MAPPER.readTree(r.body()));
                return true;
            }
            assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isIn(202, 429);
            return false;
        });
        return manifest.get();
    }

    List<String> lines(String url) throws Exception {
        HttpResponse<byte[]> r = get(url, "Accept", "application/fhir+ndjson");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+ndjson");
        String body = new String(r.body(), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** Every output resource as Type/id, with how often it appeared; checks one type per file. */
    Map<String, Integer> exported(JsonNode manifest) throws Exception {
        Map<String, Integer> seen = new TreeMap<>();
        for (JsonNode item : manifest.path("output")) {
            String type = item.path("type").asText();
            List<String> lines = lines(item.path("url").asText());
            assertThat(item.path("count").asLong()).isEqualTo(lines.size());
            for (String line : lines) {
                JsonNode r = Json.MAPPER.readTree(line);
                assertThat(r.path("resourceType").asText()).isEqualTo(type);
                seen.merge(type + "/" + r.path("id").asText(), 1, Integer::sum);
            }
        }
        return seen;
    }

    /** Output as a set, failing on any duplicate. */
    Set<String> exportedOnce(JsonNode manifest) throws Exception {
        Map<String, Integer> seen = exported(manifest);
        assertThat(seen).allSatisfy((ref, n) -> assertThat(n).as(ref + " exported more than once").isEqualTo(1));
        return new TreeSet<>(seen.keySet());
    }

    Set<String> deleted(JsonNode manifest) throws Exception {
        Set<String> refs = new TreeSet<>();
        for (JsonNode item : manifest.path("deleted")) {
            for (String line : lines(item.path("url").asText())) {
                JsonNode b = Json.MAPPER.readTree(line);
                assertThat(b.path("resourceType").asText()).isEqualTo("Bundle");
                assertThat(b.path("type").asText()).isEqualTo("transaction");
                for (JsonNode e : b.path("entry")) {
                    assertThat(e.path("request").path("method").asText()).isEqualTo("DELETE");
                    refs.add(e.path("request").path("url").asText());
                }
            }
        }
        return refs;
    }

    @Override
    public void close() throws Exception {
        try {
            server.close();
        } finally {
            store.close();
        }
    }
}
