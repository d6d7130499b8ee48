package org.bulkfhir.core.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** Reads the top-level {@code resourceType} of one resource's JSON without building a tree. */
public final class ResourceTypes {
    private ResourceTypes() {
    }

    /** The resource type, or null when the bytes are not a JSON object with one. */
    public static String of(byte[] json) {
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if ("resourceType".equals(field)) {
                    return t == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                // Nested objects may carry a resourceType of their own (contained resources).
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
