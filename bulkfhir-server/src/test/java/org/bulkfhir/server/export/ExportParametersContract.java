package org.bulkfhir.server.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bulkfhir.server.export.GeneratedPopulation.coded;
import static org.bulkfhir.server.export.GeneratedPopulation.dateMatches;
import static org.bulkfhir.server.export.GeneratedPopulation.period;
import static org.bulkfhir.server.export.GeneratedPopulation.span;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.fhir.FhirInstant;
import org.bulkfhir.core.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The issue-4 parameters over real HTTP on a generated population (loaded once per database):
 * every {@code _typeFilter} result is compared with an evaluation of the same criteria over the
 * loaded NDJSON by {@link GeneratedPopulation} (plain Jackson, nothing shared with the parser or
 * the SQL compiler), and each filter is chosen so that it really changes the result.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ExportParametersContract {
    static final int PATIENTS = 30;
    static final long SPLIT = 64 * 1024;

    Path dir;
    ExportHarness h;
    GeneratedPopulation pop;

    protected abstract String jdbcUrl() throws Exception;

    protected void dropDatabase() {
    }

    @BeforeAll
    void load() throws Exception {
        dir = Files.createTempDirectory("bulkfhir-params");
        h = new ExportHarness(jdbcUrl(), dir, ExportHarness.testConfig(dir).withFileSplitBytes(SPLIT)
                .withMaxActiveJobsPerClient(1000).withManifestPageSize(4));
        pop = GeneratedPopulation.load(h.store, dir, PATIENTS);
    }

    @AfterAll
    void unload() throws Exception {
        try {
            h.close();
            dropDatabase();
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Kicks off every request first (they run side by side), then collects each output set. */
    Map<String, Set<String>> runAll(Map<String, String> requests) throws Exception {
        Map<String, String> status = new LinkedHashMap<>();
        for (var e : requests.entrySet()) {
            status.put(e.getKey(), h.kickoff(e.getValue()));
        }
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (var e : status.entrySet()) {
            JsonNode m = h.awaitManifest(e.getValue());
            assertThat(m.path("error")).as(e.getKey() + " reported errors").isEmpty();
            out.put(e.getKey(), h.exportedOnce(m));
        }
        return out;
    }

    Set<String> of(String type, Set<String> refs) {
        Set<String> out = new TreeSet<>();
        for (String r : refs) {
            if (r.startsWith(type + "/")) {
                out.add(r);
            }
        }
        return out;
    }

    private record Case(String type, String query, Set<String> expected) {
    }

    private static List<JsonNode> components(JsonNode observation) {
        List<JsonNode> list = new ArrayList<>();
        observation.path("component").forEach(list::add);
        return list;
    }

    /** S-41, S-45, §5.20: each query's result equals the independent evaluation, and differs from no filter. */
    @Test
    void typeFilterSelectsExactlyWhatTheCriteriaSelect() throws Exception {
        JsonNode obs0 = pop.all("Observation").stream().filter(o -> o.has("valueQuantity")).findFirst().orElseThrow();
        double v0 = obs0.path("valueQuantity").path("value").asDouble();
        String v0text = obs0.path("valueQuantity").path("value").asText();
        JsonNode patient0 = pop.all("Patient").get(0);
        String family = patient0.path("name").get(0).path("family").asText();
        String given = patient0.path("name").get(0).path("given").get(0).asText();
        String encounter = obs0.path("encounter").path("reference").asText().substring("Encounter/".length());
        String performer = obs0.path("performer").get(0).path("reference").asText().substring("Practitioner/".length());
        String id1 = pop.all("Observation").get(3).path("id").asText();
        String id2 = pop.all("Observation").get(9).path("id").asText();
        String before = FhirInstant.format(pop.beforeConditions);

        List<Case> cases = new ArrayList<>();
        cases.add(new Case("Observation", "Observation?category=laboratory&date=ge2020", pop.where("Observation",
                o -> coded(o.path("category"), null, "laboratory")
                        && dateMatches("ge", span(o.path("effectiveDateTime").asText()), "2020"))));
        cases.add(new Case("MedicationRequest", "MedicationRequest?status=active",
                pop.where("MedicationRequest", m -> m.path("status").asText().equals("active"))));
        cases.add(new Case("Condition", "Condition?code=http://snomed.info/sct|44054006",
                pop.where("Condition", c -> coded(c.path("code"), "http://snomed.info/sct", "44054006"))));
        // AND across parameters; OR inside one (comma).
        cases.add(new Case("Observation", "Observation?category=vital-signs&code=http://loinc.org|8867-4",
                pop.where("Observation", o -> coded(o.path("category"), null, "vital-signs")
                        && coded(o.path("code"), "http://loinc.org", "8867-4"))));
        cases.add(new Case("MedicationRequest", "MedicationRequest?status=active,stopped",
                pop.where("MedicationRequest", m -> Set.of("active", "stopped").contains(m.path("status").asText()))));
        // Quantities: prefix, system|code, ||unit, implicit precision.
        cases.add(new Case("Observation", "Observation?value-quantity=gt100",
                pop.where("Observation", o -> o.has("valueQuantity") && o.path("valueQuantity").path("value").asDouble() > 100)));
        cases.add(new Case("Observation", "Observation?value-quantity=ge36|http://unitsofmeasure.org|Cel",
                pop.where("Observation", o -> o.has("valueQuantity") && o.path("valueQuantity").path("value").asDouble() >= 36
                        && o.path("valueQuantity").path("system").asText().equals("http://unitsofmeasure.org")
                        && o.path("valueQuantity").path("code").asText().equals("Cel"))));
        cases.add(new Case("Observation", "Observation?value-quantity=lt60||/min",
                pop.where("Observation", o -> o.has("valueQuantity") && o.path("valueQuantity").path("value").asDouble() < 60
                        && (o.path("valueQuantity").path("code").asText().equals("/min")
                        || o.path("valueQuantity").path("unit").asText().equals("/min")))));
        double half = new java.math.BigDecimal(v0text).ulp().doubleValue() / 2;
        cases.add(new Case("Observation", "Observation?value-quantity=" + v0text,
                pop.where("Observation", o -> o.has("valueQuantity")
                        && o.path("valueQuantity").path("value").asDouble() >= v0 - half
                        && o.path("valueQuantity").path("value").asDouble() < v0 + half)));
        // Dates: periods and points against every prefix family, partial dates.
        for (String[] d : new String[][] {{"eb", "2011"}, {"sa", "2024-01-01"}, {"le", "2012-06"}, {"gt", "2023-05"},
                {"eq", "2015"}, {"ne", "2015"}, {"lt", "2010-06-15"}}) {
            cases.add(new Case("Encounter", "Encounter?date=" + d[0] + d[1], pop.where("Encounter",
                    e -> dateMatches(d[0], period(e.path("period")), d[1]))));
        }
        cases.add(new Case("Condition", "Condition?onset-date=lt2012", pop.where("Condition",
                c -> c.has("onsetDateTime") && dateMatches("lt", span(c.path("onsetDateTime").asText()), "2012"))));
        cases.add(new Case("Immunization", "Immunization?date=eq2015", pop.where("Immunization",
                i -> dateMatches("eq", span(i.path("occurrenceDateTime").asText()), "2015"))));
        // Strings: starts-with ignoring case, :exact, :contains.
        cases.add(new Case("Patient", "Patient?family=" + family.substring(0, 3).toLowerCase(), pop.where("Patient",
                p -> p.path("name").findValuesAsText("family").stream()
                        .anyMatch(f -> f.toLowerCase().startsWith(family.substring(0, 3).toLowerCase())))));
        cases.add(new Case("Patient", "Patient?name:exact=" + given, pop.where("Patient", p -> {
            for (JsonNode n : p.path("name")) {
                for (JsonNode part : n.path("given")) {
                    if (part.asText().equals(given)) {
                        return true;
                    }
                }
                if (n.path("family").asText().equals(given)) {
                    return true;
                }
            }
            return false;
        })));
        cases.add(new Case("Organization", "Organization?name:contains=general", pop.where("Organization",
                o -> o.path("name").asText().toLowerCase().contains("general"))));
        // References: Type/id, a bare id, the :Type modifier.
        cases.add(new Case("Observation", "Observation?subject=Patient/" + patient0.path("id").asText(),
                pop.where("Observation", o -> o.path("subject").path("reference").asText()
                        .equals("Patient/" + patient0.path("id").asText()))));
        // Observation `patient` is `subject` of type Patient: the store answers it from the subject rows.
        Set<String> ofPatient0 = pop.where("Observation", o -> o.path("subject").path("reference").asText()
                .equals("Patient/" + patient0.path("id").asText()));
        cases.add(new Case("Observation", "Observation?patient=Patient/" + patient0.path("id").asText(), ofPatient0));
        cases.add(new Case("Observation", "Observation?patient=" + patient0.path("id").asText()
                + "&patient:missing=false", ofPatient0));
        // combo-* are unions of the plain and the component parameter, answered from their rows.
        cases.add(new Case("Observation", "Observation?combo-code=http://loinc.org|8480-6,http://loinc.org|8867-4",
                pop.where("Observation", o -> coded(o.path("code"), "http://loinc.org", "8867-4")
                        || components(o).stream().anyMatch(c -> coded(c.path("code"), "http://loinc.org", "8480-6")))));
        cases.add(new Case("Observation", "Observation?combo-value-quantity=gt150",
                pop.where("Observation", o -> o.path("valueQuantity").path("value").asDouble() > 150
                        || components(o).stream().anyMatch(c -> c.path("valueQuantity").path("value").asDouble() > 150))));
        cases.add(new Case("Observation", "Observation?encounter=" + encounter, pop.where("Observation",
                o -> o.path("encounter").path("reference").asText().equals("Encounter/" + encounter))));
        cases.add(new Case("Observation", "Observation?performer:Practitioner=" + performer, pop.where("Observation",
                o -> o.path("performer").findValuesAsText("reference").contains("Practitioner/" + performer))));
        // Token modifiers and :missing.
        cases.add(new Case("Observation", "Observation?category:not=vital-signs", pop.where("Observation",
                o -> !coded(o.path("category"), null, "vital-signs"))));
        cases.add(new Case("Condition", "Condition?code:text=diabetes", pop.where("Condition",
                c -> c.path("code").path("coding").findValuesAsText("display").stream()
                        .anyMatch(t -> t.toLowerCase().startsWith("diabetes")))));
        cases.add(new Case("Encounter", "Encounter?reason-reference:missing=false",
                pop.where("Encounter", e -> e.has("reasonReference"))));
        // Resource-level parameters.
        cases.add(new Case("Observation", "Observation?_tag=" + GeneratedPopulation.TAG_SYSTEM + "|reviewed",
                pop.where("Observation", o -> o.path("meta").path("tag").findValuesAsText("code").contains("reviewed"))));
        cases.add(new Case("Observation", "Observation?_profile=" + GeneratedPopulation.PROFILE,
                pop.where("Observation", o -> o.path("meta").path("profile").toString().contains(GeneratedPopulation.PROFILE))));
        cases.add(new Case("Observation", "Observation?_id=" + id1 + "," + id2,
                Set.of("Observation/" + id1, "Observation/" + id2)));
        cases.add(new Case("Condition", "Condition?_lastUpdated=gt" + before, pop.where("Condition", c -> true)));
        cases.add(new Case("Observation", "Observation?_lastUpdated=gt" + before, Set.of()));

        Map<String, String> requests = new LinkedHashMap<>();
        for (Case c : cases) {
            requests.put(c.query(), "/$export?_type=" + c.type() + "&_typeFilter=" + enc(c.query()));
        }
        Map<String, Set<String>> got = runAll(requests);
        for (Case c : cases) {
            Set<String> all = pop.where(c.type(), r -> true);
            assertThat(got.get(c.query())).as(c.query()).isEqualTo(c.expected());
            // The two _lastUpdated queries split the load between them: all Conditions, no Observation.
            if (!c.query().contains("_lastUpdated")) {
                assertThat(c.expected()).as(c.query() + " must change the result").isNotEqualTo(all);
            }
            if (!c.query().startsWith("Observation?_lastUpdated")) {
                assertThat(c.expected()).as(c.query() + " must select something").isNotEmpty();
            }
        }
    }

    /** S-41, S-23, §5.20: OR by repeating _typeFilter, by a comma list inside a value, and by the 2.0 comma-joined form. */
    @Test
    void repeatedQueriesForOneTypeAreOredAndOtherTypesPass() throws Exception {
        Set<String> expected = pop.where("MedicationRequest",
                m -> Set.of("active", "stopped").contains(m.path("status").asText()));
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("repeated", "/$export?_type=MedicationRequest&_typeFilter=" + enc("MedicationRequest?status=active")
                + "&_typeFilter=" + enc("MedicationRequest?status=stopped"));
        requests.put("comma-joined", "/$export?_type=MedicationRequest&_typeFilter="
                + enc("MedicationRequest?status=active,MedicationRequest?status=stopped"));
        requests.put("value-list", "/$export?_type=MedicationRequest&_typeFilter=" + enc("MedicationRequest?status=stopped,active"));
        // Each query filters its own type only; Patient has none and passes whole.
        requests.put("mixed", "/$export?_type=Patient,Observation,Condition&_typeFilter="
                + enc("Observation?category=laboratory") + "&_typeFilter=" + enc("Condition?code=http://snomed.info/sct|44054006"));
        Map<String, Set<String>> got = runAll(requests);
        assertThat(got.get("repeated")).isEqualTo(expected).isNotEmpty();
        assertThat(got.get("comma-joined")).isEqualTo(expected);
        assertThat(got.get("value-list")).isEqualTo(expected);
        Set<String> mixed = new TreeSet<>(pop.where("Patient", p -> true));
        mixed.addAll(pop.where("Observation", o -> coded(o.path("category"), null, "laboratory")));
        mixed.addAll(pop.where("Condition", c -> coded(c.path("code"), "http://snomed.info/sct", "44054006")));
        assertThat(got.get("mixed")).isEqualTo(mixed);
    }

    /** S-41, S-39, S-20: _typeFilter by POST (valueString) at Patient level, and by GET at Group level. */
    @Test
    void typeFilterAtPatientAndGroupLevels() throws Exception {
        var r = h.post(h.base() + "/Patient/$export", "{\"resourceType\":\"Parameters\",\"parameter\":["
                + "{\"name\":\"_type\",\"valueString\":\"MedicationRequest\"},"
                + "{\"name\":\"_typeFilter\",\"valueString\":\"MedicationRequest?status=active\"}]}", "Prefer", "respond-async");
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        Set<String> viaPost = h.exportedOnce(h.awaitManifest(r.headers().firstValue("Content-Location").orElseThrow()));
        assertThat(viaPost).isEqualTo(pop.where("MedicationRequest", m -> m.path("status").asText().equals("active")));

        JsonNode cohort = pop.group("diabetes-cohort");
        Set<String> members = new TreeSet<>(GeneratedPopulation.members(cohort));
        Set<String> got = h.exportedOnce(h.awaitManifest(h.kickoff("/Group/" + cohort.path("id").asText()
                + "/$export?_type=Condition,Encounter&_typeFilter=" + enc("Condition?clinical-status=active"))));
        Set<String> expected = new TreeSet<>(pop.where("Condition", c -> GeneratedPopulation.about(c, members)
                && coded(c.path("clinicalStatus"), null, "active")));
        expected.addAll(pop.where("Encounter", e -> GeneratedPopulation.about(e, members)));
        assertThat(got).isEqualTo(expected);
        assertThat(of("Condition", got)).isNotEmpty()
                .isNotEqualTo(pop.where("Condition", c -> GeneratedPopulation.about(c, members)));
    }

    /** S-41, S-24, S-32: unusable queries answer 400 naming the problem, or are ignored and reported under lenient. */
    @Test
    void unusableTypeFiltersAre400OrReportedUnderLenient() throws Exception {
        String b = h.base() + "/$export?_typeFilter=";
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("Observation?_include=Observation:subject", "_include");
        bad.put("Observation?_sort=date", "_sort");
        bad.put("Observation?_count=10", "_count");
        bad.put("Observation?subject.name=peter", "Chained");
        bad.put("Observation?nonsense=1", "nonsense");
        bad.put("Observation?date=xx2020", "xx2020");
        bad.put("Observation?status:exact=final", ":exact");
        bad.put("Observation?value-quantity=big", "big");
        bad.put("Observation", "ResourceType?");
        bad.put("Nope?x=1", "Nope");
        for (var e : bad.entrySet()) {
            ExportHttpTest.assertOutcome(h.get(b + enc(e.getKey())), 400, e.getValue());
        }
        ExportHttpTest.assertOutcome(h.get(h.base() + "/$export?_type=Patient&_typeFilter="
                + enc("Observation?status=final")), 400, "Observation is not exported");
        ExportHttpTest.assertOutcome(h.get(h.base() + "/Patient/$export?_typeFilter="
                + enc("CodeSystem?status=active")), 400, "CodeSystem is not exported");
        String status = h.kickoff("/$export?_type=MedicationRequest&_typeFilter=" + enc("MedicationRequest?status=active")
                + "&_typeFilter=" + enc("MedicationRequest?_sort=status"), "Prefer", "handling=lenient");
        JsonNode m = h.awaitManifest(status);
        assertThat(h.exportedOnce(m)).isEqualTo(pop.where("MedicationRequest", x -> x.path("status").asText().equals("active")));
        assertThat(h.lines(m.path("error").get(0).path("url").asText())).singleElement().asString().contains("_sort");
    }

    /** S-38: _elements keeps the listed and the mandatory elements, tags SUBSETTED, and writes valid FHIR JSON. */
    @Test
    void elementsSubsetsResources() throws Exception {
        var r = h.post(h.base() + "/$export", "{\"resourceType\":\"Parameters\",\"parameter\":["
                + "{\"name\":\"_type\",\"valueString\":\"Patient,Observation,Condition\"},"
                + "{\"name\":\"_elements\",\"valueString\":\"Patient.gender,Observation.value\"},"
                + "{\"name\":\"_elements\",\"valueString\":\"identifier\"}]}", "Prefer", "respond-async");
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        JsonNode m = h.awaitManifest(r.headers().firstValue("Content-Location").orElseThrow());
        Map<String, Set<String>> fieldsByType = new HashMap<>();
        int lines = 0;
        for (JsonNode item : m.path("output")) {
            for (String line : h.lines(item.path("url").asText())) {
                lines++;
                JsonNode res = Json.MAPPER.readTree(line);
                // Byte-level validity: HAPI's strict parser reads every subsetted line.
                Fhir.r4().newJsonParser().setParserErrorHandler(new ca.uhn.fhir.parser.StrictErrorHandler())
                        .parseResource(line);
                Set<String> fields = fieldsByType.computeIfAbsent(res.path("resourceType").asText(), k -> new TreeSet<>());
                res.fieldNames().forEachRemaining(fields::add);
                assertThat(res.path("meta").path("tag").toString())
                        .contains("\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ObservationValue\"")
                        .contains("\"code\":\"SUBSETTED\"");
            }
        }
        assertThat(lines).isEqualTo(pop.all("Patient").size() + pop.all("Observation").size() + pop.all("Condition").size());
        assertThat(fieldsByType.get("Patient")).containsExactlyInAnyOrder("resourceType", "id", "meta", "gender", "identifier");
        // status and code are mandatory (1..1) in R4 Observation; value keeps valueQuantity.
        assertThat(fieldsByType.get("Observation")).containsExactlyInAnyOrder("resourceType", "id", "meta", "status",
                "code", "valueQuantity");
        // Condition: subject is 1..1; only the bare `identifier` applies (and the generator writes none).
        assertThat(fieldsByType.get("Condition")).containsExactlyInAnyOrder("resourceType", "id", "meta", "subject");
        ExportHttpTest.assertOutcome(h.get(h.base() + "/$export?_elements=Patient.name.given"), 400, "top-level");
        ExportHttpTest.assertOutcome(h.get(h.base() + "/$export?_elements=Patient.nope"), 400, "nope");
        ExportHttpTest.assertOutcome(h.get(h.base() + "/$export?_type=Patient&_elements=Observation.code"), 400,
                "Observation is not exported");
    }

    /** S-39: POST patient narrows Patient and Group exports; unknown patients and non-members are 400, or skipped under lenient. */
    @Test
    void patientParameterNarrowsToTheListedPatients() throws Exception {
        JsonNode cohort = pop.group("diabetes-cohort");
        List<String> members = GeneratedPopulation.members(cohort);
        String outsider = pop.all("Patient").stream().map(p -> p.path("id").asText())
                .filter(id -> !members.contains(id)).findFirst().orElseThrow();
        String groupUrl = h.base() + "/Group/" + cohort.path("id").asText() + "/$export";
        String two = params("Observation,Patient", members.get(0), members.get(1));
        var r = h.post(groupUrl, two, "Prefer", "respond-async");
        assertThat(r.statusCode()).isEqualTo(202);
        Set<String> got = h.exportedOnce(h.awaitManifest(r.headers().firstValue("Content-Location").orElseThrow()));
        Set<String> chosen = Set.of(members.get(0), members.get(1));
        Set<String> expected = new TreeSet<>(pop.where("Observation", o -> GeneratedPopulation.about(o, chosen)));
        expected.add("Patient/" + members.get(0));
        expected.add("Patient/" + members.get(1));
        assertThat(got).isEqualTo(expected);

        ExportHttpTest.assertOutcome(h.post(groupUrl, params("Observation", members.get(0), outsider)), 400,
                "Patient/" + outsider);
        ExportHttpTest.assertOutcome(h.post(h.base() + "/Patient/$export", params("Observation", "nobody")), 400,
                "Patient/nobody");
        var lenient = h.post(groupUrl, params("Patient", members.get(0), outsider), "Prefer", "respond-async, handling=lenient");
        assertThat(lenient.statusCode()).isEqualTo(202);
        JsonNode m = h.awaitManifest(lenient.headers().firstValue("Content-Location").orElseThrow());
        assertThat(h.exportedOnce(m)).containsExactly("Patient/" + members.get(0));
        assertThat(h.lines(m.path("error").get(0).path("url").asText())).singleElement().asString()
                .contains("Patient/" + outsider);
        // Beyond the IG (POST-only there): a GET comma list is accepted too.
        Set<String> viaGet = h.exportedOnce(h.awaitManifest(h.kickoff("/Patient/$export?_type=Patient&patient="
                + enc("Patient/" + outsider))));
        assertThat(viaGet).containsExactly("Patient/" + outsider);
    }

    static String params(String types, String... patients) {
        StringBuilder b = new StringBuilder("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"_type\",\"valueString\":\""
                + types + "\"}");
        for (String p : patients) {
            b.append(",{\"name\":\"patient\",\"valueReference\":{\"reference\":\"Patient/").append(p).append("\"}}");
        }
        return b.append("]}").toString();
    }

    /** S-37, S-40, §4.7: the default Provenance rule, LatestProvenanceResources, RelevantProvenanceResources and both. */
    @Test
    void provenanceByDefaultRuleLatestAndRelevant() throws Exception {
        JsonNode cohort = pop.group("diabetes-cohort");
        Set<String> members = new TreeSet<>(GeneratedPopulation.members(cohort));
        String group = "/Group/" + cohort.path("id").asText() + "/$export";
        // What the members' compartments hold, by the generator's subject fields.
        Set<String> compartment = new TreeSet<>();
        for (var e : pop.byType.entrySet()) {
            compartment.addAll(pop.where(e.getKey(), x -> GeneratedPopulation.about(x, members)));
        }
        Set<String> conditions = pop.where("Condition", c -> GeneratedPopulation.about(c, members));
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("default", group + "?_type=Condition,Provenance");
        requests.put("noProvenanceType", group + "?_type=Condition");
        requests.put("relevant", group + "?_type=Condition&includeAssociatedData=RelevantProvenanceResources");
        requests.put("latest", group + "?_type=Condition&includeAssociatedData=LatestProvenanceResources");
        requests.put("both", group + "?_type=Condition&includeAssociatedData=LatestProvenanceResources,RelevantProvenanceResources");
        requests.put("systemLatest", "/$export?_type=Condition&includeAssociatedData=LatestProvenanceResources");
        Map<String, Set<String>> got = runAll(requests);

        Set<String> targetingCompartment = pop.where("Provenance", p -> targets(p).stream().anyMatch(compartment::contains));
        Set<String> relevant = pop.where("Provenance", p -> targets(p).stream().anyMatch(conditions::contains));
        Set<String> latest = latest(conditions);
        assertThat(of("Provenance", got.get("default"))).isEqualTo(targetingCompartment).isNotEmpty()
                .isNotEqualTo(pop.where("Provenance", p -> true));
        assertThat(of("Provenance", got.get("noProvenanceType"))).isEmpty();
        assertThat(of("Provenance", got.get("relevant"))).isEqualTo(relevant);
        assertThat(of("Provenance", got.get("latest"))).isEqualTo(latest).isNotEqualTo(relevant);
        assertThat(of("Provenance", got.get("both"))).isEqualTo(relevant);
        assertThat(of("Condition", got.get("latest"))).isEqualTo(conditions);
        assertThat(of("Provenance", got.get("systemLatest")))
                .isEqualTo(latest(pop.where("Condition", c -> true)));
        ExportHttpTest.assertOutcome(h.get(h.base() + group + "?includeAssociatedData=_custom"), 400, "_custom");
    }

    static List<String> targets(JsonNode provenance) {
        return provenance.path("target").findValuesAsText("reference");
    }

    /** Per resource, the Provenance recorded last. */
    Set<String> latest(Set<String> resources) {
        Map<String, JsonNode> best = new HashMap<>();
        for (JsonNode p : pop.all("Provenance")) {
            for (String t : targets(p)) {
                if (resources.contains(t)) {
                    JsonNode b = best.get(t);
                    if (b == null || span(p.path("recorded").asText())[0] > span(b.path("recorded").asText())[0]) {
                        best.put(t, p);
                    }
                }
            }
        }
        Set<String> out = new TreeSet<>();
        best.values().forEach(p -> out.add("Provenance/" + p.path("id").asText()));
        return out;
    }

    /** S-28, S-30, §4.5: _until keeps what changed before it, _since what changed after. */
    @Test
    void untilAndSinceSplitAtTheSameInstant() throws Exception {
        String at = enc(FhirInstant.format(pop.beforeConditions));
        Map<String, Set<String>> got = runAll(Map.of(
                "until", "/$export?_type=Condition,MedicationRequest&_until=" + at,
                "since", "/$export?_type=Condition,MedicationRequest&_since=" + at));
        assertThat(got.get("until")).isEqualTo(pop.where("MedicationRequest", x -> true));
        assertThat(got.get("since")).isEqualTo(pop.where("Condition", x -> true));
        ExportHttpTest.assertOutcome(h.get(h.base() + "/$export?_since=" + at + "&_until=" + at), 400, "_until");
    }

    /** S-42, S-67, S-78: Patient-organized blocks, header first, one block per patient, split only when too big for a file. */
    @Test
    void organizedOutputHasHeaderBlocksAndContinuations() throws Exception {
        JsonNode cohort = pop.group("diabetes-cohort");
        Set<String> members = new TreeSet<>(GeneratedPopulation.members(cohort));
        String group = "/Group/" + cohort.path("id").asText() + "/$export?organizeOutputBy=Patient";
        JsonNode small = h.awaitManifest(h.kickoff(group + "&_type=Patient,Condition"));
        JsonNode big = h.awaitManifest(h.kickoff(group));
        for (JsonNode m : List.of(small, big)) {
            assertThat(m.path("outputOrganizedBy").asText()).isEqualTo("Patient");
            Map<String, Set<String>> blocks = blocks(m);
            assertThat(blocks.keySet()).isEqualTo(members);
            for (String p : members) {
                assertThat(blocks.get(p)).contains("Patient/" + p);
            }
        }
        Map<String, Set<String>> smallBlocks = blocks(small);
        for (String p : members) {
            Set<String> expected = new TreeSet<>();
            for (String type : List.of("Patient", "Condition")) {
                expected.addAll(pop.where(type, x -> GeneratedPopulation.about(x, Set.of(p))));
            }
            assertThat(smallBlocks.get(p)).as("block of " + p).isEqualTo(expected);
        }
        // Blocks that fit share files (they are moved whole, not split); whole records are bigger
        // than a file here, so some are split and continue.
        int mostHeaders = 0;
        for (JsonNode item : small.path("output")) {
            mostHeaders = Math.max(mostHeaders, (int) h.lines(item.path("url").asText()).stream()
                    .filter(l -> l.startsWith("{\"resourceType\":\"Parameters\"")).count());
        }
        assertThat(mostHeaders).isGreaterThan(1);
        assertThat(big.path("output").findValues("continuesInFile")).isNotEmpty();
    }

    /**
     * Reassembles blocks per patient, checking the organized-file rules on the way: no type on
     * items, every file opens with a header, a block that runs over into the next file is marked
     * with continuesInFile and repeats its header there, and only a block bigger than the file
     * size is split.
     */
    Map<String, Set<String>> blocks(JsonNode manifest) throws Exception {
        Map<String, Set<String>> blocks = new TreeMap<>();
        Map<String, Long> blockBytes = new HashMap<>();
        Set<String> split = new TreeSet<>();
        String continuing = null;
        String lastHeader = null;
        for (JsonNode item : manifest.path("output")) {
            assertThat(item.has("type")).isFalse();
            List<String> lines = h.lines(item.path("url").asText());
            JsonNode first = Json.MAPPER.readTree(lines.get(0));
            assertThat(first.path("resourceType").asText()).isEqualTo("Parameters");
            String firstPatient = patientOf(first);
            if (continuing != null) {
                assertThat(item.path("url").asText()).isEqualTo(continuing);
                assertThat(firstPatient).isEqualTo(lastHeader);
                split.add(firstPatient);
            } else {
                assertThat(blocks).doesNotContainKey(firstPatient);
            }
            for (String line : lines) {
                JsonNode r = Json.MAPPER.readTree(line);
                if (r.path("resourceType").asText().equals("Parameters")) {
                    lastHeader = patientOf(r);
                    blocks.computeIfAbsent(lastHeader, k -> new TreeSet<>());
                } else {
                    assertThat(blocks.get(lastHeader).add(GeneratedPopulation.ref(r))).isTrue();
                }
                blockBytes.merge(lastHeader, line.getBytes(StandardCharsets.UTF_8).length + 1L, Long::sum);
            }
            continuing = item.path("continuesInFile").asText(null);
        }
        assertThat(continuing).isNull();
        for (String p : split) {
            assertThat(blockBytes.get(p)).as("split block of " + p).isGreaterThan(SPLIT);
        }
        return blocks;
    }

    static String patientOf(JsonNode header) {
        JsonNode param = header.path("parameter").get(0);
        assertThat(param.path("name").asText()).isEqualTo("header");
        return param.path("valueReference").path("reference").asText().substring("Patient/".length());
    }

    /** S-43, S-57, S-66: allowPartialManifests pages the manifest with link next; pages never change once served. */
    @Test
    void partialManifestsArePagedAndStable() throws Exception {
        String status = h.kickoff("/$export?_type=Observation,Condition&allowPartialManifests=true");
        JsonNode first = h.awaitManifest(status);
        List<String> urls = new ArrayList<>();
        JsonNode page = first;
        int pages = 0;
        while (true) {
            pages++;
            assertThat(page.path("output").size() + page.path("error").size()).isBetween(1, 4);
            assertThat(page.path("transactionTime").asText()).isEqualTo(first.path("transactionTime").asText());
            assertThat(page.path("requiresAccessToken")).isEqualTo(first.path("requiresAccessToken"));
            page.path("output").forEach(i -> urls.add(i.path("url").asText()));
            JsonNode link = page.path("link");
            if (link.isMissingNode()) {
                break;
            }
            assertThat(link.get(0).path("relation").asText()).isEqualTo("next");
            String next = link.get(0).path("url").asText();
            HttpResponse<byte[]> r = h.get(next);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode again = Json.MAPPER.readTree(h.get(next).body());
            page = Json.MAPPER.readTree(r.body());
            assertThat(again).isEqualTo(page);
        }
        assertThat(pages).isGreaterThan(2);
        assertThat(Json.MAPPER.readTree(h.get(status).body())).isEqualTo(first);
        // The pages together list every file once, and the files hold the whole export.
        assertThat(urls).doesNotHaveDuplicates();
        Set<String> all = new TreeSet<>();
        for (String u : urls) {
            for (String line : h.lines(u)) {
                assertThat(all.add(GeneratedPopulation.ref(Json.MAPPER.readTree(line)))).isTrue();
            }
        }
        Set<String> expected = new TreeSet<>(pop.where("Observation", x -> true));
        expected.addAll(pop.where("Condition", x -> true));
        assertThat(all).isEqualTo(expected);
    }
}
