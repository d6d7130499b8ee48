package org.bulkfhir.server.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bulkfhir.store.testing.TestDatabases;
import org.bulkfhir.store.write.ResourcePreparer;
import org.bulkfhir.store.write.Write;

/**
 * Not a test: {@code ExportBench N [dir [kick-off path]]} loads N synthetic Observations (1 per 10 a Patient)
 * into a SQLite store and times a system-level export over HTTP, kick-off to manifest.
 */
public final class ExportBench {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("bulkfhir-bench");
        String url = TestDatabases.sqlite(dir);
        boolean load = !Files.exists(dir.resolve("store.db"));
        ExportHarness h = new ExportHarness(url, dir, ExportConfig.defaults(dir).withWorkers(2));
        try {
            if (load) {
                long t0 = System.nanoTime();
                ResourcePreparer preparer = new ResourcePreparer();
                List<Write> batch = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String json = i % 10 == 0
                            ? "{\"resourceType\":\"Patient\",\"id\":\"p" + i + "\",\"gender\":\"female\",\"birthDate\":\"1970-01-01\","
                                    + "\"name\":[{\"family\":\"Family" + i + "\",\"given\":[\"Given\"]}]}"
                            : "{\"resourceType\":\"Observation\",\"id\":\"o" + i + "\",\"status\":\"final\",\"category\":[{\"coding\":"
                                    + "[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"vital-signs\"}]}],"
                                    + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\",\"display\":\"Heart rate\"}]},"
                                    + "\"subject\":{\"reference\":\"Patient/p" + (i / 10 * 10) + "\"},\"effectiveDateTime\":\"2024-01-01T10:00:00Z\","
                                    + "\"valueQuantity\":{\"value\":" + (60 + i % 40) + ",\"unit\":\"/min\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"/min\"}}";
                    String type = i % 10 == 0 ? "Patient" : "Observation";
                    batch.add(preparer.prepareUpsert(type, null, json.getBytes(StandardCharsets.UTF_8)));
                    if (batch.size() == 5000) {
                        h.store.write(batch);
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) {
                    h.store.write(batch);
                }
                System.out.printf("load: %d resources in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
            }
            long t0 = System.nanoTime();
            String status = h.kickoff(args.length > 2 ? args[2] : "/$export");
            JsonNode m = h.awaitManifest(status);
            double secs = (System.nanoTime() - t0) / 1e9;
            long count = 0;
            long bytes = 0;
            for (JsonNode item : m.path("output")) {
                count += item.path("count").asLong();
                bytes += item.path("extension").path("https://bulkfhir.org/file-size").asLong();
            }
            System.out.printf("export: %d resources, %.1f MB, %d files, kick-off to manifest %.2f s: %.0f resources/s, %.1f MB/s,"
                            + " max heap %d MB, used %d MB%n", count, bytes / 1e6, m.path("output").size(), secs, count / secs,
                    bytes / 1e6 / secs, Runtime.getRuntime().maxMemory() >> 20,
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        } finally {
            h.close();
        }
    }
}
