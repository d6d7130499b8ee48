package org.bulkfhir.core.export;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.bulkfhir.core.fhir.FhirInstant;
import org.bulkfhir.core.json.Json;

/**
 * Writes a {@link Manifest} as JSON. {@code error} is always written, {@code []} when empty,
 * because validators fail manifests without it (§5.2); {@code deleted} only when the export had
 * {@code _since}, as the IG ties it to that parameter.
 */
public final class ManifestWriter {
    private ManifestWriter() {
    }

    public static byte[] write(Manifest m, boolean includeDeleted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("transactionTime", FhirInstant.format(m.transactionTime()));
            g.writeStringField("request", m.request());
            g.writeBooleanField("requiresAccessToken", m.requiresAccessToken());
            if (m.outputOrganizedBy() != null) {
                g.writeStringField("outputOrganizedBy", m.outputOrganizedBy());
            }
            items(g, "output", m.output());
            if (includeDeleted) {
                items(g, "deleted", m.deleted());
            }
            items(g, "error", m.error());
            if (m.next() != null) {
                g.writeArrayFieldStart("link");
                g.writeStartObject();
                g.writeStringField("relation", "next");
                g.writeStringField("url", m.next());
                g.writeEndObject();
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void items(JsonGenerator g, String field, List<Manifest.Item> items) throws IOException {
        g.writeArrayFieldStart(field);
        for (Manifest.Item item : items) {
            g.writeStartObject();
            if (item.type() != null) {
                g.writeStringField("type", item.type());
            }
            g.writeStringField("url", item.url());
            g.writeNumberField("count", item.count());
            if (item.continuesInFile() != null) {
                g.writeStringField("continuesInFile", item.continuesInFile());
            }
            if (item.sizeBytes() != null || item.crc32c() != null || item.sha256() != null) {
                g.writeObjectFieldStart("extension");
                if (item.sizeBytes() != null) {
                    g.writeNumberField(Manifest.FILE_SIZE_EXTENSION, item.sizeBytes());
                }
                if (item.crc32c() != null) {
                    g.writeStringField(Manifest.CRC32C_EXTENSION, item.crc32c());
                }
                if (item.sha256() != null) {
                    g.writeStringField(Manifest.SHA256_EXTENSION, item.sha256());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
