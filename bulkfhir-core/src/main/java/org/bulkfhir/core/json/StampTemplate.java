package org.bulkfhir.core.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A resource's JSON cut open where {@code id} and {@code meta.versionId}/{@code meta.lastUpdated}
 * go, so that stamping it inside the write transaction is a few array copies.
 *
 * <p>Built once per write on the preparing threads, in the same streaming pass that reads the
 * resource's tree for checking and indexing ({@link #read}): the pass records the byte range of
 * every top-level field and every {@code meta} field, and the pieces are spliced as raw bytes.
 * Nothing is re-encoded, so values (decimals included) stay exactly as sent. Input with line
 * breaks between tokens is compacted first: a stored resource must be one NDJSON line.
 *
 * <p>The stamped JSON is {@code {"resourceType":…,"id":…,"meta":{"versionId":…,"lastUpdated":…,
 * <other meta fields>},<other fields in their order>}}.
 */
public final class StampTemplate {
    private static final byte[] LAST_UPDATED = "\",\"lastUpdated\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = ",\"id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION_ID = "\",\"meta\":{\"versionId\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private final byte[] head;
    private final byte[] tail;

    private StampTemplate(byte[] head, byte[] tail) {
        this.head = head;
        this.tail = tail;
    }

    /** The template for storing {@code json} under {@code id}. */
    public static StampTemplate of(byte[] json, String id) {
        try {
            return read(json).template(id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads {@code json} once: its tree (decimals exact, as {@link Json#MAPPER} reads them) and
     * the cuts of its template, whose id is chosen later.
     *
     * @throws IOException when it is not one JSON object
     */
    public static Read read(byte[] json) throws IOException {
        Read read = new Read(json);
        // Inside JSON strings line breaks must be escaped, so a raw one was between tokens; the
        // parser counted them, which spares every NDJSON line (which has none) a scan of its own.
        return read.lineBreaks ? new Read(ResourceRewriter.compact(json)) : read;
    }

    /** A resource read by {@link #read}: its tree, and where its template is cut. */
    public static final class Read {
        private final byte[] json;
        private final ObjectNode tree;
        /** {@code [start, end)} of the resourceType field. */
        private int typeStart = -1;
        private int typeEnd;
        /** {@code [start, end)} pairs of the fields kept after the stamp, and of the kept meta fields. */
        private int[] fields = new int[32];
        private int fieldCount;
        private int[] meta = new int[8];
        private int metaCount;
        /** Whether the input had line breaks between its tokens. */
        private final boolean lineBreaks;

        private Read(byte[] json) throws IOException {
            this.json = json;
            try (JsonParser p = Json.FACTORY.createParser(json)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IOException("a resource must be a JSON object");
                }
                this.tree = NODES.objectNode();
                JsonToken t = p.nextToken();
                while (t == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    int start = offset(p);
                    JsonToken value = p.nextToken();
                    if (name.equals("meta") && value == JsonToken.START_OBJECT) {
                        tree.set(name, meta(p));
                        t = p.nextToken();
                        continue;
                    }
                    tree.set(name, node(p, value));
                    t = p.nextToken();
                    int end = offset(p);
                    if (name.equals("resourceType")) {
                        typeStart = start;
                        typeEnd = end;
                    } else if (!name.equals("id") && !name.equals("meta")) {
                        fields = add(fields, fieldCount++, start, end);
                    }
                }
                if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                    throw new IOException("malformed resource JSON");
                }
                this.lineBreaks = p.currentLocation().getLineNr() > 1;
            }
        }

        private ObjectNode meta(JsonParser p) throws IOException {
            ObjectNode node = NODES.objectNode();
            JsonToken m = p.nextToken();
            while (m == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                int start = offset(p);
                node.set(field, node(p, p.nextToken()));
                m = p.nextToken();
                if (!field.equals("versionId") && !field.equals("lastUpdated")) {
                    meta = add(meta, metaCount++, start, offset(p));
                }
            }
            return node;
        }

        /** The resource's JSON tree. */
        public ObjectNode tree() {
            return tree;
        }

        /** The template for storing this resource under {@code id}. */
        public StampTemplate template(String id) throws IOException {
            if (typeStart < 0) {
                throw new IOException("the resource has no resourceType");
            }
            byte[] quotedId = JsonStringEncoder.getInstance().quoteAsUTF8(id);
            int typeLength = trimmedEnd(typeStart, typeEnd) - typeStart;
            byte[] head = new byte[1 + typeLength + ID.length + quotedId.length + VERSION_ID.length];
            int at = 0;
            head[at++] = '{';
            System.arraycopy(json, typeStart, head, at, typeLength);
            at += typeLength;
            at = put(head, at, ID);
            at = put(head, at, quotedId);
            put(head, at, VERSION_ID);
            int size = 2 + ranged(meta, metaCount) + ranged(fields, fieldCount);
            byte[] tail = new byte[size];
            at = copy(meta, metaCount, tail, 0);
            tail[at++] = '}';
            at = copy(fields, fieldCount, tail, at);
            tail[at] = '}';
            return new StampTemplate(head, tail);
        }

        /** The bytes the ranges take, each after a comma. */
        private int ranged(int[] ranges, int count) {
            int n = 0;
            for (int i = 0; i < count; i++) {
                n += 1 + trimmedEnd(ranges[2 * i], ranges[2 * i + 1]) - ranges[2 * i];
            }
            return n;
        }

        private int copy(int[] ranges, int count, byte[] out, int at) {
            for (int i = 0; i < count; i++) {
                int start = ranges[2 * i];
                int length = trimmedEnd(start, ranges[2 * i + 1]) - start;
                out[at++] = ',';
                System.arraycopy(json, start, out, at, length);
                at += length;
            }
            return at;
        }

        /** A range ends where the next token starts; the separator (comma, whitespace) before that is cut. */
        private int trimmedEnd(int start, int end) {
            while (end > start && (isSpace(json[end - 1]) || json[end - 1] == ',')) {
                end--;
            }
            return end;
        }
    }

    /** The tree of the value whose first token is {@code t}. */
    private static JsonNode node(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
                    String name = p.currentName();
                    o.set(name, node(p, p.nextToken()));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    a.add(node(p, e));
                }
                return a;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDecimalValue());
            }
            case VALUE_TRUE -> {
                return NODES.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return NODES.booleanNode(false);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new IOException("malformed resource JSON");
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

    private static int offset(JsonParser p) {
        return (int) p.currentTokenLocation().getByteOffset();
    }

    private static int[] add(int[] ranges, int index, int start, int end) {
        int[] out = 2 * index + 2 > ranges.length ? Arrays.copyOf(ranges, ranges.length * 2) : ranges;
        out[2 * index] = start;
        out[2 * index + 1] = end;
        return out;
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
