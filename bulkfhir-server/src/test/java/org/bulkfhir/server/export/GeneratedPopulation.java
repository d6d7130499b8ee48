package org.bulkfhir.server.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.generate.PopulationGenerator;
import org.bulkfhir.store.load.Loader;

/**
 * A generated population, lightly edited so that every filter has something to select (tags,
 * profiles, a second Provenance for some Conditions, Conditions loaded last so that
 * {@code _lastUpdated} splits them off), loaded into a store. The test's expectations come from
 * evaluating criteria with plain Jackson over these same NDJSON lines, with code written here for
 * the purpose and sharing nothing with the server's parser or SQL compiler.
 */
final class GeneratedPopulation {
    static final String TAG_SYSTEM = "http://bulkfhir.example.org/tags";
    static final String PROFILE = "http://bulkfhir.example.org/StructureDefinition/checked-observation";

    /** Every resource by type, as loaded (after the edits). */
    final Map<String, List<JsonNode>> byType = new LinkedHashMap<>();
    /** An instant after everything but the Conditions was stored and before the Conditions were. */
    long beforeConditions;

    static GeneratedPopulation load(ResourceStore store, Path dir, int patients) throws IOException {
        GeneratedPopulation p = new GeneratedPopulation();
        Path gen = dir.resolve("generated");
        new PopulationGenerator(4).generate(patients, gen);
        try (var files = Files.list(gen)) {
            for (Path f : files.sorted().toList()) {
                String type = f.getFileName().toString().replace(".ndjson", "");
                List<JsonNode> list = new ArrayList<>();
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        list.add(Json.MAPPER.readTree(line));
                    }
                }
                p.byType.put(type, list);
            }
        }
        p.edit();
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        Files.createDirectories(first);
        Files.createDirectories(second);
        for (var e : p.byType.entrySet()) {
            Path target = (e.getKey().equals("Condition") ? second : first).resolve(e.getKey() + ".ndjson");
            try (BufferedWriter w = Files.newBufferedWriter(target)) {
                for (JsonNode r : e.getValue()) {
                    w.write(Json.MAPPER.writeValueAsString(r));
                    w.write('\n');
                }
            }
        }
        new Loader(store).load(List.of(first));
        p.beforeConditions = store.snapshotTime();
        new Loader(store).load(List.of(second));
        return p;
    }

    private void edit() {
        List<JsonNode> obs = byType.get("Observation");
        for (int i = 0; i < obs.size(); i++) {
            ObjectNode meta = ((ObjectNode) obs.get(i)).putObject("meta");
            if (i % 4 == 0) {
                meta.putArray("tag").addObject().put("system", TAG_SYSTEM).put("code", "reviewed");
            }
            if (i % 7 == 0) {
                meta.putArray("profile").add(PROFILE);
            }
            if (meta.isEmpty()) {
                ((ObjectNode) obs.get(i)).remove("meta");
            }
        }
        // A later Provenance for some Conditions of the diabetes cohort, so "latest" and "all relevant" differ.
        Set<String> cohort = Set.copyOf(members(group("diabetes-cohort")));
        List<JsonNode> conditions = all("Condition").stream().filter(c -> about(c, cohort)).limit(20).toList();
        List<JsonNode> provenance = byType.get("Provenance");
        for (int i = 0; i < conditions.size(); i++) {
            ObjectNode p = Json.MAPPER.createObjectNode();
            p.put("resourceType", "Provenance").put("id", "review-" + i);
            p.putArray("target").addObject().put("reference", "Condition/" + conditions.get(i).path("id").asText());
            p.put("recorded", "2025-07-01T00:" + String.format("%02d", i) + ":00Z");
            p.putArray("agent").addObject().putObject("who").put("reference",
                    "Practitioner/" + byType.get("Practitioner").get(0).path("id").asText());
            provenance.add(p);
        }
    }

    // ---------------------------------------------------------------- evaluation

    List<JsonNode> all(String type) {
        return byType.getOrDefault(type, List.of());
    }

    /** {@code Type/id} of the resources of {@code type} that satisfy {@code p}. */
    Set<String> where(String type, Predicate<JsonNode> p) {
        Set<String> out = new TreeSet<>();
        for (JsonNode r : all(type)) {
            if (p.test(r)) {
                out.add(type + "/" + r.path("id").asText());
            }
        }
        return out;
    }

    static String ref(JsonNode r) {
        return r.path("resourceType").asText() + "/" + r.path("id").asText();
    }

    /** Whether a CodeableConcept (or array of them) has a coding with this code (and system, unless null). */
    static boolean coded(JsonNode concepts, String system, String code) {
        for (JsonNode cc : concepts.isArray() ? concepts : List.of(concepts)) {
            for (JsonNode c : cc.path("coding")) {
                if (c.path("code").asText().equals(code) && (system == null || c.path("system").asText().equals(system))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The instant range a FHIR date/dateTime/instant string covers, computed with java.time. */
    static long[] span(String v) {
        if (v.length() == 4) {
            Year y = Year.parse(v);
            return new long[] {y.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli(),
                    y.plusYears(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() - 1};
        }
        if (v.length() == 7) {
            YearMonth m = YearMonth.parse(v);
            return new long[] {m.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli(),
                    m.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() - 1};
        }
        if (v.length() == 10) {
            LocalDate d = LocalDate.parse(v);
            return new long[] {d.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli(),
                    d.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() - 1};
        }
        Instant i = OffsetDateTime.parse(v).toInstant();
        return new long[] {i.toEpochMilli(), i.toEpochMilli() + 999};
    }

    /** A Period as a range; a missing end is open. */
    static long[] period(JsonNode p) {
        long lo = p.has("start") ? span(p.path("start").asText())[0] : Long.MIN_VALUE;
        long hi = p.has("end") ? span(p.path("end").asText())[1] : Long.MAX_VALUE;
        return new long[] {lo, hi};
    }

    /**
     * FHIR R4 date search, written out from the specification's table: the value's range
     * {@code v} against the parameter's range {@code q}.
     */
    static boolean dateMatches(String prefix, long[] v, String query) {
        long[] q = span(query);
        boolean inside = v[0] >= q[0] && v[1] <= q[1];
        return switch (prefix) {
            case "eq" -> inside;
            case "ne" -> !inside;
            case "gt" -> v[1] > q[1];
            case "lt" -> v[0] < q[0];
            case "ge" -> v[1] > q[1] || inside;
            case "le" -> v[0] < q[0] || inside;
            case "sa" -> v[0] > q[1];
            case "eb" -> v[1] < q[0];
            default -> throw new IllegalArgumentException(prefix);
        };
    }

    /** Ids of the patients in a Group, from its member list. */
    static List<String> members(JsonNode group) {
        List<String> ids = new ArrayList<>();
        for (JsonNode m : group.path("member")) {
            ids.add(m.path("entity").path("reference").asText().substring("Patient/".length()));
        }
        return ids;
    }

    JsonNode group(String identifier) {
        for (JsonNode g : all("Group")) {
            if (g.path("identifier").get(0).path("value").asText().equals(identifier)) {
                return g;
            }
        }
        throw new IllegalArgumentException(identifier);
    }

    /** Whether {@code r} references {@code Patient/id} in one of the fields the generator uses for the subject. */
    static boolean about(JsonNode r, Set<String> patients) {
        for (String field : List.of("subject", "patient", "beneficiary")) {
            String ref = r.path(field).path("reference").asText();
            if (ref.startsWith("Patient/") && patients.contains(ref.substring(8))) {
                return true;
            }
        }
        return r.path("resourceType").asText().equals("Patient") && patients.contains(r.path("id").asText());
    }
}
