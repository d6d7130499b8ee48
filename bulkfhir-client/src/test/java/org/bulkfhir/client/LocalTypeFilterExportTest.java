package org.bulkfhir.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.bulkfhir.client.auth.Authorizer;
import org.bulkfhir.client.export.ExportListener;
import org.bulkfhir.client.output.ExportState;
import org.bulkfhir.client.output.ExportSummary;
import org.bulkfhir.client.stub.BulkStub;
import org.bulkfhir.client.stub.RecordingPauser;
import org.bulkfhir.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C-18: a server that ignores {@code _typeFilter} still gives the user filtered files. */
class LocalTypeFilterExportTest {
    static final String LAB = "Observation?category=laboratory";
    static final String CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category";

    @TempDir
    Path tmp;
    final BulkStub server = new BulkStub();
    final RecordingPauser pauser = new RecordingPauser();

    @AfterEach
    void close() {
        server.close();
    }

    ExportSummary run(Path out, Consumer<ExportJob> customize) throws Exception {
        ExportJob job = new ExportJob();
        job.server = server.base;
        job.out = out;
        job.params.types.addAll(List.of("Patient", "Observation"));
        job.params.typeFilters.add(LAB);
        customize.accept(job);
        return new ExportRunner(job, new ClientConfig().http().withAuthorizer(Authorizer.NONE), pauser.pacing(),
                ExportListener.NONE).run();
    }

    static String observation(int i, String category) {
        return "{\"resourceType\":\"Observation\",\"id\":\"o" + i + "\",\"status\":\"final\",\"category\":[{\"coding\":[{"
                + "\"system\":\"" + CATEGORY_SYSTEM + "\",\"code\":\"" + category + "\"}]}],"
                + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"2339-0\"}]},"
                + "\"subject\":{\"reference\":\"Patient/p" + (i % 3) + "\"}}\n";
    }

