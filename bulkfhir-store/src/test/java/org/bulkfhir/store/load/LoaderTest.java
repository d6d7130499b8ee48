package org.bulkfhir.store.load;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.bulkfhir.core.search.index.SearchParamIds;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.testing.SharedData;
import org.bulkfhir.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderTest {
    @TempDir
    Path dir;
    ResourceStore store;

    @BeforeEach
    void open() {
        store = JdbcResourceStore.open(TestDatabases.sqlite(dir));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private long scalar(String sql) throws Exception {
        try (Connection c = store.database().connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The real Synthea sample: every urn:uuid reference resolved, the Group's present members indexed. */
    @Test
    void loadsTheSyntheaSample() throws Exception {
        LoadSummary summary = new Loader(store).load(List.of(SharedData.syntheaSample()));
        assertThat(summary.rejected()).as("%s", summary.errors()).isZero();
        assertThat(store.countByType()).containsEntry("Patient", 13L).containsKeys("Observation", "Claim",
                "ExplanationOfBenefit", "Encounter", "Procedure", "MedicationRequest", "DiagnosticReport", "Immunization",
                "Condition", "CareTeam", "CarePlan", "AllergyIntolerance", "Practitioner", "Organization", "Group");
        long total = store.countByType().values().stream().mapToLong(Long::longValue).sum();
        assertThat(total).isGreaterThan(5_000);
        // No stored resource still points into a Bundle, except Group members that are not in the sample.
        assertThat(scalar("SELECT count(*) FROM resource WHERE valid_to IS NULL AND res_type <> 'Group'"
                + " AND instr(CAST(body AS TEXT), 'urn:uuid:') > 0")).isZero();
        assertThat(scalar("SELECT count(*) FROM group_member WHERE removed_at IS NULL AND member_type = 'Patient'"))
                .isEqualTo(13);
        assertThat(summary.warnings()).hasSize(87).allMatch(w -> w.contains("matches no stored resource"));
    }

    @Test
    void reportsBadLinesWithFileAndLineAndLoadsTheRest() throws Exception {
        Path ndjson = dir.resolve("mixed.ndjson");
        Files.writeString(ndjson, String.join("\n",
                "{\"resourceType\":\"Patient\",\"id\":\"a\"}",
                "{\"resourceType\":\"Patient\",\"id\":",
                "{\"resourceType\":\"Dragon\",\"id\":\"d\"}",
                "",
                "{\"resourceType\":\"Observation\",\"id\":\"o\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/a\"}}",
                "{\"resourceType\":\"Patient\"}"), UTF_8);
        LoadSummary summary = new Loader(store).load(List.of(ndjson));
        assertThat(summary.written()).isEqualTo(2);
        assertThat(summary.rejected()).isEqualTo(3);
        assertThat(summary.errors()).extracting(LoadSummary.LoadError::where)
                .containsExactly("mixed.ndjson:2", "mixed.ndjson:3", "mixed.ndjson:6");
        assertThat(summary.errors().get(1).message()).contains("Dragon");
        assertThat(summary.errors().get(2).message()).contains("no id");
        assertThat(store.countByType()).containsEntry("Patient", 1L).containsEntry("Observation", 1L);
    }

    @Test
    void loadsGzippedNdjsonAndSingleResourceFiles() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("in"));
        try (var out = new GZIPOutputStream(Files.newOutputStream(folder.resolve("Patient.ndjson.gz")))) {
            for (int i = 0; i < 2_500; i++) {
                out.write(("{\"resourceType\":\"Patient\",\"id\":\"p" + i + "\"}\n").getBytes(UTF_8));
            }
        }
        Files.writeString(folder.resolve("org.json"), "{\"resourceType\":\"Organization\",\"id\":\"org1\",\"name\":\"Acme\"}");
        Files.writeString(folder.resolve("notes.txt"), "ignored");
        LoadSummary summary = new Loader(store).load(List.of(folder));
        assertThat(summary.rejected()).isZero();
        assertThat(store.countByType()).containsEntry("Patient", 2_500L).containsEntry("Organization", 1L);
        // Loading again makes new versions, not duplicates.
        new Loader(store).load(List.of(folder));
        assertThat(store.countByType()).containsEntry("Patient", 2_500L);
        assertThat(store.read("Patient", "p7").orElseThrow().version()).isEqualTo(2);
    }

    /** A file that breaks off mid-way (a truncated download) is reported by name; what came before it is stored and indexed. */
    @Test
    void aTruncatedGzipFileIsReportedAndItsCompleteLinesStay() throws Exception {
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(gz)) {
            for (int i = 0; i < 30_000; i++) {
                out.write(("{\"resourceType\":\"Patient\",\"id\":\"p" + i + "\",\"gender\":\"female\"}\n").getBytes(UTF_8));
            }
        }
        byte[] whole = gz.toByteArray();
        Path file = dir.resolve("Patient.ndjson.gz");
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length * 2 / 3));

        assertThatThrownBy(() -> new Loader(store).load(List.of(file)))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("Patient.ndjson.gz")
                .hasMessageContaining("the lines before the failure were loaded");
        long stored = store.countByType().getOrDefault("Patient", 0L);
        assertThat(stored).isBetween(1_000L, 29_999L);
        // The bulk load's deferred indexes were built anyway, and the rows it stored are indexed.
        assertThat(scalar("SELECT count(*) FROM deferred_index")).isZero();
        assertThat(scalar("SELECT count(*) FROM idx_token WHERE param_id = " + SearchParamIds.of("Patient", "gender"))).isEqualTo(stored);
    }
}
