package org.bulkfhir.core.search.index;

import ca.uhn.fhir.context.BaseRuntimeElementDefinition.ChildTypeEnum;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import org.bulkfhir.core.search.index.IndexPlan.Param;
import org.bulkfhir.core.search.index.JsonBranch.Item;
import org.hl7.fhir.r4.model.IdType;

/**
 * Reads the parts of a JSON value the index needs, by the value's FHIR type: the JSON
 * counterpart of the HAPI-model conversions in {@link SearchParamExtractor}, feeding the same
 * {@link IndexSink}. A value of a type a kind has no conversion for gives nothing, as there.
 */
final class JsonValues {
    /** Quantity and the types derived from it, whose values read alike (and which {@code as Quantity} keeps). */
    static final Set<String> QUANTITIES =
            Set.of("Quantity", "Age", "Count", "Distance", "Duration", "SimpleQuantity", "MoneyQuantity");
    private static final Set<String> URIS = Set.of("uri", "url", "canonical", "oid", "uuid");
    private static final Set<String> DATES = Set.of("date", "dateTime", "instant");

    private JsonValues() {
    }

    static void add(IndexSink sink, Param p, Item v) {
        String param = p.name();
        JsonNode n = v.node();
        String type = v.type().getName();
        switch (p.kind()) {
            case TOKEN -> token(sink, param, n, type, v);
            case STRING -> string(sink, param, n, type, v);
            case DATE -> date(sink, param, n, type);
            case REFERENCE -> {
                if (type.equals("Reference")) {
                    sink.reference(p, emptyToNull(text(n, "reference")));
                } else if (URIS.contains(type)) {
                    sink.canonical(param, primitive(n));
                }
            }
            case QUANTITY -> quantity(sink, param, n, type);
            case URI -> {
                if (URIS.contains(type)) {
                    sink.uri(param, primitive(n));
                }
            }
            default -> throw new IllegalStateException(p.kind().toString());
        }
    }

    private static void token(IndexSink sink, String param, JsonNode n, String type, Item v) {
        switch (type) {
            case "Coding" -> sink.coding(param, text(n, "system"), text(n, "code"), text(n, "display"), null);
            case "CodeableConcept" -> {
                String ccText = emptyToNull(text(n, "text"));
                boolean any = false;
                JsonNode codings = n.get("coding");
                if (codings != null) {
                    for (JsonNode c : codings.isArray() ? codings : List.of(codings)) {
                        if (c.isObject()) {
                            any |= sink.coding(param, text(c, "system"), text(c, "code"), text(c, "display"), ccText);
                        }
                    }
                }
                if (!any) {
                    sink.conceptText(param, ccText);
                }
            }
            case "Identifier" -> sink.identifier(param, text(n, "system"), text(n, "value"), typeText(n.get("type")));
            case "ContactPoint" -> sink.code(param, text(n, "value"));
            case "id" -> {
                String id = primitive(n);
                sink.code(param, id == null ? null : new IdType(id).getIdPart());
            }
            default -> {
                if (isPrimitive(v)) {
                    // code, boolean ("true"/"false"), string, uri...
                    sink.code(param, primitive(n));
                }
            }
        }
    }

    private static void string(IndexSink sink, String param, JsonNode n, String type, Item v) {
        switch (type) {
            case "HumanName" -> {
                strings(sink, param, n.get("given"));
                sink.string(param, text(n, "family"));
                sink.string(param, text(n, "text"));
                strings(sink, param, n.get("prefix"));
                strings(sink, param, n.get("suffix"));
            }
            case "Address" -> {
                strings(sink, param, n.get("line"));
                sink.string(param, text(n, "city"));
                sink.string(param, text(n, "district"));
                sink.string(param, text(n, "state"));
                sink.string(param, text(n, "postalCode"));
                sink.string(param, text(n, "country"));
                sink.string(param, text(n, "text"));
            }
            default -> {
                if (isPrimitive(v)) {
                    sink.string(param, primitive(n));
                }
            }
        }
    }

    private static void strings(IndexSink sink, String param, JsonNode values) {
        if (values == null) {
            return;
        }
        if (!values.isArray()) {
            sink.string(param, primitive(values));
            return;
        }
        for (JsonNode s : values) {
            sink.string(param, primitive(s));
        }
    }

    private static void date(IndexSink sink, String param, JsonNode n, String type) {
        if (DATES.contains(type)) {
            sink.date(param, emptyToNull(primitive(n)));
        } else if (type.equals("Period")) {
            period(sink, param, n);
        } else if (type.equals("Timing")) {
            JsonNode events = n.get("event");
            if (events != null) {
                for (JsonNode e : events.isArray() ? events : List.of(events)) {
                    sink.date(param, emptyToNull(primitive(e)));
                }
            }
            JsonNode repeat = n.get("repeat");
            JsonNode bounds = repeat == null ? null : repeat.get("boundsPeriod");
            if (bounds != null && bounds.isObject()) {
                period(sink, param, bounds);
            }
        }
    }

    private static void period(IndexSink sink, String param, JsonNode p) {
        sink.period(param, emptyToNull(text(p, "start")), emptyToNull(text(p, "end")));
    }

    private static void quantity(IndexSink sink, String param, JsonNode n, String type) {
        if (QUANTITIES.contains(type)) {
            Double value = decimal(n.get("value"));
            if (value != null) {
                sink.quantity(param, value, text(n, "system"), text(n, "code"), text(n, "unit"));
            }
        } else if (type.equals("Money")) {
            Double value = decimal(n.get("value"));
            if (value != null) {
                sink.money(param, value, text(n, "currency"));
            }
        } else if (type.equals("Range")) {
            for (String bound : new String[] {"low", "high"}) {
                JsonNode q = n.get(bound);
                if (q != null && q.isObject()) {
                    quantity(sink, param, q, "Quantity");
                }
            }
        }
    }

    /** The text of {@code n.field} when it is a JSON scalar. */
    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null ? null : primitive(v);
    }

    /** A primitive's value as HAPI's {@code getValueAsString} gives it; null for null or a structure. */
    private static String primitive(JsonNode v) {
        return v.isValueNode() && !v.isNull() ? v.asText() : null;
    }

    private static Double decimal(JsonNode v) {
        if (v == null) {
            return null;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual() && !v.asText().isEmpty()) {
            try {
                return new BigDecimal(v.asText()).doubleValue();
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** The Identifier.type text, else its first coding's display. */
    private static String typeText(JsonNode type) {
        if (type == null || !type.isObject()) {
            return null;
        }
        String text = emptyToNull(text(type, "text"));
        if (text != null) {
            return text;
        }
        JsonNode codings = type.get("coding");
        if (codings != null && codings.isArray()) {
            for (JsonNode c : codings) {
                String display = emptyToNull(text(c, "display"));
                if (display != null) {
                    return display;
                }
            }
        }
        return null;
    }

    private static boolean isPrimitive(Item v) {
        ChildTypeEnum kind = v.type().getChildType();
        return kind == ChildTypeEnum.PRIMITIVE_DATATYPE || kind == ChildTypeEnum.ID_DATATYPE;
    }

    /** HAPI's {@code hasX()} for a string is false for an empty one. */
    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
