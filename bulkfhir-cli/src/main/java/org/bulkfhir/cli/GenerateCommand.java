package org.bulkfhir.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bulkfhir.store.generate.GenerationSummary;
import org.bulkfhir.store.generate.PopulationGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Writes a deterministic synthetic population as NDJSON, one file per type.",
                "Patients with encounters, conditions, observations, medications, claims and more, the "
                        + "practitioners and organizations they reference, and three Groups. Same seed, same bytes."})
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--patients", paramLabel = "N", required = true, description = "Number of patients.")
    int patients;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder (created if needed).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (patients < 1) {
            throw new UsageError("--patients must be at least 1");
        }
        GenerationSummary summary = generate(patients, seed, out);
        for (Map.Entry<String, Long> e : summary.countsByType().entrySet()) {
            System.out.printf(Locale.ROOT, "  %-28s %,10d%n", e.getKey(), e.getValue());
        }
        System.out.printf(Locale.ROOT, "Wrote %,d resources (%,.1f MB) for %,d patients to %s%n", summary.totalResources(),
                summary.totalBytes() / 1e6, patients, out.toAbsolutePath());
        return 0;
    }

    static GenerationSummary generate(int patients, long seed, Path out) throws Exception {
        return new PopulationGenerator(seed).generate(patients, out);
    }
}
