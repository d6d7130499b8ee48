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
import org.bulkfhir.core.search.InvalidSearchException;
import org.bulkfhir.core.search.SearchQuery;
import org.bulkfhir.core.search.TypeFilterParser;

/**
 * A validated {@code $export} kick-off: level, output format, {@code _since}, {@code _type} and
 * the {@link ExportOptions} (the 2.0 and 3.0 parameters), parsed from a GET query or a POST
 * {@code Parameters} body. Repeated parameters are the same as one comma-joined value (S-23).
 *
 * <p>A parameter or value this server cannot honour is refused with a 400 naming it, or, under
 * {@code Prefer: handling=lenient}, dropped and listed in {@link #ignored()} so that the export
 * can report one OperationOutcome per ignored parameter (S-24).
 */
public record ExportRequest(
        ExportLevel level,
        String groupId,
        String outputFormat,
        Long since,
        List<String> types,
        List<Ignored> ignored,
        ExportOptions options) {

    public static final String NDJSON = "application/fhir+ndjson";
    /** The three NDJSON spellings every server must accept (S-27). */
    public static final Set<String> NDJSON_FORMATS = Set.of("application/fhir+ndjson", "application/ndjson", "ndjson");
    /** Parameters implemented by this server: every one the 2.0 and 3.0 export operations define. */
    public static final Set<String> SUPPORTED = Set.of("_outputFormat", "_since", "_type", "_typeFilter",
            "_elements", "patient", "includeAssociatedData", "_until", "organizeOutputBy", "allowPartialManifests");

    /** A parameter (or one value of it) dropped under lenient handling, with the reason. */
    public record Ignored(String parameter, String reason) {
    }

    public ExportRequest {
        types = types == null ? null : List.copyOf(types);
        ignored = List.copyOf(ignored);
        options = options == null ? ExportOptions.NONE : options;
    }

    /** The same request exporting {@code newTypes}, with {@code newIgnored} as its ignored list. */
    public ExportRequest withTypes(List<String> newTypes, List<Ignored> newIgnored) {
        return new ExportRequest(level, groupId, outputFormat, since, newTypes, newIgnored, options);
    }

    public ExportRequest withOptions(ExportOptions newOptions, List<Ignored> newIgnored) {
        return new ExportRequest(level, groupId, outputFormat, since, types, newIgnored, newOptions);
    }

    /** Whether resources of {@code type} can be in this export's output (before includeAssociatedData). */
    public boolean exports(String type) {
        if (types != null) {
            return types.contains(type);
        }
        return level == ExportLevel.SYSTEM || PatientCompartment.isCompartmentType(type)
                || PatientCompartment.isContextType(type);
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
                            : v.isObject() && v.has("reference") ? v.path("reference").asText()
                            : v.isObject() && v.has("code") ? v.path("code").asText() : v.toString();
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
        Long until = null;
        List<String> types = null;
        List<String> elements = null;
        List<String> patients = null;
        List<String> associated = null;
        String organizeBy = null;
        boolean partial = false;
        if (params.containsKey("patient") && level == ExportLevel.SYSTEM) {
            // Not even lenient handling may widen a system export into a patient-filtered one.
            throw new InvalidExportRequestException("patient", "The 'patient' parameter is only allowed at the"
                    + " Patient and Group levels, not on [base]/$export");
        }
        if (params.containsKey("_type")) {
            // First, because _typeFilter and _elements are checked against the exported types.
            types = types(level, params.get("_type"), issues);
        }
        for (Map.Entry<String, List<Value>> e : params.entrySet()) {
            String name = e.getKey();
            List<Value> values = e.getValue();
            if (!SUPPORTED.contains(name)) {
                issues.reject(name, "Unknown parameter '" + name + "' for $export");
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
                case "_since" -> since = instant(name, values, issues);
                case "_until" -> until = instant(name, values, issues);
                case "_type" -> {
                    // Read above.
                }
                case "_typeFilter" -> {
                    // After the loop: it depends on _type only, but reads better in one place.
                }
                case "_elements" -> elements = elements(level, types, values, issues);
                case "patient" -> patients = patients(values, issues);
                case "includeAssociatedData" -> associated = associatedData(values, issues);
                case "organizeOutputBy" -> {
                    String v = single(name, values, issues, "valueString", "valueCode");
                    if (v != null) {
                        if (!v.trim().equals("Patient")) {
                            issues.reject(name, "organizeOutputBy supports only Patient, not '" + v + "'");
                        } else if (level == ExportLevel.SYSTEM) {
                            issues.reject(name, "organizeOutputBy=Patient is supported at the Patient and Group"
                                    + " levels, not on [base]/$export");
                        } else {
                            organizeBy = "Patient";
                        }
                    }
                }
                case "allowPartialManifests" -> {
                    String v = single(name, values, issues, "valueBoolean");
                    if (v != null) {
                        if (v.trim().equals("true") || v.trim().equals("false")) {
                            partial = v.trim().equals("true");
                        } else {
                            issues.reject(name, "allowPartialManifests must be true or false, not '" + v + "'");
                        }
                    }
                }
                default -> throw new IllegalStateException(name);
            }
        }
        if (organizeBy != null && associated != null) {
            // Blocks hold the patient's compartment; there is no block for Provenance of other resources.
            issues.reject("includeAssociatedData", "includeAssociatedData cannot be combined with organizeOutputBy");
            associated = null;
        }
        if (since != null && until != null && until <= since) {
            issues.reject("_until", "_until must be later than _since");
            until = null;
        }
        ExportOptions partialOptions = new ExportOptions(until, null, elements, patients, associated, organizeBy,
                partial, false);
        List<String> filters = params.containsKey("_typeFilter")
                ? typeFilters(level, types, partialOptions, params.get("_typeFilter"), issues) : null;
        return new ExportRequest(level, groupId, outputFormat, since, types, ignored,
                partialOptions.withTypeFilters(filters));
    }

    private static Long instant(String name, List<Value> values, Issues issues) {
        String v = single(name, values, issues, "valueInstant", "valueDateTime", "valueString");
        if (v == null) {
            return null;
        }
        try {
            return FhirInstant.parse(v.trim());
        } catch (IllegalArgumentException ex) {
            issues.reject(name, name + ": " + ex.getMessage());
            return null;
        }
    }

    /** Every value as a comma list of plain texts, each of one of {@code valueTypes} (POST). */
    private static List<String> commaValues(String name, List<Value> values, Issues issues, String... valueTypes) {
        List<String> out = new ArrayList<>();
        for (Value v : values) {
            if (v.valueType() != null && !List.of(valueTypes).contains(v.valueType())) {
                issues.reject(name, "Parameter '" + name + "' must be given as " + String.join(" or ", valueTypes)
                        + ", not " + v.valueType());
                continue;
            }
            for (String part : v.text().split(",", -1)) {
                out.add(part.trim());
            }
        }
        return out;
    }

    private static List<String> elements(ExportLevel level, List<String> types, List<Value> values, Issues issues) {
        Set<String> kept = new LinkedHashSet<>();
        for (String e : commaValues("_elements", values, issues, "valueString")) {
            String problem = ElementSubsetter.check(e);
            String type = problem == null ? ElementSubsetter.typeOf(e) : null;
            if (problem == null && type != null && !exported(level, types, type)) {
                problem = "_elements: " + type + " is not exported by this request";
            }
            if (problem != null) {
                issues.reject("_elements", problem);
            } else {
                kept.add(e);
            }
        }
        return kept.isEmpty() ? null : new ArrayList<>(kept);
    }

    private static boolean exported(ExportLevel level, List<String> types, String type) {
        return new ExportRequest(level, null, NDJSON, null, types, List.of(), null).exports(type);
    }

    /**
     * The patient ids of {@code patient} references ({@code Patient/id}; POST {@code valueReference},
     * and, beyond the IG, a comma list in GET). Whether they exist is the server's check.
     */
    private static List<String> patients(List<Value> values, Issues issues) {
        Set<String> ids = new LinkedHashSet<>();
        for (String ref : commaValues("patient", values, issues, "valueReference")) {
            String id = ref.startsWith("Patient/") ? ref.substring("Patient/".length()) : null;
            if (id == null || !id.matches("[A-Za-z0-9\\-.]{1,64}")) {
                issues.reject("patient", "patient: '" + ref + "' is not a reference of the form Patient/[id]");
            } else {
                ids.add(id);
            }
        }
        return ids.isEmpty() ? null : new ArrayList<>(ids);
    }

    private static List<String> associatedData(List<Value> values, Issues issues) {
        Set<String> codes = new LinkedHashSet<>();
        for (String code : commaValues("includeAssociatedData", values, issues, "valueCode", "valueString",
                "valueCoding")) {
            if (code.equals(ExportOptions.LATEST_PROVENANCE) || code.equals(ExportOptions.RELEVANT_PROVENANCE)) {
                codes.add(code);
            } else {
                issues.reject("includeAssociatedData", "includeAssociatedData: '" + code + "' is not supported; use "
                        + ExportOptions.LATEST_PROVENANCE + " or " + ExportOptions.RELEVANT_PROVENANCE);
            }
        }
        return codes.isEmpty() ? null : new ArrayList<>(codes);
    }

    /**
     * Each {@code _typeFilter} value, split where the 2.0 comma form joined several, parsed to be
     * sure it can run, and kept as text. A query for a type the request does not export is
     * refused: it could never select anything (S-41, S-45).
     */
    private static List<String> typeFilters(ExportLevel level, List<String> types, ExportOptions options,
                                            List<Value> values, Issues issues) {
        TypeFilterParser parser = new TypeFilterParser(System.currentTimeMillis());
        List<String> queries = new ArrayList<>();
        for (Value v : values) {
            if (v.valueType() != null && !v.valueType().equals("valueString")) {
                issues.reject("_typeFilter", "Parameter '_typeFilter' must be given as valueString, not "
                        + v.valueType());
                continue;
            }
            for (String q : TypeFilterParser.splitList(v.text())) {
                try {
                    SearchQuery query = parser.parse(q);
                    String type = query.resourceType();
                    if (!exported(level, types, type)) {
                        issues.reject("_typeFilter", "_typeFilter '" + q + "': " + type + " is not exported by this"
                                + " request" + (types != null ? " (_type=" + String.join(",", types) + ")" : ""));
                    } else if (type.equals("Provenance") && options.provenance() != ExportOptions.Provenance.DEFAULT) {
                        issues.reject("_typeFilter", "_typeFilter '" + q + "': with includeAssociatedData the"
                                + " exported Provenance are those of the exported resources, which are not filtered");
                    } else {
                        queries.add(query.text());
                    }
                } catch (InvalidSearchException e) {
                    issues.reject("_typeFilter", "_typeFilter: " + e.getMessage());
                }
            }
        }
        return queries.isEmpty() ? null : queries;
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