    /** Every third Observation is a laboratory result, the others vital signs. */
    static byte[] mixedObservations(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(observation(i, i % 3 == 0 ? "laboratory" : "vital-signs"));
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] onlyLaboratory(byte[] mixed) {
        StringBuilder sb = new StringBuilder();
        for (String line : new String(mixed, StandardCharsets.UTF_8).split("\n")) {
            if (line.contains("\"laboratory\"")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A stub that ignores _typeFilter: the client keeps only the laboratory Observations and says how many went. */
    @Test
    void serverIgnoringTypeFilterIsFilteredLocally_C18() throws Exception {
        byte[] obs1 = mixedObservations(30);
        byte[] obs2 = mixedObservations(9);
        byte[] patients = BulkStub.ndjson("Patient", 3, "p");
        server.manifest = new BulkStub.ManifestBuilder()
                .output("Patient", server.addFile("p", patients), 3L)
                .output("Observation", server.addFile("o1", obs1), 30L)
                .output("Observation", server.addFile("o2", obs2), 9L)::json;
        Path out = tmp.resolve("out");

        ExportSummary s = run(out, j -> { });

        String query = server.http.requests("GET", "/fhir/$export").get(0).query();
        assertThat(query).contains("_typeFilter=Observation%3Fcategory%3Dlaboratory");
        assertThat(Files.readAllBytes(out.resolve("Observation.000.ndjson"))).isEqualTo(onlyLaboratory(obs1));
        assertThat(Files.readAllBytes(out.resolve("Observation.001.ndjson"))).isEqualTo(onlyLaboratory(obs2));
        assertThat(Files.readAllBytes(out.resolve("Patient.000.ndjson"))).as("unfiltered types pass untouched")
                .isEqualTo(patients);
        assertThat(s.localTypeFilter()).containsOnlyKeys("Observation");
        assertThat(s.localTypeFilter().get("Observation").received).isEqualTo(39);
        assertThat(s.localTypeFilter().get("Observation").removed).isEqualTo(26);
        assertThat(s.types().get("Observation").resources()).isEqualTo(13);
        assertThat(s.types().get("Observation").bytes())
                .isEqualTo(onlyLaboratory(obs1).length + onlyLaboratory(obs2).length);
        assertThat(s.resources()).isEqualTo(16);
        assertThat(s.warnings()).contains("server ignored _typeFilter for Observation: 26 of 39 resources removed locally");
        JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
        assertThat(summary.path("localTypeFilter").path("Observation").path("removed").asLong()).isEqualTo(26);
        assertThat(summary.path("warnings").toString()).contains("26 of 39 resources removed locally");
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part")
                    || n.endsWith(".filtering"));
        }
    }

    /** A server that honours _typeFilter: nothing is removed and the files are byte for byte what was served. */
    @Test
    void serverHonouringTypeFilterKeepsFilesIdentical_C18() throws Exception {
        byte[] lab = onlyLaboratory(mixedObservations(30));
        server.manifest = new BulkStub.ManifestBuilder().output("Observation", server.addFile("o", lab), 10L)::json;
        Path out = tmp.resolve("out");

        ExportSummary s = run(out, j -> { });

        assertThat(Files.readAllBytes(out.resolve("Observation.000.ndjson"))).isEqualTo(lab);
        assertThat(s.localTypeFilter().get("Observation").received).isEqualTo(10);
        assertThat(s.localTypeFilter().get("Observation").removed).isZero();
        assertThat(s.warnings()).isEmpty();
    }

    /** --no-local-filter: the files stay as the server sent them. */
    @Test
    void localFilteringCanBeTurnedOff_C18() throws Exception {
        byte[] mixed = mixedObservations(12);
        server.manifest = new BulkStub.ManifestBuilder().output("Observation", server.addFile("o", mixed), 12L)::json;
        Path out = tmp.resolve("out");

        ExportSummary s = run(out, j -> j.localFilter = false);

        assertThat(Files.readAllBytes(out.resolve("Observation.000.ndjson"))).isEqualTo(mixed);
        assertThat(s.localTypeFilter()).isEmpty();
        assertThat(s.types().get("Observation").resources()).isEqualTo(12);
    }

    /** A filter the client cannot evaluate (a chain) removes nothing of its type and says it could not be verified. */
    @Test
    void unverifiableFilterKeepsItsTypeWhole_C18() throws Exception {
        byte[] mixed = mixedObservations(12);
        server.manifest = new BulkStub.ManifestBuilder().output("Observation", server.addFile("o", mixed), 12L)::json;
        Path out = tmp.resolve("out");

        ExportSummary s = run(out, j -> j.params.typeFilters.add("Observation?subject.name=smith"));

        assertThat(Files.readAllBytes(out.resolve("Observation.000.ndjson"))).isEqualTo(mixed);
        assertThat(s.localTypeFilter().get("Observation").unchecked).isEqualTo(12);
        assertThat(s.localTypeFilter().get("Observation").removed).isZero();
        assertThat(s.warnings()).anySatisfy(w -> assertThat(w).contains("_typeFilter for Observation could not be"
                + " verified locally").contains("Chained"));
    }

    /** Organized output (C-37): resources of filtered types are checked line by line, headers and other types stay. */
    @Test
    void organizedOutputIsFilteredLineByLine_C18() throws Exception {
        String header = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"header\",\"valueReference\":"
                + "{\"reference\":\"Patient/p0\"}}]}\n";
        String patient = "{\"resourceType\":\"Patient\",\"id\":\"p0\"}\n";
        String file = header + patient + observation(0, "laboratory") + observation(1, "vital-signs")
                + observation(3, "laboratory");
        BulkStub.ManifestBuilder m = new BulkStub.ManifestBuilder();
        m.output.add("{\"url\":\"" + server.addFile("org", file.getBytes(StandardCharsets.UTF_8)) + "\"}");
        m.extra = ",\"outputOrganizedBy\":\"Patient\"";
        server.manifest = m::json;
        Path out = tmp.resolve("out");

        ExportSummary s = run(out, j -> j.params.organizeOutputBy = "Patient");

        assertThat(Files.readString(out.resolve("organized.000.ndjson")))
                .isEqualTo(header + patient + observation(0, "laboratory") + observation(3, "laboratory"));
        assertThat(s.types().get("Observation").resources()).isEqualTo(2);
        assertThat(s.localTypeFilter().get("Observation").removed).isEqualTo(1);
    }

    /**
     * Resumable: a run that fails between the verified download and the local check leaves the
     * verified {@code .part} and no finished file, and the state does not count the file as done;
     * {@code --resume} checks it without downloading it again.
     */
    @Test
    void failureBetweenDownloadAndFilteringIsResumed_C18() throws Exception {
        byte[] mixed = mixedObservations(30);
        server.manifest = new BulkStub.ManifestBuilder().output("Observation", server.addFile("o", mixed), 30L)::json;
        Path out = tmp.resolve("out");
        Files.createDirectories(out.resolve("Observation.000.ndjson.filtering")); // the filtered copy cannot be written

        assertThatThrownBy(() -> run(out, j -> { })).isInstanceOf(BulkDataException.class)
                .satisfies(e -> assertThat(((BulkDataException) e).kind()).isEqualTo(BulkDataException.Kind.DOWNLOAD_FAILED));

        assertThat(out.resolve("Observation.000.ndjson")).doesNotExist();
        assertThat(Files.readAllBytes(out.resolve("Observation.000.ndjson.part"))).isEqualTo(mixed);
        ExportState state = ExportState.load(out);
        assertThat(state.files).singleElement().satisfies(f -> assertThat(f.done).isFalse());
        assertThat(state.localTypeFilters).containsExactly(LAB);

        // Resumed without the options: the filters come from the saved state.
        ExportSummary s = run(out, j -> {
            j.resume = true;
            j.params.typeFilters.clear();
        });

        assertThat(Files.readAllBytes(out.resolve("Observation.000.ndjson"))).isEqualTo(onlyLaboratory(mixed));
        assertThat(s.localTypeFilter().get("Observation").removed).isEqualTo(20);
        var requests = server.http.requests("GET", "/files/o");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).header("Range")).as("the verified bytes were kept").isEqualTo("bytes=" + mixed.length + "-");
        assertThat(server.http.requests("GET", "/fhir/$export")).hasSize(1);
    }
}
