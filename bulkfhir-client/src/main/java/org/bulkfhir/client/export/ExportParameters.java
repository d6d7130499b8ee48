package org.bulkfhir.client.export;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bulkfhir.core.fhir.FhirInstant;

/**
 * The kick-off parameters of Bulk Data 2.0 and 3.0, as a client sends them. {@link #validate}
 * refuses what a server would refuse or silently misread, before anything is sent (C-16, C-17).
 */
public final class ExportParameters {
    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
    private static final Pattern ELEMENT = Pattern.compile("([A-Z][A-Za-z]+\\.)?[a-z][A-Za-z0-9]*(\\[x\\])?");
    /** Search-result parameters a _typeFilter must not carry: it selects resources, it does not shape results. */
    private static final Set<String> RESULT_PARAMS = Set.of("_include", "_revinclude", "_sort", "_elements", "_count",
            "_summary", "_total", "_contained", "_containedtype", "_format", "_pretty", "_maxresults", "_graph");
    public static final String NDJSON = "application/fhir+ndjson";

    public final List<String> types = new ArrayList<>();
    public String since;
    public String until;
    public final List<String> typeFilters = new ArrayList<>();
    public final List<String> elements = new ArrayList<>();
    public final List<String> patients = new ArrayList<>();
    public final List<String> includeAssociatedData = new ArrayList<>();
    public String organizeOutputBy;
    public boolean allowPartialManifests;
    public String outputFormat;
    /** Ask for POST even when GET would do. */
    public boolean post;
    /** {@code Prefer: handling=lenient}: the server ignores what it does not support instead of refusing. */
    public boolean lenient;
    /** {@code Prefer: separate-export-status} (3.0). */
    public boolean separateExportStatus;
    /**
     * C-19: when the kick-off is refused (400/422) with an OperationOutcome naming an optional
     * parameter that can go without widening the export, resubmit once without it (see
     * {@link ParameterDrop}). Off by default: the user asked for that parameter.
     */
    public boolean dropUnsupported;

