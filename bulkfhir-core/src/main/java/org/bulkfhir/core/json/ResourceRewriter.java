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

    /** The same JSON without whitespace between tokens; values (numbers included) unchanged. */
    public static byte[] compact(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length);
        try (JsonParser p = Json.FACTORY.createParser(json);
             JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            if (p.nextToken() != null) {
                copyStructure(p, g);
            }
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
}
