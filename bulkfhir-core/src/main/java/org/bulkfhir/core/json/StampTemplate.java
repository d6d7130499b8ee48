package org.bulkfhir.core.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A resource's JSON cut open where {@code id} and {@code meta.versionId}/{@code meta.lastUpdated}
 * go, so that stamping it inside the write transaction is two array copies.
 *
 * <p>Built once per write on the preparing threads: one streaming pass records the byte range of
 * every top-level field and every {@code meta} field, and the pieces are spliced as raw bytes.
 * Nothing is decoded or re-encoded, so values (decimals included) stay exactly as sent. Input
 * with line breaks between tokens is compacted first: a stored resource must be one NDJSON line.
 *
 * <p>The stamped JSON is {@code {"resourceType":…,"id":…,"meta":{"versionId":…,"lastUpdated":…,
 * <other meta fields>},<other fields in their order>}}.
 */
public final class StampTemplate {
    private static final byte[] LAST_UPDATED = "\",\"lastUpdated\":\"".getBytes(StandardCharsets.UTF_8);

    private final byte[] head;
    private final byte[] tail;

    private StampTemplate(byte[] head, byte[] tail) {
        this.head = head;
        this.tail = tail;
    }

    /** The template for storing {@code json} under {@code id}. */
    public static StampTemplate of(byte[] json, String id) {
        byte[] compact = hasLineBreak(json) ? ResourceRewriter.compact(json) : json;
        try {
            return build(compact, id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stored form: this template with the version and instant filled in. */
    public byte[] stamp(String versionId, String lastUpdated) {
        byte[] v = versionId.getBytes(StandardCharsets.US_ASCII);
        byte[] t = lastUpdated.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + v.length + LAST_UPDATED.length + t.length + 1 + tail.length];
        int at = 0;
        System.arraycopy(head, 0, out, at, head.length);
        at += head.length;
        System.arraycopy(v, 0, out, at, v.length);
        at += v.length;
        System.arraycopy(LAST_UPDATED, 0, out, at, LAST_UPDATED.length);
        at += LAST_UPDATED.length;
        System.arraycopy(t, 0, out, at, t.length);
        at += t.length;
        out[at++] = '"';
        System.arraycopy(tail, 0, out, at, tail.length);
        return out;
    }

    private static boolean hasLineBreak(byte[] json) {
        // Inside JSON strings line breaks must be escaped, so a raw one is always between tokens.
        for (byte b : json) {
            if (b == '\n' || b == '\r') {
                return true;
            }
        }
        return false;
    }

    private static StampTemplate build(byte[] json, String id) throws IOException {
        ByteArrayOutputStream metaRest = new ByteArrayOutputStream();
        ByteArrayOutputStream fields = new ByteArrayOutputStream(json.length);
        byte[] resourceType = null;
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a resource must be a JSON object");
            }
            JsonToken t = p.nextToken();
            while (t == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                int start = (int) p.currentTokenLocation().getByteOffset();
                p.nextToken();
                if (name.equals("meta") && p.currentToken() == JsonToken.START_OBJECT) {
                    JsonToken m = p.nextToken();
                    while (m == JsonToken.FIELD_NAME) {
                        String metaField = p.currentName();
                        int metaStart = (int) p.currentTokenLocation().getByteOffset();
                        p.nextToken();
                        p.skipChildren();
                        m = p.nextToken();
                        if (!metaField.equals("versionId") && !metaField.equals("lastUpdated")) {
                            metaRest.write(',');
                            writeRange(metaRest, json, metaStart, (int) p.currentTokenLocation().getByteOffset());
                        }
                    }
                    t = p.nextToken();
                    continue;
                }
                p.skipChildren();
                t = p.nextToken();
                int end = (int) p.currentTokenLocation().getByteOffset();
                if (name.equals("resourceType")) {
                    resourceType = trimmed(json, start, end);
                } else if (!name.equals("id") && !name.equals("meta")) {
                    fields.write(',');
                    writeRange(fields, json, start, end);
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new IOException("malformed resource JSON");
            }
        }
        if (resourceType == null) {
            throw new IOException("the resource has no resourceType");
        }
        ByteArrayOutputStream head = new ByteArrayOutputStream(resourceType.length + id.length() + 48);
        head.write('{');
        head.write(resourceType);
        head.write(",\"id\":\"".getBytes(StandardCharsets.US_ASCII));
        head.write(JsonStringEncoder.getInstance().quoteAsUTF8(id));
        head.write("\",\"meta\":{\"versionId\":\"".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream tail = new ByteArrayOutputStream(metaRest.size() + fields.size() + 2);
        metaRest.writeTo(tail);
        tail.write('}');
        fields.writeTo(tail);
        tail.write('}');
        return new StampTemplate(head.toByteArray(), tail.toByteArray());
    }

    /** Writes {@code json[start, end)} without the separator (comma, whitespace) that ends it. */
    private static void writeRange(ByteArrayOutputStream out, byte[] json, int start, int end) {
        byte[] range = trimmed(json, start, end);
        out.write(range, 0, range.length);
    }

    private static byte[] trimmed(byte[] json, int start, int end) {
        // A value never ends in whitespace or a comma, so trimming them off is safe.
        while (end > start && (isSpace(json[end - 1]) || json[end - 1] == ',')) {
            end--;
        }
        byte[] out = new byte[end - start];
        System.arraycopy(json, start, out, 0, out.length);
        return out;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
