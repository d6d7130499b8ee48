package org.bulkfhir.core.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeChildPrimitiveEnumerationDatatypeDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IPrimitiveType;

/**
 * Checks a resource's JSON tree for what the store's HAPI parser rejects, without building the
 * HAPI model: a missing or unknown {@code resourceType}, and primitive values their type does not
 * allow (a date that is not a date, a boolean that is not one, an integer with a fraction, a code
 * outside a required value set). Unknown elements are tolerated, as the parser tolerates them:
 * real data carries them.
 *
 * <p>Each checked primitive is set on a HAPI instance of its type, so the rules are HAPI's own;
 * only types whose values HAPI accepts whatever they are (strings, uris, plain codes, ids) are
 * skipped. Messages name the element, never its value, which may be patient data.
 */
public final class JsonResourceCheck {
    /** Primitive types whose {@code setValueAsString} accepts any text. */
    private static final Set<String> FREE_TEXT =
            Set.of("string", "markdown", "uri", "url", "canonical", "oid", "uuid", "id", "code");

    /** Beyond this many, an enumeration's valid codes are checked through HAPI every time. */
    private static final int MAX_KNOWN_CODES = 256;

    private final FhirContext ctx = Fhir.r4();
    /** The codes HAPI accepted, per enumerated element: a required value set's codes are few. */
    private final Map<BaseRuntimeChildDefinition, Set<String>> knownCodes = new ConcurrentHashMap<>();

    /** Where a value is, for messages: built into text only when a check fails. */
    private record Where(Where parent, String name) {
        @Override
        public String toString() {
            return parent == null ? name : parent + "." + name;
        }
    }

    /** Thrown for a resource the store must not accept; the message says where and why. */
    public static final class InvalidResource extends RuntimeException {
        InvalidResource(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Checks {@code resource} and returns its type.
     *
     * @throws InvalidResource when HAPI's parser would reject it
     */
    public String check(JsonNode resource) {
        return checkResource(resource, null);
    }

    private String checkResource(JsonNode resource, Where path) {
        if (resource == null || !resource.isObject()) {
            throw new InvalidResource((path == null ? "the body" : path) + " is not a JSON object");
        }
        JsonNode typeNode = resource.get("resourceType");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new InvalidResource((path == null ? "the resource" : path) + " has no resourceType");
        }
        String type = typeNode.asText();
        RuntimeResourceDefinition def = ctx.getResourceTypes().contains(type) ? ctx.getResourceDefinition(type) : null;
        if (def == null) {
            throw new InvalidResource("unknown resourceType '" + type + "'" + (path == null ? "" : " at " + path));
        }
        checkObject(resource, def, path == null ? new Where(null, type) : path);
        return type;
    }

    private void checkObject(JsonNode object, BaseRuntimeElementCompositeDefinition<?> def, Where path) {
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (name.isEmpty() || name.charAt(0) == '_' || name.equals("resourceType") || name.equals("fhir_comments")) {
                continue; // primitive extensions and comments carry no values to check
            }
            BaseRuntimeChildDefinition child = def.getChildByName(name);
            BaseRuntimeElementDefinition<?> type = child == null ? null : child.getChildByName(name);
            if (type == null) {
                continue; // unknown element: tolerated
            }
            JsonNode value = field.getValue();
            Where at = new Where(path, name);
            if (value.isArray()) {
                for (JsonNode v : value) {
                    checkValue(v, child, type, at);
                }
            } else {
                checkValue(value, child, type, at);
            }
        }
    }

    private void checkValue(JsonNode value, BaseRuntimeChildDefinition child, BaseRuntimeElementDefinition<?> type,
            Where path) {
        if (value.isNull()) {
            return;
        }
        switch (type.getChildType()) {
            case PRIMITIVE_DATATYPE, ID_DATATYPE, PRIMITIVE_XHTML_HL7ORG, PRIMITIVE_XHTML -> {
                if (value.isValueNode()) {
                    checkPrimitive(value, child, type, path);
                }
            }
            case COMPOSITE_DATATYPE, RESOURCE_BLOCK -> {
                if (value.isObject()) {
                    checkObject(value, (BaseRuntimeElementCompositeDefinition<?>) type, path);
                }
            }
            case CONTAINED_RESOURCE_LIST, CONTAINED_RESOURCES, RESOURCE -> checkResource(value, path);
            default -> {
                // extensions declared on the model and the like: nothing HAPI checks strictly
            }
        }
    }

    private void checkPrimitive(JsonNode value, BaseRuntimeChildDefinition child, BaseRuntimeElementDefinition<?> type,
            Where path) {
        String typeName = type.getName();
        Set<String> codes = null;
        if (child instanceof RuntimeChildPrimitiveEnumerationDatatypeDefinition) {
            codes = knownCodes.computeIfAbsent(child, c -> ConcurrentHashMap.newKeySet());
            if (codes.contains(value.asText())) {
                return;
            }
        } else if (FREE_TEXT.contains(typeName) || ObviousPrimitives.valid(typeName, value)) {
            return;
        }
        String text = value.asText();
        try {
            Object instance = type.newInstance(child.getInstanceConstructorArguments());
            ((IPrimitiveType<?>) instance).setValueAsString(text);
        } catch (RuntimeException e) {
            // DataFormatException and IllegalArgumentException mostly; invalid XHTML comes wrapped in a plain one
            throw new InvalidResource("invalid " + typeName + " value at " + path);
        }
        if (codes != null && codes.size() < MAX_KNOWN_CODES) {
            codes.add(text);
        }
    }
}
