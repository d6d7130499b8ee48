package org.bulkfhir.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.generate.PopulationGenerator;
import org.bulkfhir.store.load.Loader;
import org.bulkfhir.store.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not part of the suite (its name is not a test name, and it needs -Dit.measure): system-level
 * export throughput of one and two nodes on PostgreSQL, and of one node on SQLite, kick-off to
 * manifest, with the nodes' CPU time per resource. Run:
 * {@code mvn -pl bulkfhir-it -am test -Dtest=ThroughputMeasurement -Dit.measure=true -Dit.patients=300
 * -Dsurefire.failIfNoSpecifiedTests=false} (add
 * -Dit.only=sqlite to skip PostgreSQL); figures go to stdout (target/surefire-reports/*-output.txt).
 */
@EnabledIfSystemProperty(named = "it.measure", matches = "true")
class ThroughputMeasurement {
    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        int patients = Integer.getInteger("it.patients", 300);
        int rounds = Integer.getInteger("it.rounds", 2);
        Path generated = dir.resolve("population");
        new PopulationGenerator(11).generate(patients, generated);
        String sqlite = TestDatabases.sqlite(Files.createDirectories(dir.resolve("sqlite")));
        boolean withPg = !"sqlite".equals(System.getProperty("it.only"));
        try (TestDatabases.PostgresDatabase pg = TestDatabases.postgres()) {
            for (String url : withPg ? List.of(pg.url(), sqlite) : List.of(sqlite)) {
                long t0 = System.nanoTime();
                try (ResourceStore store = JdbcResourceStore.open(url)) {
                    new Loader(store).load(List.of(generated));
                }
                System.out.printf("load into %s: %.1f s%n", url.startsWith("jdbc:sqlite") ? "SQLite" : "PostgreSQL",
                        (System.nanoTime() - t0) / 1e9);
            }
            for (int round = 1; round <= rounds; round++) {
                if (withPg) {
                    run("PostgreSQL, 1 node ", pg.url(), 1, round);
                    run("PostgreSQL, 2 nodes", pg.url(), 2, round);
                }
                run("SQLite,     1 node ", sqlite, 1, round);
            }
        }
    }

    private void run(String label, String url, int nodeCount, int round) throws Exception {
        Path files = dir.resolve("files-" + label.replaceAll("\\W", "") + round);
        List<ServerNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < nodeCount; i++) {
                nodes.add(ServerNode.start("measure-" + i, url, dir, Map.of(), "--files", files.toString(),
                        "--export-workers", "2", "--export-task-rows", "10000"));
            }
            long[] cpuBefore = nodes.stream().mapToLong(ThroughputMeasurement::cpuNanos).toArray();
            ExportClient client = new ExportClient();
            long t0 = System.nanoTime();
            String status = client.kickoff(nodes.get(0).base + "/$export");
            JsonNode manifest = client.awaitManifest(status, Duration.ofMinutes(10));
            double seconds = (System.nanoTime() - t0) / 1e9;
            long cpu = 0;
            for (int i = 0; i < nodes.size(); i++) {
                cpu += cpuNanos(nodes.get(i)) - cpuBefore[i];
            }
            long resources = 0;
            long bytes = 0;
            for (JsonNode item : manifest.path("output")) {
                resources += item.path("count").asLong();
                bytes += item.path("extension").path("https://bulkfhir.org/file-size").asLong();
            }
            System.out.printf("%s (round %d): %,d resources, %.0f MB in %.2f s = %,.0f resources/s, %.1f MB/s;"
                            + " wall %.1f µs/resource, node CPU %.1f µs/resource%n", label, round, resources, bytes / 1e6,
                    seconds, resources / seconds, bytes / 1e6 / seconds, seconds * 1e6 / resources, cpu / 1e3 / resources);
        } finally {
            for (ServerNode n : nodes) {
                n.close();
            }
        }
    }

    private static long cpuNanos(ServerNode n) {
        return n.process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
}
