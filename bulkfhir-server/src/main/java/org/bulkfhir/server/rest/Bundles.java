package org.bulkfhir.server.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bulkfhir.core.fhir.FhirInstant;
import org.bulkfhir.core.fhir.OperationOutcomes;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.store.StoredResource;
import org.bulkfhir.store.bundle.BundleOutcome;
import org.bulkfhir.store.write.WriteResult;

/** Response Bundles, written with Jackson streaming; stored resources are embedded as raw bytes. */
final class Bundles {
    private Bundles() {
    }

    static byte[] searchset(String fhirBase, String selfUrl, List<StoredResource> matches) {
        return write(g -> {
            g.writeStringField("resourceType", "Bundle");
            g.writeStringField("type", "searchset");
            g.writeNumberField("total", matches.size());
            g.writeArrayFieldStart("link");
            g.writeStartObject();
            g.writeStringField("relation", "self");
            g.writeStringField("url", selfUrl);
            g.writeEndObject();
            g.writeEndArray();
            g.writeArrayFieldStart("entry");
            for (StoredResource r : matches) {
                g.writeStartObject();
                g.writeStringField("fullUrl", fhirBase + "/" + r.reference());
                g.writeFieldName("resource");
                g.writeRawValue(new String(r.json(), StandardCharsets.UTF_8));
                g.writeObjectFieldStart("search");
                g.writeStringField("mode", "match");
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    static byte[] response(BundleOutcome outcome) {
        return write(g -> {
            g.writeStringField("resourceType", "Bundle");
            g.writeStringField("type", outcome.bundleType().equals("transaction") ? "transaction-response" : "batch-response");
            g.writeArrayFieldStart("entry");
            for (BundleOutcome.EntryOutcome e : outcome.entries()) {
                g.writeStartObject();
                g.writeObjectFieldStart("response");
                if (e.result() != null) {
                    WriteResult r = e.result();
                    g.writeStringField("status", switch (r.outcome()) {
                        case CREATED -> "201 Created";
                        case UPDATED -> "200 OK";
                        case DELETED -> "204 No Content";
                        case NOT_FOUND -> "404 Not Found";
                    });
                    if (r.outcome() == WriteResult.Outcome.CREATED || r.outcome() == WriteResult.Outcome.UPDATED) {
                        g.writeStringField("location", r.reference() + "/_history/" + r.version());
                        g.writeStringField("etag", "W/\"" + r.version() + "\"");
                        g.writeStringField("lastModified", FhirInstant.format(r.lastUpdated()));
                    }
                } else {
                    g.writeStringField("status", "400 Bad Request");
                    g.writeFieldName("outcome");
                    g.writeRawValue(new String(OperationOutcomes.error("invalid", e.error()), StandardCharsets.UTF_8));
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
