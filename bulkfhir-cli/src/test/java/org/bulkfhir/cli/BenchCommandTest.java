package org.bulkfhir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.bulkfhir.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A smoke run of {@code bulkfhir bench}, server in a child JVM as by default: it must complete
 * and its counts must agree. No timing is asserted, ever: this machine's speed is not a test.
 */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void smallBenchCompletesAndCountsMatch() throws Exception {
        Path json = dir.resolve("bench.json");
        int exit = Main.run("bench", "--patients", "20", "--dir", dir.resolve("work").toString(), "--json", json.toString());
        assertThat(exit).isZero();
        JsonNode f = Json.MAPPER.readTree(json.toFile()).path("figures");
        assertThat(f.path("server.mode").asText()).startsWith("child JVM");
        long loaded = f.path("check.loadedResources").asLong();
        assertThat(loaded).isEqualTo(f.path("generate.resources").asLong()).isPositive();
        assertThat(f.path("system.resources").asLong()).isEqualTo(loaded);
        assertThat(f.path("check.systemExportMatchesLoad").asText()).isEqualTo("true");
        // The warm-up export (Patient and Encounter) ran first and is not set against the ceilings.
        assertThat(f.path("warmUp.resources").asLong()).isPositive().isLessThan(loaded);
        assertThat(f.has("warmUp.exportOfFileCopy")).isFalse();
        assertThat(f.has("system.exportOfFileCopy")).isTrue();
        // The system export once more with the server alone: the same resources, set against the ceilings too.
        assertThat(f.path("systemAlone.resources").asLong()).isEqualTo(loaded);
        assertThat(f.has("systemAlone.exportOfFileCopy")).isTrue();
        // ... twice more without a download; the median of the three runs is set against the file copy.
        assertThat(f.path("systemAlone.serverJobSecondsOfEachRun").asText().split(" ")).hasSize(4);
        assertThat(f.path("systemAlone.serverJobSecondsMedian").asDouble()).isPositive();
        assertThat(f.has("systemAlone.medianExportOfFileCopy")).isTrue();
        // A full system export, not downloaded, warms the server up before the measured runs.
        assertThat(f.path("warmUpFull.serverJobSeconds").asDouble()).isPositive();
        // Every 10th of 20 patients, each exported with its own Patient resource.
        assertThat(f.path("group.cohortPatients").asInt()).isEqualTo(2);
        assertThat(f.path("patient.resources").asLong()).isPositive().isLessThanOrEqualTo(loaded);
        assertThat(f.path("group.resources").asLong()).isPositive().isLessThan(f.path("patient.resources").asLong());
        assertThat(f.has("typeFilter.resources") || f.has("typeFilter.skipped")).isTrue();
        assertThat(f.path("ceiling.fileCopyMBPerSecond").asDouble()).isPositive();
        assertThat(f.path("ceiling.httpDownloadMBPerSecond").asDouble()).isPositive();
        assertThat(f.path("server.peakRssMB").asDouble()).isPositive();
    }
}
