package org.bulkfhir.client.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.core.fhir.FhirInstant;
import org.bulkfhir.core.json.Json;

/**
 * A completion manifest (or one page of it), read leniently (C-28, C-29): only
 * {@code transactionTime}, {@code requiresAccessToken} and {@code output} are required;
 * {@code error}, {@code deleted} and {@code request} may be absent; the 4.0 draft's
 * {@code outcome}, array-shaped {@code extension} and {@code fileSize} are understood; unknown
 * keys are ignored; relative file URLs are resolved against the URL the manifest came from.
 */
public record Manifest(String transactionTime, String request, boolean requiresAccessToken, String outputOrganizedBy,
        List<ManifestFile> files, URI next, JsonNode raw) {

    /** Extension keys under which a server states a file's byte size, CRC-32C and SHA-256 (see {@link #extension}). */
    public static final List<String> SIZE_KEYS = List.of("https://bulkfhir.org/file-size", "fileSize", "file-size");
    public static final List<String> CRC32C_KEYS = List.of("https://bulkfhir.org/crc32c");
    public static final List<String> SHA256_KEYS = List.of("https://bulkfhir.org/sha256", "sha256");
    /** Our CRC-32C is 8 hex digits; anything else (another server's base64, say) is not checked rather than failed. */
    private static final Pattern CRC32C_HEX = Pattern.compile("[0-9a-fA-F]{8}");

    public static Manifest parse(byte[] body, URI source) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw invalid(source, "it is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw invalid(source, "it is not a JSON object");
        }
        String tt = text(root.get("transactionTime"));
        if (tt == null) {
            throw invalid(source, "transactionTime is missing");
        }
        if (!FhirInstant.isValid(tt)) {
            throw invalid(source, "transactionTime '" + tt + "' is not a FHIR instant");
        }
        JsonNode rat = root.get("requiresAccessToken");
        boolean requiresToken;
        if (rat != null && rat.isBoolean()) {
            requiresToken = rat.asBoolean();
        } else if (rat != null && rat.isTextual() && rat.asText().matches("(?i)true|false")) {
            requiresToken = Boolean.parseBoolean(rat.asText().toLowerCase(Locale.ROOT));
        } else {
            throw invalid(source, "requiresAccessToken is missing or not a boolean");
        }
        JsonNode output = root.get("output");
        if (output == null || !output.isArray()) {
            throw invalid(source, "output is missing or not an array");
        }
        List<ManifestFile> files = new ArrayList<>();
        read(files, output, ManifestFile.Section.OUTPUT, source);
        read(files, root.get("error"), ManifestFile.Section.ERROR, source);
        read(files, root.get("outcome"), ManifestFile.Section.ERROR, source);
        read(files, root.get("deleted"), ManifestFile.Section.DELETED, source);
        URI next = null;
        for (JsonNode link : root.path("link")) {
            if ("next".equals(link.path("relation").asText()) && text(link.get("url")) != null) {
                next = source.resolve(text(link.get("url")));
            }
        }
        return new Manifest(tt, text(root.get("request")), requiresToken, text(root.get("outputOrganizedBy")),
                List.copyOf(files), next, root);
    }

    private static void read(List<ManifestFile> files, JsonNode array, ManifestFile.Section section, URI source) {
        if (array == null || !array.isArray()) {
            return;
        }
        for (JsonNode item : array) {
            String url = text(item.get("url"));
            if (url == null) {
                throw invalid(source, "an entry of '" + section.json + "' has no url");
            }
            URI resolved;
            try {
                resolved = source.resolve(url.trim());
            } catch (IllegalArgumentException e) {
                throw invalid(source, "an entry of '" + section.json + "' has an unusable url");
            }
            Long count = number(item.get("count"));
            Long size = number(item.get("fileSize"));
            Long extSize = number(extension(item.get("extension"), SIZE_KEYS));
            String crc = text(extension(item.get("extension"), CRC32C_KEYS));
            String sha = text(extension(item.get("extension"), SHA256_KEYS));
            String cont = text(item.get("continuesInFile"));
            files.add(new ManifestFile(section, text(item.get("type")), resolved, count,
                    extSize != null ? extSize : size,
                    crc == null || !CRC32C_HEX.matcher(crc).matches() ? null : crc.toLowerCase(Locale.ROOT),
                    sha == null ? null : sha.toLowerCase(Locale.ROOT),
                    cont == null ? null : source.resolve(cont)));
        }
    }

    /**
     * A value from {@code extension} in either shape: a JSON object keyed by URL (1.0–3.0) or an
     * array of FHIR Extension elements (4.0 draft), whose {@code value[x]} is taken whatever its type.
     */
    static JsonNode extension(JsonNode ext, List<String> keys) {
        if (ext == null) {
            return null;
        }
        if (ext.isObject()) {
            for (String k : keys) {
                if (ext.has(k)) {
                    return ext.get(k);
                }
            }
        } else if (ext.isArray()) {
            for (JsonNode e : ext) {
                if (keys.contains(e.path("url").asText())) {
                    var it = e.fieldNames();
                    while (it.hasNext()) {
                        String f = it.next();
                        if (f.startsWith("value")) {
                            return e.get(f);
                        }
                    }
                }
            }
        }
        return null;
    }

    private static String text(JsonNode n) {
        return n == null || !n.isValueNode() || n.isNull() || n.asText().isBlank() ? null : n.asText();
    }

    private static Long number(JsonNode n) {
        if (n == null) {
            return null;
        }
        if (n.isIntegralNumber()) {
            return n.asLong();
        }
        if (n.isTextual() && n.asText().matches("\\d{1,18}")) {
            return Long.parseLong(n.asText());
        }
        return null;
    }

    private static BulkDataException invalid(URI source, String why) {
        return new BulkDataException(BulkDataException.Kind.EXPORT_FAILED,
                "the manifest from " + org.bulkfhir.client.http.Http.safe(source) + " is not usable: " + why);
    }

    public List<ManifestFile> files(ManifestFile.Section section) {
        return files.stream().filter(f -> f.section() == section).toList();
    }
}
