package org.bulkfhir.core.export;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.RuntimeChildChoiceDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.json.Json;

/**
 * {@code _elements} (S-38): keeps the listed top-level elements of exported resources plus the
 * mandatory ones ({@code resourceType}, {@code id}, {@code meta} and every element whose R4
 * minimum cardinality is at least one), and tags the result {@code SUBSETTED}. Works on the
 * stored JSON bytes with Jackson's streaming parser; only {@code meta}, which is small, is read
 * into a tree to add the tag.
 *
 * <p>{@code Type.element} applies to that type, a bare {@code element} to every type; a type for
 * which nothing is listed is exported whole. A choice element is named without its type suffix
 * ({@code Observation.value} keeps {@code valueQuantity}), and a primitive's {@code _element}
 * companion (its id and extensions) follows the element.
 */
public final class ElementSubsetter {
    public static final String SUBSETTED_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";
    public static final String SUBSETTED_CODE = "SUBSETTED";

    private static final Map<String, Definition> DEFINITIONS = new ConcurrentHashMap<>();

    private final Set<String> everywhere;
    private final Map<String, Set<String>> byType;
    private final Map<String, Keep> keep = new ConcurrentHashMap<>();

    /** The element names of one type: all of them, the choice ones, and the mandatory ones. */
    private record Definition(Set<String> names, Set<String> choices, Set<String> mandatory) {
    }

    /** What survives for one type. */
    private record Keep(Set<String> names, Set<String> choices) {
        boolean keeps(String field) {
            String base = field.startsWith("_") ? field.substring(1) : field;
            if (names.contains(base)) {
                return true;
            }
            for (String c : choices) {
                if (base.length() > c.length() && base.startsWith(c) && Character.isUpperCase(base.charAt(c.length()))) {
                    return true;
                }
            }
            return false;
        }
    }

    private ElementSubsetter(Set<String> everywhere, Map<String, Set<String>> byType) {
        this.everywhere = everywhere;
        this.byType = byType;
    }

    /**
     * Checks one {@code _elements} entry; returns a message saying what is wrong, or null when
     * it names a top-level element of the type (or, bare, of some type).
     */
    public static String check(String element) {
        String e = element.trim();
        if (e.isEmpty()) {
            return "_elements contains an empty element name";
        }
        int dot = e.indexOf('.');
        if (dot < 0) {
            for (String type : Fhir.r4().getResourceTypes()) {
                if (definition(type).names().contains(e)) {
                    return null;
                }
            }
            return "_elements: '" + e + "' is not an element of any FHIR R4 resource type";
        }
        String type = e.substring(0, dot);
        String name = e.substring(dot + 1);
        if (!Fhir.r4().getResourceTypes().contains(type)) {
            return "_elements: '" + type + "' in '" + e + "' is not a FHIR R4 resource type";
        }
        if (name.contains(".")) {
            return "_elements: '" + e + "' is not a top-level element; only Type.element or element are supported";
        }
        if (!definition(type).names().contains(name)) {
            return "_elements: '" + name + "' is not an element of " + type;
        }
        return null;
    }

    /** The type an entry is for, or null for a bare element. */
    public static String typeOf(String element) {
        int dot = element.indexOf('.');
        return dot < 0 ? null : element.substring(0, dot).trim();
    }

    /** A subsetter for checked entries; null when there are none. */
    public static ElementSubsetter of(List<String> elements) {
        if (elements == null || elements.isEmpty()) {
            return null;
        }
        Set<String> everywhere = new HashSet<>();
        Map<String, Set<String>> byType = new HashMap<>();
        for (String raw : elements) {
            String e = raw.trim();
            String type = typeOf(e);
            if (type == null) {
                everywhere.add(e);
            } else {
                byType.computeIfAbsent(type, k -> new HashSet<>()).add(e.substring(type.length() + 1));
            }
        }
        return new ElementSubsetter(everywhere, byType);
    }

    /** Whether resources of {@code type} are subsetted at all. */
    public boolean applies(String type) {
        return !everywhere.isEmpty() || byType.containsKey(type);
    }

    /** The resource with only the kept elements and the SUBSETTED tag; unchanged when nothing applies to its type. */
    public byte[] apply(String type, byte[] json) throws IOException {
        if (!applies(type)) {
            return json;
        }
        Keep k = keep.computeIfAbsent(type, this::keepFor);
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length);
        boolean sawMeta = false;
        try (JsonParser p = Json.FACTORY.createParser(json); JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a stored " + type + " is not a JSON object");
            }
            g.writeStartObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("meta")) {
                    sawMeta = true;
                    g.writeFieldName("meta");
                    g.writeTree(tagged(Json.MAPPER.readTree(p)));
                } else if (field.equals("resourceType") || field.equals("id") || k.keeps(field)) {
                    g.writeFieldName(field);
                    g.copyCurrentStructure(p);
                } else {
                    p.skipChildren();
                }
            }
            if (!sawMeta) {
                g.writeFieldName("meta");
                g.writeTree(tagged(Json.MAPPER.createObjectNode()));
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static JsonNode tagged(JsonNode meta) {
        ObjectNode m = meta instanceof ObjectNode o ? o : Json.MAPPER.createObjectNode();
        JsonNode existing = m.get("tag");
        ArrayNode tags = existing instanceof ArrayNode a ? a : m.putArray("tag");
        for (JsonNode t : tags) {
            if (SUBSETTED_SYSTEM.equals(t.path("system").asText()) && SUBSETTED_CODE.equals(t.path("code").asText())) {
                return m;
            }
        }
        tags.addObject().put("system", SUBSETTED_SYSTEM).put("code", SUBSETTED_CODE);
        return m;
    }

    private Keep keepFor(String type) {
        Definition d = definition(type);
        Set<String> names = new LinkedHashSet<>(d.mandatory());
        names.addAll(everywhere);
        names.addAll(byType.getOrDefault(type, Set.of()));
        Set<String> choices = new HashSet<>();
        for (String n : names) {
            if (d.choices().contains(n)) {
                choices.add(n);
            }
        }
        return new Keep(names, choices);
    }

    private static Definition definition(String type) {
        return DEFINITIONS.computeIfAbsent(type, t -> {
            RuntimeResourceDefinition def = Fhir.r4().getResourceDefinition(t);
            Set<String> names = new HashSet<>();
            Set<String> choices = new HashSet<>();
            Set<String> mandatory = new HashSet<>();
            for (BaseRuntimeChildDefinition child : def.getChildren()) {
                String name = child.getElementName();
                names.add(name);
                if (child instanceof RuntimeChildChoiceDefinition) {
                    choices.add(name);
                }
                if (child.getMin() >= 1) {
                    mandatory.add(name);
                }
            }
            return new Definition(Set.copyOf(names), Set.copyOf(choices), Set.copyOf(mandatory));
        });
    }
}
