package org.bulkfhir.core.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.fhir.FhirInstant;
import org.bulkfhir.core.json.Json;

/**
 * A validated {@code $export} kick-off: level, output format, {@code _since} and {@code _type},
 * parsed from a GET query or a POST {@code Parameters} body. Repeated parameters are the same
 * as one comma-joined value (S-23).
 *
 * <p>Parameters this server does not implement yet are refused with a 400 naming them, or,
 * under {@code Prefer: handling=lenient}, dropped and listed in {@link #ignored()} so that the
 * export can report one OperationOutcome per ignored parameter (S-24). Turning one on later is a
 * matter of moving its name into {@link #SUPPORTED} and reading it here.
 */
public record ExportRequest(
        ExportLevel level,
        String groupId,
        String outputFormat,
        Long since,
        List<String> types,
        List<Ignored> ignored) {

    public static final String NDJSON = "application/fhir+ndjson";
    /** The three NDJSON spellings every server must accept (S-27). */
    public static final Set<String> NDJSON_FORMATS = Set.of("application/fhir+ndjson", "application/ndjson", "ndjson");
    /** Parameters implemented by this server. */
    public static final Set<String> SUPPORTED = Set.of("_outputFormat", "_since", "_type");
    /** Parameters the IG defines (2.0/3.0) that this server does not implement yet. */
    public static final Set<String> DEFINED_NOT_SUPPORTED = Set.of("_typeFilter", "_elements", "patient",
            "includeAssociatedData", "_until", "organizeOutputBy", "allowPartialManifests");

    /** A parameter (or one value of it) dropped under lenient handling, with the reason. */
    public record Ignored(String parameter, String reason) {
    }

    public ExportRequest {
        types = types == null ? null : List.copyOf(types);
        ignored = List.copyOf(ignored);
    }

    /** {@code types} is null when the client did not restrict them (the level's default applies). */
    public boolean hasTypes() {
        return types != null;
    }

    /** One raw value as received: the text, and for POST the {@code value[x]} element it came in. */
    private record Value(String text, String valueType) {
    }

    public static ExportRequest fromQuery(ExportLevel level, String groupId, Map<String, List<String>> query,
                                          boolean lenient) {
        Map<String, List<Value>> params = new LinkedHashMap<>();
        query.forEach((name, values) -> {
            List<Value> list = params.computeIfAbsent(name, k -> new ArrayList<>());
            for (String v : values) {
                list.add(new Value(v, null));
            }
        });
        return validate(level, groupId, params, lenient);
    }

    /** Parses a POST body, which must be a FHIR {@code Parameters} resource in JSON. */
    public static ExportRequest fromParameters(ExportLevel level, String groupId, byte[] body, boolean lenient) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new InvalidExportRequestException(null, "The request body is not valid JSON; send a FHIR Parameters"
                    + " resource as application/fhir+json");
        }
        if (root == null || !root.isObject() || !"Parameters".equals(root.path("resourceType").asText())) {
            throw new InvalidExportRequestException(null, "The request body must be a FHIR Parameters resource"
                    + " (resourceType \"Parameters\")");
        }
        Map<String, List<Value>> params = new LinkedHashMap<>();
        JsonNode parameter = root.path("parameter");
        if (!parameter.isMissingNode() && !parameter.isArray()) {
            throw new InvalidExportRequestException(null, "Parameters.parameter must be an array");
        }
        for (JsonNode p : parameter) {
            String name = p.path("name").asText(null);
            if (name == null || name.isEmpty()) {
                throw new InvalidExportRequestException(null, "Every Parameters.parameter needs a name");
            }
            Value value = null;
            for (var it = p.fields(); it.hasNext(); ) {
                var field = it.next();
                if (field.getKey().startsWith("value")) {
                    JsonNode v = field.getValue();
                    String text = v.isValueNode() ? v.asText()
                            : v.isObject() && v.has("reference") ? v.path("reference").asText() : v.toString();
                    value = new Value(text, field.getKey());
                }
            }
            if (value == null) {
                throw new InvalidExportRequestException(name, "Parameter '" + name + "' has no value[x]");
            }
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return validate(level, groupId, params, lenient);
    }

    private static ExportRequest validate(ExportLevel level, String groupId, Map<String, List<Value>> params,
                                          boolean lenient) {
        List<Ignored> ignored = new ArrayList<>();
        Issues issues = new Issues(lenient, ignored);
        String outputFormat = NDJSON;
        Long since = null;
        List<String> types = null;
        for (Map.Entry<String, List<Value>> e : params.entrySet()) {
            String name = e.getKey();
            List<Value> values = e.getValue();
            if (name.equals("patient") && level == ExportLevel.SYSTEM) {
                // Not even lenient handling may widen a system export into a patient-filtered one.
                throw new InvalidExportRequestException(name, "The 'patient' parameter is only allowed at the"
                        + " Patient and Group levels, not on [base]/$export");
            }
            if (!SUPPORTED.contains(name)) {
                issues.reject(name, DEFINED_NOT_SUPPORTED.contains(name)
                        ? "Parameter '" + name + "' is not supported by this server"
                        : "Unknown parameter '" + name + "' for $export");
                continue;
            }
            switch (name) {
                case "_outputFormat" -> {
                    String v = single(name, values, issues, "valueString");
                    if (v != null) {
                        if (NDJSON_FORMATS.contains(v.trim())) {
                            outputFormat = NDJSON;
                        } else {
                            issues.reject(name, "_outputFormat '" + v + "' is not supported; use "
                                    + "application/fhir+ndjson, application/ndjson or ndjson");
                        }
                    }
                }
                case "_since" -> {
                    String v = single(name, values, issues, "valueInstant", "valueDateTime", "valueString");
                    if (v != null) {
                        try {
                            since = FhirInstant.parse(v.trim());
                        } catch (IllegalArgumentException ex) {
                            issues.reject(name, "_since: " + ex.getMessage());
                        }
                    }
                }
                case "_type" -> types = types(level, values, issues);
                default -> throw new IllegalStateException(name);
            }
        }
        return new ExportRequest(level, groupId, outputFormat, since, types, ignored);
    }

    private static String single(String name, List<Value> values, Issues issues, String... valueTypes) {
        Set<String> distinct = new LinkedHashSet<>();
        for (Value v : values) {
            if (v.valueType() != null && !List.of(valueTypes).contains(v.valueType())) {
                issues.reject(name, "Parameter '" + name + "' must be given as " + String.join(" or ", valueTypes)
                        + ", not " + v.valueType());
                return null;
            }
            distinct.add(v.text());
        }
        if (distinct.size() > 1) {
            issues.reject(name, "Parameter '" + name + "' may be given once; got " + String.join(", ", distinct));
            return null;
        }
        String v = distinct.iterator().next();
        if (v == null || v.isBlank()) {
            issues.reject(name, "Parameter '" + name + "' is empty");
            return null;
        }
        return v;
    }

    private static List<String> types(ExportLevel level, List<Value> values, Issues issues) {
        Set<String> known = Fhir.r4().getResourceTypes();
        Set<String> types = new LinkedHashSet<>();
        for (Value v : values) {
            if (v.valueType() != null && !v.valueType().equals("valueString")) {
                issues.reject("_type", "Parameter '_type' must be given as valueString, not " + v.valueType());
                continue;
            }
            for (String t : v.text().split(",", -1)) {
                t = t.trim();
                if (t.isEmpty()) {
                    issues.reject("_type", "_type contains an empty resource type");
                } else if (!known.contains(t)) {
                    issues.reject("_type", "_type: '" + t + "' is not a FHIR R4 resource type");
                } else if (level != ExportLevel.SYSTEM && !PatientCompartment.isCompartmentType(t)
                        && !PatientCompartment.isContextType(t)) {
                    issues.reject("_type", "_type: " + t + " is not in the Patient compartment and is not a context"
                            + " type this server adds at " + level.code() + " level");
                } else {
                    types.add(t);
                }
            }
        }
        if (types.isEmpty()) {
            // Every value was dropped (lenient): the parameter as a whole is ignored.
            return null;
        }
        if (level != ExportLevel.SYSTEM && types.stream().noneMatch(PatientCompartment::isCompartmentType)) {
            issues.reject("_type", "_type at " + level.code() + " level needs at least one Patient compartment type;"
                    + " context types (" + String.join(", ", types) + ") are exported only when referenced");
            return null;
        }
        return Collections.unmodifiableList(new ArrayList<>(types));
    }

    /** Strict: the first problem fails the request. Lenient: problems are collected and skipped. */
    private record Issues(boolean lenient, List<Ignored> ignored) {
        void reject(String parameter, String message) {
            if (!lenient) {
                throw new InvalidExportRequestException(parameter, message);
            }
            ignored.add(new Ignored(parameter, message));
        }
    }
}
