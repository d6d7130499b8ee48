package org.bulkfhir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps {@code bulkfhir demo} working: both scenarios, every check, on a small population. */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void bothScenariosPass() throws Exception {
        int exit = Main.run("demo", "--patients", "30", "--dir", dir.toString());
        assertThat(exit).isZero();
        assertThat(dir.resolve("scenario-1/system")).isDirectory();
        try (var files = Files.list(dir.resolve("scenario-2/patient-export"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("Patient.") && n.endsWith(".ndjson"));
        }
        assertThat(dir.resolve("scenario-2/no-token")).satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(),
                p -> assertThat(Files.list(p).filter(f -> f.toString().endsWith(".ndjson"))).isEmpty());
    }
}
