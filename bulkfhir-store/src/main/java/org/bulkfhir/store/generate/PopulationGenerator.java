package org.bulkfhir.store.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a deterministic synthetic FHIR R4 population as NDJSON, one file per resource type
 * ({@code Patient.ndjson}, {@code Observation.ndjson}, …).
 *
 * <p>The same seed and patient count give byte-identical files. Clinical history runs from
 * 2010 to a fixed reference date (2025-06-30), never the wall clock, so {@code _since}
 * filtering has something to select and output is reproducible. Resources carry no
 * {@code meta}: the store assigns versions and {@code lastUpdated}.
 *
 * <p>Generation streams: each patient is planned and written before the next is drawn, and
 * only the Group member lists grow with the population. Besides each patient's record the
 * output holds shared Organizations (three hospitals, three payers), Locations,
 * Practitioners (one per twenty patients, at least five) and Medications, and three Groups
 * identified in {@code http://bulkfhir.example.org/groups}: {@code all-patients},
 * {@code diabetes-cohort} (patients with a 44054006 Condition) and {@code payer-1-members}
 * (patients with a Coverage from the first payer). Every reference is relative
 * ({@code Type/id}) and points at a resource in the output.
 */
public final class PopulationGenerator {
    private final long seed;

    public PopulationGenerator(long seed) {
        this.seed = seed;
    }

    /**
     * Writes one NDJSON file per resource type into {@code outDir} (created if missing; files of
     * the same names are replaced) and returns the counts by type.
     */
    public GenerationSummary generate(int patients, Path outDir) throws IOException {
        if (patients < 1) {
            throw new IllegalArgumentException("patients must be at least 1, was " + patients);
        }
        Files.createDirectories(outDir);
        ResourceWriter w = new ResourceWriter(outDir, seed);
        try {
            SharedResources shared = new SharedResources(w, seed, patients);
            PatientGenerator generator = new PatientGenerator(seed, w, shared);
            GroupWriter groups = new GroupWriter();
            for (int i = 0; i < patients; i++) {
                groups.add(generator.generate(i));
            }
            groups.write(w, shared);
            long bytes = w.finish();
            var counts = w.counts();
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            return new GenerationSummary(counts, total, bytes);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            w.close();
        }
    }

    /** {@code java … PopulationGenerator PATIENTS OUT_DIR [SEED]}: generate and print a summary. */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: PopulationGenerator PATIENTS OUT_DIR [SEED]");
            System.exit(2);
        }
        int patients = Integer.parseInt(args[0]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42L;
        long t0 = System.nanoTime();
        GenerationSummary s = new PopulationGenerator(seed).generate(patients, Path.of(args[1]));
        double seconds = (System.nanoTime() - t0) / 1e9;
        s.countsByType().forEach((type, n) -> System.out.printf("%-22s %,10d%n", type, n));
        System.out.printf("%,d resources, %,d bytes in %.2f s (%,.0f resources/s)%n",
                s.totalResources(), s.totalBytes(), seconds, s.totalResources() / seconds);
    }
}
