package org.bulkfhir.client.output;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.bulkfhir.core.json.Json;

/** Reads the top-level {@code resourceType} and {@code id} of one NDJSON line without building a tree. */
final class Resources {
    private Resources() {
    }

    /** "Type/id", or null when the line has no id. */
    static String key(byte[] line) throws IOException {
        String type = null;
        String id = null;
        try (JsonParser p = Json.FACTORY.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.VALUE_STRING && "resourceType".equals(field)) {
                    type = p.getText();
                } else if (t == JsonToken.VALUE_STRING && "id".equals(field)) {
                    id = p.getText();
                } else {
                    p.skipChildren();
                }
                if (type != null && id != null) {
                    break;
                }
            }
        }
        return type == null || id == null ? null : type + "/" + id;
    }
}
