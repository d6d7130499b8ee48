package org.bulkfhir.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.fhir.FhirInstant;
import org.bulkfhir.core.search.LocalMatcher.Verdict;
import org.bulkfhir.core.search.index.SearchParamExtractorTest;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * C-18: the client re-applies {@code _typeFilter} to what a server sent. Each kind, modifier and
 * prefix our server supports (S-41), against hand-written resources, with the server's semantics.
 */
class LocalMatcherTest {
    static final long NOW = FhirInstant.parse("2024-05-01T00:00:00Z");

    static final String OBSERVATION = """
            {"resourceType":"Observation","id":"o1",
             "meta":{"lastUpdated":"2024-03-01T10:00:00.000Z","profile":["http://example.org/fhir/StructureDefinition/lab-result"]},
             "status":"final",
             "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory","display":"Laboratory"}]}],
             "code":{"coding":[{"system":"http://loinc.org","code":"2339-0","display":"Glucose [Mass/volume] in Blood"}],"text":"Glucose"},
             "subject":{"reference":"Patient/p1"},
             "performer":[{"reference":"https://other.example/fhir/Practitioner/dr9"}],
             "effectiveDateTime":"2020-03-15",
             "valueQuantity":{"value":72.5,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}}
            """;

    static final String PATIENT = """
            {"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1970-06",
             "name":[{"family":"Müller","given":["Anna Lena"]}],
             "identifier":[{"system":"urn:oid:1.2.3","value":"MRN-7"}]}
            """;

    static final String ENCOUNTER = """
            {"resourceType":"Encounter","id":"e1","status":"in-progress","class":{"code":"AMB"},
             "subject":{"reference":"Patient/p1"},"period":{"start":"2023-12-31T23:30:00+01:00"}}
            """;

    static Verdict verdict(String resource, String... typeFilters) {
        LocalMatcher m = new LocalMatcher(TypeFilterSet.parse(List.of(typeFilters), NOW));
        byte[] json = resource.replace("\n", "").getBytes(StandardCharsets.UTF_8);
        return m.test(LocalMatcher.typeOf(json), json);
    }

    static boolean matches(String resource, String... typeFilters) {
        Verdict v = verdict(resource, typeFilters);
        assertThat(v).as("checked").isIn(Verdict.MATCHES, Verdict.DOES_NOT_MATCH);
        return v == Verdict.MATCHES;
    }

