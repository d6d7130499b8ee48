package org.bulkfhir.server.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bulkfhir.store.generate.PopulationGenerator;
import org.bulkfhir.store.load.Loader;
import org.bulkfhir.store.testing.TestDatabases;

/**
 * Not a test: {@code TypeFilterBench PATIENTS DIR} generates and loads a population into a SQLite
 * store in DIR (once), then times system-level exports of Observation with and without a
 * selective {@code _typeFilter}, kick-off to manifest, three runs each.
 */
public final class TypeFilterBench {
    public static void main(String[] args) throws Exception {
        int patients = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        boolean load = !Files.exists(dir.resolve("store.db"));
        ExportHarness h = new ExportHarness(TestDatabases.sqlite(dir), dir,
                ExportConfig.defaults(dir).withWorkers(2).withMaxActiveJobsPerClient(100));
        try {
            if (load) {
                long t0 = System.nanoTime();
                new PopulationGenerator(42).generate(patients, dir.resolve("ndjson"));
                var summary = new Loader(h.store).load(List.of(dir.resolve("ndjson")));
                System.out.printf("load: %s in %.1f s%n", summary, (System.nanoTime() - t0) / 1e9);
            }
            String q = "Observation?category=laboratory&date=ge2020";
            String[] runs = {"/$export?_type=Observation",
                    "/$export?_type=Observation&_typeFilter=" + URLEncoder.encode(q, StandardCharsets.UTF_8),
                    "/$export?_type=MedicationRequest",
                    "/$export?_type=MedicationRequest&_typeFilter=" + URLEncoder.encode("MedicationRequest?status=active",
                            StandardCharsets.UTF_8)};
            for (int round = 0; round < 3; round++) {
                for (String run : runs) {
                    long t0 = System.nanoTime();
                    JsonNode m = h.awaitManifest(h.kickoff(run));
                    double secs = (System.nanoTime() - t0) / 1e9;
                    long count = 0;
                    long bytes = 0;
                    for (JsonNode item : m.path("output")) {
                        count += item.path("count").asLong();
                        bytes += item.path("extension").path("https://bulkfhir.org/file-size").asLong();
                    }
                    System.out.printf("round %d %-90s %8d resources %7.1f MB %6.2f s %8.0f resources/s%n", round,
                            java.net.URLDecoder.decode(run, StandardCharsets.UTF_8), count, bytes / 1e6, secs, count / secs);
                }
            }
        } finally {
            h.close();
        }
    }
}
