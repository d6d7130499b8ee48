package org.bulkfhir.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Rewrites resource JSON with Jackson streaming, never through a FHIR model: building HAPI
 * objects and encoding them again is an order of magnitude slower than copying tokens, and it
 * would change the bytes a client sent for no reason.
 */
public final class ResourceRewriter {
    private ResourceRewriter() {
    }

    /**
     * Replaces every {@code "reference"} string found in {@code references} (e.g. a Bundle's
     * {@code urn:uuid:} fullUrls mapped to {@code Type/id}), at any depth. Output is compact.
     */
    public static byte[] rewriteReferences(byte[] json, Map<String, String> references) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 64);
        try (JsonParser p = Json.FACTORY.createParser(json);
             JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            String field = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case FIELD_NAME -> {
                        field = p.currentName();
                        g.writeFieldName(field);
                        continue;
                    }
                    case VALUE_STRING -> {
                        String value = p.getText();
                        if ("reference".equals(field)) {
                            String mapped = references.get(value);
                            g.writeString(mapped != null ? mapped : value);
                        } else {
                            g.writeString(value);
                        }
                    }
                    default -> copyEvent(p, g);
                }
                field = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Every {@code "reference"} string value in the JSON, at any depth. */
    public static java.util.Set<String> references(byte[] json) {
        java.util.Set<String> refs = new java.util.LinkedHashSet<>();
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME && "reference".equals(p.currentName()) && p.nextToken() == JsonToken.VALUE_STRING) {
                    refs.add(p.getText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return refs;
    }

    /**
     * Sets {@code id}, {@code meta.versionId} and {@code meta.lastUpdated}, keeping every other
     * element (including the rest of {@code meta}) as it was. {@code id} and {@code meta} are
     * placed right after {@code resourceType} when the input lacks them.
     */
    public static byte[] stamp(byte[] json, String id, String versionId, String lastUpdated) {
        boolean hasId = false;
        boolean hasMeta = false;
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            expectObject(p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                hasId |= "id".equals(name);
                hasMeta |= "meta".equals(name);
                p.nextToken();
                p.skipChildren();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 96);
        try (JsonParser p = Json.FACTORY.createParser(json);
             JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            expectObject(p);
            g.writeStartObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "resourceType" -> {
                        g.writeStringField("resourceType", p.getText());
                        if (!hasId) {
                            g.writeStringField("id", id);
                        }
                        if (!hasMeta) {
                            writeMetaStart(g, versionId, lastUpdated);
                            g.writeEndObject();
                        }
                    }
                    case "id" -> g.writeStringField("id", id);
                    case "meta" -> {
                        writeMetaStart(g, versionId, lastUpdated);
                        if (p.currentToken() == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String metaField = p.currentName();
                                p.nextToken();
                                if (metaField.equals("versionId") || metaField.equals("lastUpdated")) {
                                    p.skipChildren();
                                } else {
                                    g.writeFieldName(metaField);
                                    copyStructure(p, g);
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                        g.writeEndObject();
                    }
                    default -> {
                        g.writeFieldName(name);
                        copyStructure(p, g);
                    }
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Copies the value at the parser's current token, numbers exactly as written. */
    public static void copyStructure(JsonParser p, JsonGenerator g) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            copyEvent(p, g);
            return;
        }
        int depth = 0;
        do {
            copyEvent(p, g);
            t = p.currentToken();
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                depth++;
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                depth--;
            }
        } while (depth > 0 && p.nextToken() != null);
    }

    /**
     * Jackson's own copy turns {@code 72.50} into {@code 72.5} (via double); FHIR decimals keep
     * their precision, so numbers are copied as their source text.
     */
    private static void copyEvent(JsonParser p, JsonGenerator g) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
            g.writeNumber(p.getText());
        } else {
            g.copyCurrentEvent(p);
        }
    }

    private static void writeMetaStart(JsonGenerator g, String versionId, String lastUpdated) throws IOException {
        g.writeObjectFieldStart("meta");
        g.writeStringField("versionId", versionId);
        g.writeStringField("lastUpdated", lastUpdated);
    }

    private static void expectObject(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException("expected a JSON object");
        }
    }
}