    @Test
    void tokenCodeSystemAndNoSystem_C18() {
        assertThat(matches(OBSERVATION, "Observation?code=2339-0")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?code=http://loinc.org|2339-0")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?code=http://snomed.info/sct|2339-0")).isFalse();
        assertThat(matches(OBSERVATION, "Observation?code=|2339-0")).as("|code asks for no system").isFalse();
        assertThat(matches(OBSERVATION, "Observation?code=http://loinc.org|")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?code=1234-5,2339-0")).as("a comma list is OR").isTrue();
        assertThat(matches(PATIENT, "Patient?identifier=urn:oid:1.2.3|MRN-7")).isTrue();
        assertThat(matches(PATIENT, "Patient?identifier=MRN-8")).isFalse();
    }

    @Test
    void plainCodeElementsMatchWhateverSystemIsWritten_C18() {
        assertThat(matches(OBSERVATION, "Observation?status=final")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?status=http://hl7.org/fhir/observation-status|final")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?status=amended,corrected")).isFalse();
        assertThat(matches(PATIENT, "Patient?gender=female")).isTrue();
    }

    @Test
    void tokenNotTextAndMissing_C18() {
        assertThat(matches(OBSERVATION, "Observation?category:not=vital-signs")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?category:not=laboratory")).isFalse();
        assertThat(matches(PATIENT, "Patient?gender:not=male")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?code:text=glucose")).as("display, any case").isTrue();
        assertThat(matches(OBSERVATION, "Observation?code:text=blood")).as("a prefix, not a word").isFalse();
        assertThat(matches(OBSERVATION, "Observation?data-absent-reason:missing=true")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?code:missing=true")).isFalse();
        assertThat(matches(OBSERVATION, "Observation?code:missing=false")).isTrue();
    }

    @Test
    void stringStartsWithExactAndContains_C18() {
        assertThat(matches(PATIENT, "Patient?family=mul")).as("case and accents ignored").isTrue();
        assertThat(matches(PATIENT, "Patient?name=anna")).isTrue();
        assertThat(matches(PATIENT, "Patient?family=ller")).isFalse();
        assertThat(matches(PATIENT, "Patient?family:contains=LLER")).isTrue();
        assertThat(matches(PATIENT, "Patient?family:exact=Müller")).isTrue();
        assertThat(matches(PATIENT, "Patient?family:exact=muller")).isFalse();
        assertThat(matches(PATIENT, "Patient?given:exact=Anna Lena")).isTrue();
    }

    @Test
    void datePrefixesOnRanges_C18() {
        // effectiveDateTime 2020-03-15 covers that whole day.
        assertThat(matches(OBSERVATION, "Observation?date=2020")).as("eq: the search range contains the day").isTrue();
        assertThat(matches(OBSERVATION, "Observation?date=2020-03-15")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?date=2020-03-15T10:00:00Z")).as("a second does not contain a day").isFalse();
        assertThat(matches(OBSERVATION, "Observation?date=ne2020-03")).isFalse();
        assertThat(matches(OBSERVATION, "Observation?date=ne2021")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?date=gt2020-03-14")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?date=gt2020-03-15")).isFalse();
        assertThat(matches(OBSERVATION, "Observation?date=ge2020-03-15")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?date=lt2020-03-15")).isFalse();
        assertThat(matches(OBSERVATION, "Observation?date=le2020-03")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?date=sa2019")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?date=sa2020")).isFalse();
        assertThat(matches(OBSERVATION, "Observation?date=eb2021-01-01")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?date=ap2020-03-16")).as("within 10% of the distance to now").isTrue();
        assertThat(matches(OBSERVATION, "Observation?date=ap2010")).isFalse();
    }

    @Test
    void datesWithZonesAndOpenPeriods_C18() {
        // The period starts 2023-12-31T22:30Z and has no end.
        assertThat(matches(ENCOUNTER, "Encounter?date=lt2023-12-31T23:00:00Z")).isTrue();
        assertThat(matches(ENCOUNTER, "Encounter?date=gt2030")).as("an open end runs forever").isTrue();
        assertThat(matches(ENCOUNTER, "Encounter?date=eb2023")).isFalse();
        assertThat(matches(PATIENT, "Patient?birthdate=1970")).isTrue();
        assertThat(matches(PATIENT, "Patient?birthdate=1970-06-01")).as("a month is wider than a day").isFalse();
    }

    @Test
    void references_C18() {
        assertThat(matches(OBSERVATION, "Observation?subject=Patient/p1")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?subject=p1")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?subject:Patient=p1")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?patient=Patient/p2")).isFalse();
        assertThat(matches(OBSERVATION, "Observation?performer=https://other.example/fhir/Practitioner/dr9")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?subject:missing=true")).isFalse();
        assertThat(matches(ENCOUNTER, "Encounter?subject=Group/p1")).isFalse();
    }

    @Test
    void quantitiesWithPrecisionPrefixesAndUnits_C18() {
        assertThat(matches(OBSERVATION, "Observation?value-quantity=72.5")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?value-quantity=72")).as("72 means [71.5, 72.5)").isFalse();
        assertThat(matches(OBSERVATION, "Observation?value-quantity=gt70")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?value-quantity=lt72.5")).isFalse();
        assertThat(matches(OBSERVATION, "Observation?value-quantity=le72.5")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?value-quantity=ap70")).as("±10%").isTrue();
        assertThat(matches(OBSERVATION, "Observation?value-quantity=ne72.5")).isFalse();
        assertThat(matches(OBSERVATION, "Observation?value-quantity=ge72.5|http://unitsofmeasure.org|mg/dL")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?value-quantity=ge72.5|http://unitsofmeasure.org|g/L")).isFalse();
        assertThat(matches(OBSERVATION, "Observation?value-quantity=lt100||mg/dL")).isTrue();
    }

    @Test
    void urisIdAndLastUpdated_C18() {
        String profile = "http://example.org/fhir/StructureDefinition/lab-result";
        assertThat(matches(OBSERVATION, "Observation?_profile=" + profile)).isTrue();
        assertThat(matches(OBSERVATION, "Observation?_profile:below=http://example.org/fhir/")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?_profile=http://example.org/fhir/")).isFalse();
        assertThat(matches(OBSERVATION, "Observation?_profile:above=" + profile + "/v2")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?_id=o2,o1")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?_id=o2")).isFalse();
        assertThat(matches(OBSERVATION, "Observation?_lastUpdated=ge2024-03-01")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?_lastUpdated=lt2024-03-01T10:00:00Z")).isFalse();
        assertThat(matches(PATIENT, "Patient?_lastUpdated=gt2000")).as("no lastUpdated: nothing compares").isFalse();
    }

    @Test
    void parametersAreAndedQueriesOfATypeOred_C18() {
        assertThat(matches(OBSERVATION, "Observation?status=final&category=laboratory")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?status=final&category=vital-signs")).isFalse();
        assertThat(matches(OBSERVATION, "Observation?category=vital-signs", "Observation?code=2339-0")).isTrue();
        assertThat(matches(OBSERVATION, "Observation?code=a,Condition?code=b")).as("2.0 comma list").isFalse();
        assertThat(verdict(PATIENT, "Observation?code=x")).as("other types pass untouched").isEqualTo(Verdict.NOT_FILTERED);
    }

    @Test
    void whatCannotBeEvaluatedIsNeverRemoved_C18() {
        TypeFilterSet set = TypeFilterSet.parse(List.of("Observation?code=x", "Observation?subject.name=smith",
                "Patient?_has:Observation:subject:code=1234", "Condition?code=y"), NOW);
        assertThat(set.unverifiable()).containsOnlyKeys("Observation", "Patient");
        assertThat(set.unverifiable().get("Observation")).contains("Chained");
        assertThat(set.checkable()).containsOnlyKeys("Condition");
        assertThat(verdict(OBSERVATION, "Observation?code=x", "Observation?subject.name=smith"))
                .isEqualTo(Verdict.CANNOT_CHECK);

        String subsetted = OBSERVATION.replace("\"meta\":{", "\"meta\":{\"tag\":[{\"system\":\""
                + LocalMatcher.SUBSETTED_SYSTEM + "\",\"code\":\"SUBSETTED\"}],");
        assertThat(verdict(subsetted, "Observation?code=x")).as("_elements may have removed code").isEqualTo(Verdict.CANNOT_CHECK);
        String invalid = OBSERVATION.replace("\"2020-03-15\"", "\"15/03/2020\"");
        assertThat(verdict(invalid, "Observation?code=x")).isEqualTo(Verdict.CANNOT_CHECK);
        assertThat(verdict("{\"resourceType\":\"Observation\",", "Observation?code=x")).isEqualTo(Verdict.CANNOT_CHECK);
    }

    /**
     * Resources are judged from their JSON tree, as the store indexes them; the HAPI model and
     * FHIRPath, which the filter used before, must give the same verdict on every resource of the
     * Synthea sample (and on the hand-written ones when the sample is not beside the project).
     */
    @Test
    void judgingFromJsonAgreesWithTheHapiModel_C18() throws IOException {
        List<byte[]> lines = new ArrayList<>();
        Path dir = SearchParamExtractorTest.syntheaSample();
        if (dir != null) {
            IParser parser = Fhir.r4().newJsonParser();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.getFileName().toString().matches("[A-Z][a-z]+_[A-Z].*\\.json"))
                        .sorted().limit(5).toList()) {
                    for (Bundle.BundleEntryComponent e : SearchParamExtractorTest.localBundle(f).getEntry()) {
                        e.getResource().setId(e.getFullUrl());
                        lines.add(parser.encodeResourceToString(e.getResource()).getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
        for (String r : List.of(OBSERVATION, ENCOUNTER, OBSERVATION.replace("laboratory", "vital-signs"),
                ENCOUNTER.replace("AMB", "EMER"))) {
            lines.add(r.replace("\n", "").getBytes(StandardCharsets.UTF_8));
        }
        LocalMatcher m = new LocalMatcher(TypeFilterSet.parse(List.of(
                "Observation?category=laboratory&date=ge2015", "Observation?code=8302-2,29463-7&value-quantity=gt50",
                "Encounter?class=AMB&date=lt2018", "Encounter?subject=Patient/p1&status=in-progress",
                "Condition?clinical-status=resolved", "Procedure?date=ge2019-01-01", "Immunization?vaccine-code=140",
                "MedicationRequest?status=active&intent=order", "DiagnosticReport?category=LAB&issued=ge2017",
                "Claim?use=claim&created=ge2016", "ExplanationOfBenefit?status=active"), NOW));
        Map<Verdict, Integer> seen = new EnumMap<>(Verdict.class);
        for (byte[] line : lines) {
            String type = LocalMatcher.typeOf(line);
            Verdict fromJson = m.test(type, line);
            if (fromJson == Verdict.MATCHES || fromJson == Verdict.DOES_NOT_MATCH) {
                assertThat(m.testThroughModel(line)).as(new String(line, StandardCharsets.UTF_8)).isEqualTo(fromJson);
            }
            seen.merge(fromJson, 1, Integer::sum);
        }
        int least = dir == null ? 2 : 50;
        assertThat(seen.getOrDefault(Verdict.MATCHES, 0)).isGreaterThanOrEqualTo(least);
        assertThat(seen.getOrDefault(Verdict.DOES_NOT_MATCH, 0)).isGreaterThanOrEqualTo(least);
    }
}
