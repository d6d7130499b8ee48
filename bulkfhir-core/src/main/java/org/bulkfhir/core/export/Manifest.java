package org.bulkfhir.core.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.Checksum;
import org.bulkfhir.core.fhir.FhirInstant;
import org.bulkfhir.core.json.Json;

/**
 * The completion manifest of an export (STU2/STU3 shape, S-58…S-67). Each file item may carry
 * its size in bytes, its CRC-32C and its SHA-256 in an {@code extension} object, which 1.0.1+
 * allows on any manifest object; clients that do not know the keys ignore them. {@code outputOrganizedBy} is
 * set for organized output (whose items have no type); {@code next} is the URL of the next
 * manifest page ({@code link}, with {@code allowPartialManifests}).
 */
public record Manifest(
        long transactionTime,
        String request,
        boolean requiresAccessToken,
        List<Item> output,
        List<Item> error,
        List<Item> deleted,
        String outputOrganizedBy,
        String next) {

    public static final String FILE_SIZE_EXTENSION = "https://bulkfhir.org/file-size";
    public static final String CRC32C_EXTENSION = "https://bulkfhir.org/crc32c";
    public static final String SHA256_EXTENSION = "https://bulkfhir.org/sha256";

    /** A CRC-32C as {@link #CRC32C_EXTENSION} states it: 8 lowercase hex digits. */
    public static String crc32cHex(Checksum crc32c) {
        return HexFormat.of().toHexDigits((int) crc32c.getValue());
    }

    /**
     * A file: resource type (null in organized output), absolute URL, line count, (ours) size,
     * CRC-32C (8 hex digits) and SHA-256 (hex, when recorded) of its NDJSON bytes, and the file a
     * split block continues in.
     */
    public record Item(String type, String url, long count, Long sizeBytes, String crc32c, String sha256,
                       String continuesInFile) {
    }

    public Manifest {
        output = List.copyOf(output);
        error = List.copyOf(error);
        deleted = List.copyOf(deleted);
    }

    /** Reads a manifest; unknown fields are ignored. */
    public static Manifest parse(byte[] json) throws IOException {
        JsonNode root = Json.MAPPER.readTree(json);
        if (root == null || !root.isObject()) {
            throw new IOException("a manifest must be a JSON object");
        }
        return new Manifest(
                FhirInstant.parse(root.path("transactionTime").asText()),
                root.path("request").asText(null),
                root.path("requiresAccessToken").asBoolean(false),
                items(root.path("output")),
                items(root.path("error")),
                items(root.path("deleted")),
                root.path("outputOrganizedBy").asText(null),
                next(root.path("link")));
    }

    private static String next(JsonNode links) {
        for (JsonNode l : links) {
            if ("next".equals(l.path("relation").asText())) {
                return l.path("url").asText(null);
            }
        }
        return null;
    }

    private static List<Item> items(JsonNode array) {
        List<Item> items = new ArrayList<>();
        for (JsonNode n : array) {
            JsonNode ext = n.path("extension");
            items.add(new Item(n.path("type").asText(null), n.path("url").asText(null), n.path("count").asLong(-1),
                    ext.has(FILE_SIZE_EXTENSION) ? ext.path(FILE_SIZE_EXTENSION).asLong() : null,
                    ext.path(CRC32C_EXTENSION).asText(null), ext.path(SHA256_EXTENSION).asText(null),
                    n.path("continuesInFile").asText(null)));
        }
        return items;
    }
}