    /** Splits comma lists so {@code --type Patient,Observation} and repeated options mean the same. */
    public static List<String> splitAll(List<String> values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                for (String part : v.split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.trim());
                    }
                }
            }
        }
        return out;
    }

    /** @throws IllegalArgumentException with a message fit for a user */
    public void validate(ExportLevel level) {
        for (String t : types) {
            requireType(t, "_type");
        }
        if (since != null) {
            FhirInstant.parse(since); // throws with an explanation
        }
        if (until != null) {
            FhirInstant.parse(until);
        }
        if (since != null && until != null && FhirInstant.parse(since) >= FhirInstant.parse(until)) {
            throw new IllegalArgumentException("_since (" + since + ") must be before _until (" + until + ")");
        }
        for (String f : typeFilters) {
            validateTypeFilter(f);
        }
        for (String e : elements) {
            if (!ELEMENT.matcher(e).matches()) {
                throw new IllegalArgumentException("'" + e + "' is not an _elements entry: use element or Type.element");
            }
        }
        if (!patients.isEmpty() && level.kind() == ExportLevel.Kind.SYSTEM) {
            throw new IllegalArgumentException("'patient' applies to patient and group exports, not to system exports");
        }
        for (int i = 0; i < patients.size(); i++) {
            patients.set(i, patientReference(patients.get(i)));
        }
        for (String c : includeAssociatedData) {
            if (!c.matches("_?[A-Za-z][A-Za-z0-9]*")) {
                throw new IllegalArgumentException("'" + c + "' is not an includeAssociatedData code"
                        + " (LatestProvenanceResources, RelevantProvenanceResources or a _custom code)");
            }
        }
        if (organizeOutputBy != null) {
            requireType(organizeOutputBy, "organizeOutputBy");
        }
    }

    private static void requireType(String t, String param) {
        if (!TYPE.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + t + "' in " + param + " is not a FHIR resource type name");
        }
    }

    static void validateTypeFilter(String f) {
        int q = f.indexOf('?');
        if (q <= 0 || q == f.length() - 1) {
            throw new IllegalArgumentException("_typeFilter '" + f + "' must be Type?search, e.g. Observation?category=laboratory");
        }
        requireType(f.substring(0, q), "_typeFilter");
        for (String pair : f.substring(q + 1).split("&")) {
            String name = pair.split("=", 2)[0];
            int colon = name.indexOf(':');
            String base = (colon >= 0 ? name.substring(0, colon) : name).toLowerCase(Locale.ROOT);
            if (RESULT_PARAMS.contains(base)) {
                throw new IllegalArgumentException("_typeFilter '" + f + "' uses " + name
                        + ", which shapes search results; a _typeFilter may only select resources");
            }
        }
    }

    static String patientReference(String p) {
        String v = p.trim();
        String id = v.startsWith("Patient/") ? v.substring("Patient/".length()) : v;
        if (!id.matches("[A-Za-z0-9\\-.]{1,64}")) {
            throw new IllegalArgumentException("'" + p + "' is not a Patient reference (Patient/ID or ID)");
        }
        return "Patient/" + id;
    }

    /** The names of the parameters the kick-off sends, in the order {@link #toQuery} writes them. */
    public List<String> sentNames() {
        List<String> names = new ArrayList<>();
        if (outputFormat != null) {
            names.add("_outputFormat");
        }
        if (!types.isEmpty()) {
            names.add("_type");
        }
        if (since != null) {
            names.add("_since");
        }
        if (until != null) {
            names.add("_until");
        }
        if (!elements.isEmpty()) {
            names.add("_elements");
        }
        if (!patients.isEmpty()) {
            names.add("patient");
        }
        if (!includeAssociatedData.isEmpty()) {
            names.add("includeAssociatedData");
        }
        if (!typeFilters.isEmpty()) {
            names.add("_typeFilter");
        }
        if (organizeOutputBy != null) {
            names.add("organizeOutputBy");
        }
        if (allowPartialManifests) {
            names.add("allowPartialManifests");
        }
        return names;
    }

    /** A copy without the named parameters (C-19); everything else, headers included, as it was. */
    public ExportParameters without(Set<String> names) {
        ExportParameters p = new ExportParameters();
        if (!names.contains("_type")) {
            p.types.addAll(types);
        }
        p.since = names.contains("_since") ? null : since;
        p.until = names.contains("_until") ? null : until;
        if (!names.contains("_typeFilter")) {
            p.typeFilters.addAll(typeFilters);
        }
        if (!names.contains("_elements")) {
            p.elements.addAll(elements);
        }
        if (!names.contains("patient")) {
            p.patients.addAll(patients);
        }
        if (!names.contains("includeAssociatedData")) {
            p.includeAssociatedData.addAll(includeAssociatedData);
        }
        p.organizeOutputBy = names.contains("organizeOutputBy") ? null : organizeOutputBy;
        p.allowPartialManifests = !names.contains("allowPartialManifests") && allowPartialManifests;
        p.outputFormat = names.contains("_outputFormat") ? null : outputFormat;
        p.post = post;
        p.lenient = lenient;
        p.separateExportStatus = separateExportStatus;
        p.dropUnsupported = dropUnsupported;
        return p;
    }

    /** {@code patient} only exists in the POST form. */
    public boolean requiresPost() {
        return !patients.isEmpty();
    }

    /** The GET query string (without '?'): comma lists for multi-valued parameters, repeated _typeFilter (3.0). */
    public String toQuery() {
        List<String> q = new ArrayList<>();
        add(q, "_outputFormat", outputFormat);
        add(q, "_type", types.isEmpty() ? null : String.join(",", types));
        add(q, "_since", since);
        add(q, "_until", until);
        add(q, "_elements", elements.isEmpty() ? null : String.join(",", elements));
        add(q, "includeAssociatedData", includeAssociatedData.isEmpty() ? null : String.join(",", includeAssociatedData));
        for (String f : typeFilters) {
            add(q, "_typeFilter", f);
        }
        add(q, "organizeOutputBy", organizeOutputBy);
        if (allowPartialManifests) {
            add(q, "allowPartialManifests", "true");
        }
        return String.join("&", q);
    }

    private static void add(List<String> q, String name, String value) {
        if (value != null) {
            q.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
        }
    }

    /** The POST body: a Parameters resource with one entry per value (the 4.0 draft forbids comma lists). */
    public byte[] toParametersJson() {
        var mapper = org.bulkfhir.core.json.Json.MAPPER;
        var root = mapper.createObjectNode();
        root.put("resourceType", "Parameters");
        var params = root.putArray("parameter");
        if (outputFormat != null) {
            params.addObject().put("name", "_outputFormat").put("valueString", outputFormat);
        }
        for (String t : types) {
            params.addObject().put("name", "_type").put("valueString", t);
        }
        if (since != null) {
            params.addObject().put("name", "_since").put("valueInstant", since);
        }
        if (until != null) {
            params.addObject().put("name", "_until").put("valueInstant", until);
        }
        for (String e : elements) {
            params.addObject().put("name", "_elements").put("valueString", e);
        }
        for (String p : patients) {
            params.addObject().put("name", "patient").putObject("valueReference").put("reference", p);
        }
        for (String c : includeAssociatedData) {
            params.addObject().put("name", "includeAssociatedData").put("valueCode", c);
        }
        for (String f : typeFilters) {
            params.addObject().put("name", "_typeFilter").put("valueString", f);
        }
        if (organizeOutputBy != null) {
            params.addObject().put("name", "organizeOutputBy").put("valueString", organizeOutputBy);
        }
        if (allowPartialManifests) {
            params.addObject().put("name", "allowPartialManifests").put("valueBoolean", true);
        }
        try {
            return mapper.writeValueAsBytes(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code Prefer} header of the kick-off (C-14). */
    public String preferHeader() {
        StringBuilder sb = new StringBuilder("respond-async");
        if (lenient) {
            sb.append(", handling=lenient");
        }
        if (separateExportStatus) {
            sb.append(", separate-export-status");
        }
        return sb.toString();
    }
}
