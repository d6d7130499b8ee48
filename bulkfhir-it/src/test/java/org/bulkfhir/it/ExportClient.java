package org.bulkfhir.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;

/** The Data Consumer side of the tests: kick-off, polling, and downloads that are checked as they stream. */
final class ExportClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = new JsonFactory();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<byte[]> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> delete(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).DELETE().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    String kickoff(String url) throws Exception {
        HttpResponse<byte[]> r = get(url, "Accept", "application/fhir+json", "Prefer", "respond-async");
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        return r.headers().firstValue("Content-Location").orElseThrow();
    }

    JsonNode awaitManifest(String statusUrl, Duration atMost) {
        AtomicReference<JsonNode> manifest = new AtomicReference<>();
        Awaitility.await("manifest at " + statusUrl).atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
            HttpResponse<byte[]> r = get(statusUrl);
            if (r.statusCode() == 200) {
                manifest.set(JSON.readTree(r.body()));
                return true;
            }
            assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isIn(202, 429);
            return false;
        });
        return manifest.get();
    }

    /**
     * Downloads every output file with no Authorization header, checks each file's line count,
     * size and CRC-32C against its manifest item, and counts every {@code Type/id} seen.
     */
    Map<String, Integer> exported(JsonNode manifest) throws Exception {
        Map<String, Integer> seen = new HashMap<>();
        for (JsonNode item : manifest.path("output")) {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(item.path("url").asText())).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).as(item.path("url").asText()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+ndjson");
            CRC32C crc = new CRC32C();
            long lines = 0;
            long bytes = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(new CheckedInputStream(r.body(), crc),
                    StandardCharsets.UTF_8), 1 << 16)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines++;
                    bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
                    String ref = typeAndId(line);
                    assertThat(ref).startsWith(item.path("type").asText() + "/");
                    seen.merge(ref, 1, Integer::sum);
                }
            }
            assertThat(lines).isEqualTo(item.path("count").asLong());
            JsonNode ext = item.path("extension");
            assertThat(bytes).isEqualTo(ext.path("https://bulkfhir.org/file-size").asLong());
            assertThat(HexFormat.of().toHexDigits((int) crc.getValue())).isEqualTo(ext.path("https://bulkfhir.org/crc32c").asText());
        }
        return seen;
    }

    /** {@code resourceType/id} from the top level of a resource line, without building a tree. */
    static String typeAndId(String line) throws Exception {
        String type = null;
        String id = null;
        try (JsonParser p = FACTORY.createParser(line)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME && (type == null || id == null)) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("resourceType")) {
                    type = p.getText();
                } else if (field.equals("id")) {
                    id = p.getText();
                } else if (value.isStructStart()) {
                    p.skipChildren();
                }
            }
        }
        return type + "/" + id;
    }
}
