package org.bulkfhir.store.write;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.search.index.ResourceIndex;
import org.bulkfhir.core.search.index.SearchParamExtractor;
import org.bulkfhir.store.generate.PopulationGenerator;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write path indexes from JSON (issue 2): on every resource of a generated population, of
 * every type the generator writes, the index and the Group members it prepares are exactly what
 * the HAPI model and FHIRPath give (S-41, S-33).
 */
class ResourcePreparerTest {
    @TempDir
    Path dir;

    @Test
    void preparesTheIndexTheHapiModelGivesForEveryGeneratedResource() throws IOException {
        new PopulationGenerator(7).generate(6, dir);
        ResourcePreparer preparer = new ResourcePreparer();
        SearchParamExtractor extractor = new SearchParamExtractor();
        IParser parser = Fhir.r4().newJsonParser();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.toString().endsWith(".ndjson")).sorted().toList();
        }
        int compared = 0;
        int members = 0;
        for (Path f : files) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                Write w = preparer.prepareUpsert(null, null, line.getBytes(StandardCharsets.UTF_8));
                Resource model = (Resource) parser.parseResource(line);
                model.setId(w.type() + "/" + w.id());
                ResourceIndex expected = extractor.extract(model);
                ResourceIndex actual = w.index();
                String what = w.reference();
                // as sets: the order of entries within a kind carries no meaning
                assertThat(entries(actual)).as(what).isEqualTo(entries(expected));
                if (model instanceof Group g) {
                    long active = g.getMember().stream().filter(m -> !m.getInactive()).count();
                    assertThat(w.groupMembers()).as(what).hasSize((int) active);
                    members += w.groupMembers().size();
                }
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(1_000);
        assertThat(members).isGreaterThan(0);
    }

    private static List<Set<?>> entries(ResourceIndex ix) {
        return List.of(Set.copyOf(ix.tokens()), Set.copyOf(ix.strings()), Set.copyOf(ix.dates()),
                Set.copyOf(ix.references()), Set.copyOf(ix.quantities()), Set.copyOf(ix.uris()), ix.patientCompartments());
    }
}
