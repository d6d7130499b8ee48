package org.bulkfhir.store.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The shared test data beside the project ({@code ../shared/data}), found from any module's directory. */
public final class SharedData {
    private SharedData() {
    }

    public static Path syntheaSample() {
        for (String candidate : new String[] {"../shared/data/synthea-sample", "../../shared/data/synthea-sample"}) {
            Path p = Path.of(candidate);
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        Assumptions.abort("../shared/data/synthea-sample is not present beside the project");
        return null;
    }
}
