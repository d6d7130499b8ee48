package org.bulkfhir.store.generate;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bulkfhir.core.fhir.Fhir;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PopulationGeneratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PATIENTS = 20;
    private static final Set<String> EXPECTED_TYPES = Set.of("Patient", "Encounter", "Condition", "Observation",
            "Procedure", "MedicationRequest", "Medication", "Immunization", "AllergyIntolerance", "DiagnosticReport",
            "DocumentReference", "Claim", "ExplanationOfBenefit", "Coverage", "CarePlan", "Provenance",
            "Practitioner", "Organization", "Location", "Group");

    @TempDir
    static Path shared;
    static Path population;
    static GenerationSummary summary;
    /** Every resource of the 20-patient population, by type, parsed as JSON trees. */
    static Map<String, List<JsonNode>> resources;

    @BeforeAll
    static void generatePopulation() throws IOException {
        population = shared.resolve("pop20");
        summary = new PopulationGenerator(42).generate(PATIENTS, population);
        resources = readAll(population);
    }

    @Test
    void sameSeedGivesByteIdenticalFiles(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        new PopulationGenerator(1234).generate(8, a);
        new PopulationGenerator(1234).generate(8, b);
        new PopulationGenerator(1235).generate(8, c);

        assertThat(fileNames(b)).isEqualTo(fileNames(a));
        for (String name : fileNames(a)) {
            assertThat(Files.readAllBytes(b.resolve(name))).as(name).isEqualTo(Files.readAllBytes(a.resolve(name)));
        }
        assertThat(Files.readAllBytes(c.resolve("Patient.ndjson")))
                .isNotEqualTo(Files.readAllBytes(a.resolve("Patient.ndjson")));
        assertThat(Files.readAllBytes(c.resolve("Observation.ndjson")))
                .isNotEqualTo(Files.readAllBytes(a.resolve("Observation.ndjson")));
    }

    @Test
    void summaryMatchesFiles() throws IOException {
        long bytes = 0;
        for (String name : fileNames(population)) {
            String type = name.substring(0, name.length() - ".ndjson".length());
            assertThat(summary.count(type)).as(type).isEqualTo(resources.get(type).size());
            bytes += Files.size(population.resolve(name));
        }
        assertThat(summary.totalBytes()).isEqualTo(bytes);
        assertThat(summary.totalResources())
                .isEqualTo(resources.values().stream().mapToLong(List::size).sum());
        assertThat(summary.count("Patient")).isEqualTo(PATIENTS);
    }

    @Test
    void allExpectedResourceTypesArePresent() {
        assertThat(resources.keySet()).containsExactlyInAnyOrderElementsOf(EXPECTED_TYPES);
        assertThat(summary.count("Practitioner")).isGreaterThanOrEqualTo(5);
        assertThat(summary.count("Organization")).isEqualTo(6);
    }

    @Test
    void averageResourcesPerPatientIsBetween200And400() {
        double average = (double) summary.totalResources() / PATIENTS;
        assertThat(average).isBetween(200.0, 400.0);
    }

    @Test
    void linesAreCompactNdjsonWithIdsAndNoMeta() throws IOException {
        Set<String> ids = new HashSet<>();
        for (String name : fileNames(population)) {
            byte[] bytes = Files.readAllBytes(population.resolve(name));
            assertThat(bytes[bytes.length - 1]).as(name).isEqualTo((byte) '\n');
            String type = name.substring(0, name.length() - ".ndjson".length());
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                assertThat(line).startsWith("{\"resourceType\":\"" + type + "\",\"id\":\"").doesNotContain("\n  ");
                JsonNode node = JSON.readTree(line);
                assertThat(node.has("meta")).isFalse();
                assertThat(node.path("id").asText()).matches("[A-Za-z0-9\\-.]{1,64}");
                assertThat(ids.add(type + "/" + node.path("id").asText())).as("unique id").isTrue();
            }
        }
    }

    /** HAPI's strict parser rejects unknown elements, wrong JSON types and invalid enumerated codes. */
    @Test
    void everyLineParsesWithHapiStrictR4Parser(@TempDir Path dir) throws IOException {
        new PopulationGenerator(99).generate(5, dir);
        IParser parser = Fhir.r4().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
        // The parser must really be strict, or this test proves nothing.
        assertThatThrownBy(() -> parser.parseResource("{\"resourceType\":\"Patient\",\"id\":\"x\",\"colour\":1}"))
                .isInstanceOf(DataFormatException.class);
        assertThatThrownBy(() -> parser.parseResource(
                "{\"resourceType\":\"Observation\",\"id\":\"x\",\"status\":\"done\"}"))
                .isInstanceOf(DataFormatException.class);
        int parsed = 0;
        for (String name : fileNames(dir)) {
            try (Stream<String> lines = Files.lines(dir.resolve(name))) {
                for (String line : (Iterable<String>) lines::iterator) {
                    IBaseResource resource = parser.parseResource(line);
                    assertThat(name).startsWith(resource.fhirType() + ".");
                    parsed++;
                }
            }
        }
        assertThat(parsed).isGreaterThan(1000);
    }

    @Test
    void everyReferenceResolvesToAResourceInTheOutput() {
        Set<String> existing = new HashSet<>();
        resources.forEach((type, list) -> list.forEach(r -> existing.add(type + "/" + r.path("id").asText())));
        List<String> references = new ArrayList<>();
        resources.values().forEach(list -> list.forEach(r -> collectReferences(r, references)));

        assertThat(references).hasSizeGreaterThan(10_000);
        assertThat(references).allSatisfy(ref -> assertThat(existing).as(ref).contains(ref));
    }

    @Test
    void groupsHaveTheRightMembers() {
        Map<String, JsonNode> groups = new HashMap<>();
        for (JsonNode g : resources.get("Group")) {
            assertThat(g.path("identifier").get(0).path("system").asText())
                    .isEqualTo("http://bulkfhir.example.org/groups");
            assertThat(g.path("type").asText()).isEqualTo("person");
            assertThat(g.path("actual").asBoolean()).isTrue();
            assertThat(g.path("quantity").asInt()).isEqualTo(members(g).size());
            groups.put(g.path("identifier").get(0).path("value").asText(), g);
        }
        assertThat(groups.keySet()).containsExactlyInAnyOrder("all-patients", "diabetes-cohort", "payer-1-members");

        Set<String> patients = new TreeSet<>();
        resources.get("Patient").forEach(p -> patients.add("Patient/" + p.path("id").asText()));
        JsonNode all = groups.get("all-patients");
        assertThat(all.path("name").asText()).isEqualTo("All patients");
        assertThat(members(all)).containsExactlyInAnyOrderElementsOf(patients);

        Set<String> diabetic = new TreeSet<>();
        for (JsonNode c : resources.get("Condition")) {
            for (JsonNode coding : c.path("code").path("coding")) {
                if (coding.path("system").asText().equals("http://snomed.info/sct")
                        && coding.path("code").asText().equals("44054006")) {
                    diabetic.add(c.path("subject").path("reference").asText());
                }
            }
        }
        assertThat(diabetic).isNotEmpty();
        assertThat(members(groups.get("diabetes-cohort"))).containsExactlyInAnyOrderElementsOf(diabetic);

        String payerOne = null;
        for (JsonNode o : resources.get("Organization")) {
            if (o.path("identifier").get(0).path("value").asText().equals("PAYER-1")) {
                payerOne = "Organization/" + o.path("id").asText();
            }
        }
        Set<String> insured = new TreeSet<>();
        for (JsonNode c : resources.get("Coverage")) {
            if (c.path("payor").get(0).path("reference").asText().equals(payerOne)) {
                insured.add(c.path("beneficiary").path("reference").asText());
            }
        }
        assertThat(insured).isNotEmpty().isNotEqualTo(patients);
        assertThat(members(groups.get("payer-1-members"))).containsExactlyInAnyOrderElementsOf(insured);
    }

    @Test
    void clinicalContentLooksLikeARecord() {
        Set<String> categories = new HashSet<>();
        Set<String> statuses = new HashSet<>();
        for (JsonNode o : resources.get("Observation")) {
            categories.add(o.path("category").get(0).path("coding").get(0).path("code").asText());
            statuses.add(o.path("status").asText());
            JsonNode q = o.has("valueQuantity") ? o.path("valueQuantity")
                    : o.path("component").get(0).path("valueQuantity");
            assertThat(q.path("system").asText()).isEqualTo("http://unitsofmeasure.org");
            assertThat(o.path("performer").get(0).path("reference").asText()).startsWith("Practitioner/");
        }
        assertThat(categories).containsExactlyInAnyOrder("vital-signs", "laboratory");
        assertThat(statuses).contains("final").containsAnyOf("amended", "preliminary");

        Set<String> classes = new HashSet<>();
        int earliestYear = 9999;
        String latest = "";
        for (JsonNode e : resources.get("Encounter")) {
            classes.add(e.path("class").path("code").asText());
            String start = e.path("period").path("start").asText();
            earliestYear = Math.min(earliestYear, Integer.parseInt(start.substring(0, 4)));
            latest = start.compareTo(latest) > 0 ? start : latest;
        }
        assertThat(classes).contains("AMB", "EMER", "IMP");
        assertThat(earliestYear).isEqualTo(2010);
        assertThat(latest).startsWith("2025-").isLessThanOrEqualTo("2025-06-30T23:59:59Z");

        Set<String> requestStatuses = new HashSet<>();
        int byReference = 0;
        for (JsonNode m : resources.get("MedicationRequest")) {
            requestStatuses.add(m.path("status").asText());
            assertThat(m.path("intent").asText()).isEqualTo("order");
            byReference += m.has("medicationReference") ? 1 : 0;
        }
        assertThat(requestStatuses).contains("active", "completed", "stopped");
        assertThat(byReference).isPositive().isLessThan(resources.get("MedicationRequest").size() / 2);

        for (JsonNode d : resources.get("DocumentReference")) {
            JsonNode attachment = d.path("content").get(0).path("attachment");
            assertThat(attachment.path("contentType").asText()).isEqualTo("text/plain");
            String note = new String(Base64.getDecoder().decode(attachment.path("data").asText()),
                    StandardCharsets.UTF_8);
            assertThat(note).contains("Patient: ", "Assessment: ");
            assertThat(d.path("context").path("encounter").get(0).path("reference").asText())
                    .startsWith("Encounter/");
        }
        for (JsonNode r : resources.get("DiagnosticReport")) {
            assertThat(r.path("result")).isNotEmpty();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Map<String, List<JsonNode>> readAll(Path dir) throws IOException {
        Map<String, List<JsonNode>> all = new HashMap<>();
        for (String name : fileNames(dir)) {
            String type = name.substring(0, name.length() - ".ndjson".length());
            List<JsonNode> list = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve(name))) {
                list.add(JSON.readTree(line));
            }
            all.put(type, list);
        }
        return all;
    }

    private static Set<String> members(JsonNode group) {
        Set<String> members = new TreeSet<>();
        group.path("member").forEach(m -> members.add(m.path("entity").path("reference").asText()));
        return members;
    }

    private static void collectReferences(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("reference") && e.getValue().isTextual()) {
                    out.add(e.getValue().asText());
                } else {
                    collectReferences(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectReferences(n, out));
        }
    }
}
