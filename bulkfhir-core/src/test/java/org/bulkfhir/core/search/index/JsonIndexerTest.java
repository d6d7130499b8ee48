package org.bulkfhir.core.search.index;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.json.Json;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The JSON indexer passes every case of {@link SearchParamExtractorTest} (S-41, S-33), and on
 * every resource of the Synthea sample gives exactly the index the HAPI-model extractor gives.
 */
class JsonIndexerTest extends SearchParamExtractorTest {
    private final JsonIndexer indexer = new JsonIndexer(extractor);

    @Override
    ResourceIndex index(Resource resource) {
        return indexJson(encode(resource), resource);
    }

    private ResourceIndex indexJson(String json, Resource resource) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        IParser parser = Fhir.r4().newJsonParser();
        return indexer.index(tree, resource.fhirType(), resource.getIdElement().getIdPart(),
                () -> (Resource) parser.parseResource(json));
    }

    /** As stored: references keep their {@code /_history/n}, which HAPI's encoder would strip. */
    private static String encode(Resource resource) {
        return Fhir.r4().newJsonParser().setStripVersionsFromReferences(false).encodeResourceToString(resource);
    }

    @Test
    void everySyntheaResourceIndexesAsThroughTheModel_S41() throws IOException {
        Path dir = syntheaSample();
        Assumptions.assumeTrue(dir != null, "shared/data/synthea-sample not found beside the project");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        int compared = 0;
        int fromJson = 0;
        for (Path f : files) {
            if (!Files.readString(f).contains("\"resourceType\": \"Bundle\"")
                    && !Files.readString(f).contains("\"resourceType\":\"Bundle\"")) {
                continue;
            }
            Bundle bundle = localBundle(f);
            for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
                Resource r = e.getResource();
                if (r == null) {
                    continue;
                }
                if (e.getFullUrl() != null && e.getFullUrl().contains("/")) {
                    r.setId(e.getFullUrl());
                }
                String json = encode(r);
                ResourceIndex expected = extractor.extract(r);
                ResourceIndex actual = indexJson(json, r);
                String what = r.fhirType() + "/" + r.getIdElement().getIdPart();
                // as sets: the order of entries within a kind carries no meaning
                assertThat(entries(actual)).as(what).isEqualTo(entries(expected));
                compared++;
                if (indexer.indexesFromJson(r.fhirType())) {
                    fromJson++;
                }
            }
        }
        assertThat(compared).isGreaterThan(1_000);
        assertThat(fromJson).as("resources indexed from JSON alone").isGreaterThan(compared * 9 / 10);
    }

    @Test
    void theClinicalTypesIndexFromJsonAlone() {
        for (String type : List.of("Observation", "Encounter", "Condition", "Procedure", "MedicationRequest",
                "Immunization", "DiagnosticReport", "DocumentReference", "Claim", "ExplanationOfBenefit", "Coverage",
                "CarePlan", "AllergyIntolerance", "Provenance", "Practitioner", "Organization", "Location", "Group")) {
            assertThat(indexer.indexesFromJson(type)).as(type).isTrue();
        }
    }

    private static List<Set<?>> entries(ResourceIndex ix) {
        return List.of(Set.copyOf(ix.tokens()), Set.copyOf(ix.strings()), Set.copyOf(ix.dates()),
                Set.copyOf(ix.references()), Set.copyOf(ix.quantities()), Set.copyOf(ix.uris()), ix.patientCompartments());
    }
}
