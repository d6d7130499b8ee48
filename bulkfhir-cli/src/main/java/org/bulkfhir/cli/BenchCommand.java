package org.bulkfhir.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.Dialect;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.generate.GenerationSummary;
import org.bulkfhir.store.load.LoadSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"A reproducible benchmark: generates a fixed population (seed 42), loads it, and reads every",
                "resource type back out as raw bytes. Prints one figure per line and, with --json, writes them all."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--patients", defaultValue = "1000", description = "Population size (default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--db", paramLabel = "JDBC-URL", description = "Database to load into (default: a new SQLite file).")
    String db;

    @Option(names = "--dir", paramLabel = "DIR", description = "Working folder (default: a new temp folder).")
    Path dir;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    private final Map<String, Object> figures = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Path work = dir != null ? dir : Files.createTempDirectory("bulkfhir-bench-");
        figure("machine.cores", Runtime.getRuntime().availableProcessors(), "");
        figure("machine.maxHeapMB", Runtime.getRuntime().maxMemory() / (1 << 20), "MB");
        figure("machine.java", System.getProperty("java.version"), "");
        long t0 = System.nanoTime();
        GenerationSummary generated = GenerateCommand.generate(patients, 42, work.resolve("population"));
        figure("generate.seconds", seconds(t0), "s");
        figure("generate.resources", generated.totalResources(), "");
        figure("generate.MB", generated.totalBytes() / 1e6, "MB");

        String url = db != null ? db : Database.sqliteUrl(work.resolve("store"));
        try (ResourceStore store = JdbcResourceStore.open(url)) {
            if (!store.countByType().isEmpty()) {
                throw new UsageError("the benchmark database is not empty: give --db an empty database");
            }
            LoadSummary loaded = LoadCommand.load(store, List.of(work.resolve("population")),
                    Runtime.getRuntime().availableProcessors(), true, System.out);
            figure("load.resourcesPerSecond", loaded.resourcesPerSecond(), "resources/s");
            figure("load.dialect", store.database().dialect().name(), "");
            readOut(store.database());
        }
        if (json != null) {
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), figures);
        }
        return 0;
    }

    /** Every current resource of each type, in key order, as raw bytes: the export's inner loop. */
    private void readOut(Database database) throws Exception {
        List<String> types = new ArrayList<>();
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT res_type FROM resource"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                types.add(rs.getString(1));
            }
        }
        long resources = 0;
        long bytes = 0;
        long t0 = System.nanoTime();
        try (Connection c = database.connection()) {
            if (database.dialect() == Dialect.POSTGRESQL) {
                c.setAutoCommit(false);
            }
            for (String type : types) {
                try (PreparedStatement ps = c.prepareStatement("SELECT body FROM resource WHERE res_type = ?"
                        + " AND valid_to IS NULL AND deleted = 0 ORDER BY pk")) {
                    ps.setFetchSize(1000);
                    ps.setString(1, type);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            bytes += rs.getBytes(1).length + 1;
                            resources++;
                        }
                    }
                }
            }
            if (database.dialect() == Dialect.POSTGRESQL) {
                c.commit();
            }
        }
        double s = seconds(t0);
        figure("readOut.resourcesPerSecond", resources / s, "resources/s");
        figure("readOut.MBPerSecond", bytes / 1e6 / s, "MB/s");
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void figure(String name, Object value, String unit) {
        figures.put(name, value);
        String shown = value instanceof Double d ? String.format(Locale.ROOT, "%,.1f", d)
                : value instanceof Long || value instanceof Integer ? String.format(Locale.ROOT, "%,d", value) : String.valueOf(value);
        System.out.printf(Locale.ROOT, "%-32s %s %s%n", name, shown, unit);
    }
}
