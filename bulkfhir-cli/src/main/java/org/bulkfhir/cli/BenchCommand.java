package org.bulkfhir.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bulkfhir.cli.bench.BenchReport;
import org.bulkfhir.cli.bench.BenchServer;
import org.bulkfhir.cli.bench.Ceilings;
import org.bulkfhir.cli.bench.ExportRun;
import org.bulkfhir.cli.bench.InProcessServer;
import org.bulkfhir.cli.bench.JobTimes;
import org.bulkfhir.cli.bench.Machine;
import org.bulkfhir.cli.bench.ProcessSampler;
import org.bulkfhir.cli.bench.ServerProcess;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.ClientConfig;
import org.bulkfhir.client.auth.Authorizer;
import org.bulkfhir.client.export.ExportLevel;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.Dialect;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.generate.GenerationSummary;
import org.bulkfhir.store.load.LoadSummary;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A reproducible benchmark of loading and exporting, with this machine's ceilings.",
                "Generates a fixed population (seed 42) and loads it, starts the server on loopback in a child JVM "
                        + "with a fixed heap, and runs through the real client: a system export, a Patient export, a "
                        + "Group export of a 10%% cohort and a selective _typeFilter export. Measures this machine's "
                        + "ceilings in the same run (file-to-file copy of the same bytes, one loopback HTTP download) "
                        + "and the server's peak heap and RSS. One figure per line; --json writes them all. With "
                        + "--server URL only the client half runs, against any Bulk Data server."})
final class BenchCommand implements Callable<Integer> {
    /** The run that warms the server and client up; not one of the measured exports. */
    static final String WARM_UP = "warmUp";
    static final String WARM_UP_FULL = "warmUpFull";
    /** How often the server-alone job runs; the median counts. */
    static final int SYSTEM_ALONE_RUNS = 3;
    /**
     * The system export again, its files listed only once the job is complete: the client just
     * polls, so the server's job has the machine to itself, as when the client runs elsewhere and
     * as the file-copy ceiling is measured.
     */
    static final String SYSTEM_ALONE = "systemAlone";
    /** About 8% of the population's resources: enough calls for the JIT to compile the export's hot paths. */
    private static final List<String> WARM_UP_TYPES = List.of("Patient", "Encounter");
    static final long SEED = 42;
    static final String COHORT = "bench-cohort";
    static final String TYPE_FILTER = "Observation?category=laboratory&date=ge2020";

    @Option(names = "--patients", defaultValue = "1000", description = "Population size (default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--db", paramLabel = "JDBC-URL", description = "Database to load into (default: a new SQLite file under --dir).")
    String db;

    @Option(names = "--dir", paramLabel = "DIR", description = "Working folder, kept afterwards (default: a temp folder, removed).")
    Path dir;

    @Option(names = "--reuse", description = "When --dir already holds the loaded population of a previous bench, skip"
            + " generate and load (for repeated runs after a change; no load figures then).")
    boolean reuse;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4", description = "Files the client downloads at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--gzip", description = "Download with Accept-Encoding: gzip (default: identity, as stored).")
    boolean gzip;

    @Option(names = "--child-jvm-heap", paramLabel = "SIZE", defaultValue = "256m",
            description = "-Xmx of the server's JVM (default: ${DEFAULT-VALUE}).")
    String childHeap;

    @Option(names = "--child-jfr", paramLabel = "FILE", description = "Record the server JVM with JFR (profile settings) into FILE.")
    Path childJfr;

    @Option(names = "--in-process", description = "Run the server in this JVM instead of a child (heap/RSS then include the client).")
    boolean inProcess;

    @Option(names = "--server", paramLabel = "URL", description = "Benchmark this external server's exports instead: no"
            + " generate, load or server start; the server-side figures are then the client's view.")
    URI server;

    @Option(names = "--group", paramLabel = "ID", description = "With --server: the Group to export (default: skip the Group run).")
    String group;

    @Option(names = "--client-id", paramLabel = "ID", description = "With --server: SMART client id.")
    String clientId;

    @Option(names = "--key", paramLabel = "FILE", description = "With --server: the client's private JWKS.")
    Path key;

    private BenchReport report;
    private final Map<String, ExportRun.Result> results = new LinkedHashMap<>();
    private Boolean partialManifests;

    @Override
    public Integer call() throws Exception {
        if (patients < 1) {
            throw new UsageError("--patients must be at least 1");
        }
        if (parallel < 1 || parallel > 64) {
            throw new UsageError("--parallel must be between 1 and 64");
        }
        report = new BenchReport(System.out);
        quietClientLog();
        boolean temp = dir == null;
        Path work = temp ? Files.createTempDirectory("bulkfhir-bench-") : dir;
        Files.createDirectories(work);
        try {
            report.heading("Machine");
            Machine.describe(report);
            if (server != null) {
                external(work);
            } else {
                local(work);
            }
            report.heading("End");
            Machine.loadAverage(report, "machine.loadAverageAtEnd");
            if (json != null) {
                report.writeJson(json);
                System.out.println("Figures written to " + json.toAbsolutePath());
            }
            return 0;
        } finally {
            if (temp) {
                deleteTree(work);
            }
        }
    }

    // ------------------------------------------------------------ our server

    private void local(Path work) throws Exception {
        Path population = work.resolve("population");
        Path storeDir = work.resolve("store");
        String url = db != null ? db : Database.sqliteUrl(storeDir);
        try (ResourceStore store = JdbcResourceStore.open(url)) {
            long loaded = fill(store, population);
            report.heading("Server");
            BenchServer srv = inProcess ? new InProcessServer(storeDir, store)
                    : ServerProcess.start(storeDir, db, childHeap, childJvmOptions(), work.resolve("server.log"));
            try (srv; ProcessSampler sampler = new ProcessSampler(srv.pid())) {
                report.note("server.mode", srv.mode());
                report.note("server.baseUrl", srv.baseUrl());
                JobTimes times = new JobTimes(store.database(), storeDir.resolve("export-files"));
                Http http = new ClientConfig().http();
                runExports(http, URI.create(srv.baseUrl()), work.resolve("exports"), times, sampler, population);
                report.heading("Server memory over all runs");
                sampler.report(report, "server");
            }
            report.heading("Checks");
            ExportRun.Result system = results.get("system");
            if (system != null && loaded >= 0) {
                report.figure("check.loadedResources", loaded, "");
                report.note("check.systemExportMatchesLoad", Boolean.toString(system.resources() == loaded));
            }
        }
    }

    private List<String> childJvmOptions() {
        List<String> opts = new ArrayList<>();
        if (childJfr != null) {
            opts.add("-XX:StartFlightRecording=filename=" + childJfr.toAbsolutePath() + ",settings=profile");
        }
        return opts;
    }

    /** Generates and loads, or finds the population of an earlier run with --reuse; returns resources loaded (-1 unknown). */
    private long fill(ResourceStore store, Path population) throws Exception {
        boolean empty = store.countByType().isEmpty();
        if (!empty && reuse) {
            long n = store.countByType().values().stream().mapToLong(Long::longValue).sum();
            report.heading("Population (reused)");
            report.figure("store.resources", n, "");
            return -1;
        }
        if (!empty) {
            throw new UsageError("the benchmark database is not empty: give --db an empty database, or --reuse with the"
                    + " --dir of an earlier bench");
        }
        report.heading("Population: " + patients + " patients, seed " + SEED);
        long t0 = System.nanoTime();
        GenerationSummary generated = GenerateCommand.generate(patients, SEED, population);
        report.figure("generate.seconds", seconds(t0), "s");
        report.figure("generate.resources", generated.totalResources(), "");
        report.figure("generate.MB", generated.totalBytes() / 1e6, "MB");

        long cpu0 = processCpuNanos();
        LoadSummary loaded = LoadCommand.load(store, List.of(population), Runtime.getRuntime().availableProcessors(),
                true, System.out);
        double loadCpu = (processCpuNanos() - cpu0) / 1e9;
        double loadSeconds = loaded.elapsed().toNanos() / 1e9;
        report.figure("load.seconds", loadSeconds, "s");
        report.figure("load.cpuSeconds", loadCpu, "s");
        report.figure("load.resourcesPerCpuSecond", loaded.written() / loadCpu, "resources/s");
        report.figure("load.resourcesPerSecond", loaded.resourcesPerSecond(), "resources/s");
        report.figure("load.MBPerSecond", generated.totalBytes() / 1e6 / loadSeconds, "MB/s");
        report.note("load.dialect", store.database().dialect().name());
        readOut(store.database());
        return loaded.written();
    }

    /** Every current resource as raw bytes straight from the database: the export's inner loop, without HTTP or files. */
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
        report.figure("store.readOutResourcesPerSecond", resources / s, "resources/s");
        report.figure("store.readOutMBPerSecond", bytes / 1e6 / s, "MB/s");
    }

    // ------------------------------------------------------------ someone else's server

    private void external(Path work) throws Exception {
        ClientConfig config = new ClientConfig();
        config.server = server;
        config.clientId = clientId;
        config.keyFile = key;
        Http plain = config.http();
        Authorizer auth = config.authorizer(plain, List.of(), group != null);
        report.heading("Server");
        report.note("server.mode", BenchServer.external(server.toString()).mode());
        runExports(plain.withAuthorizer(auth), server, work.resolve("exports"), null, null, null);
    }

    // ------------------------------------------------------------ the runs

    /** What {@code [base]/metadata} answers: its FHIR version, or the HTTP status when it fails. */
    static String capabilityStatement(Http http, URI base) throws IOException, InterruptedException {
        URI metadata = URI.create(base.toString().replaceAll("/+$", "") + "/metadata");
        HttpResponse<byte[]> r = http.send(Http.Call.get(metadata).header("Accept", "application/fhir+json"),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            return "HTTP " + r.statusCode();
        }
        try {
            return "FHIR " + Json.MAPPER.readTree(r.body()).path("fhirVersion").asText("version not stated");
        } catch (IOException e) {
            return "HTTP 200, not JSON";
        }
    }

    private void runExports(Http http, URI base, Path exports, JobTimes times, ProcessSampler sampler, Path population)
            throws Exception {
        ExportRun exporter = new ExportRun(http, base, parallel, gzip);
        deleteTree(exports);
        report.note("client.parallel", Integer.toString(parallel));
        report.note("client.acceptEncoding", gzip ? "gzip" : "identity");
        // Through the same client as the exports: shows that a FHIR server answers, and takes the
        // client's own first-request start-up (HTTP client, class loading, JIT: 0.2-0.5 s in a cold
        // JVM on two busy cores) out of the first export's figures, which are about the server.
        report.note("server.capabilityStatement", capabilityStatement(http, base));

        // A server runs for weeks; its first export after start-up also pays for class loading and
        // the JIT (on two cores, the compiler threads took 40% of the CPU during the first second
        // and the first job ran 1.0-3.2 s where warm it ran 1.0 s). One small export first, reported
        // under its own name and left out of the fractions, so that the measured runs are of a
        // running server, and the cold cost is still in the report.
        release(exporter, run(exporter, new ExportRun.Spec(WARM_UP, ExportLevel.SYSTEM, WARM_UP_TYPES, List.of(),
                true), exports, times, sampler), exports);
        warmUpFully(exporter, times);

        ExportRun.Result system = run(exporter, new ExportRun.Spec("system", ExportLevel.SYSTEM, List.of(), List.of(),
                true), exports, times, sampler);
        if (system != null) {
            ceilings(system, exports);
            exporter.release(system);
            deleteTree(exports.resolve("system"));
        }
        ExportRun.Result alone = run(exporter, new ExportRun.Spec(SYSTEM_ALONE, ExportLevel.SYSTEM, List.of(), List.of(),
                false), exports, times, sampler);
        release(exporter, alone, exports);
        if (alone != null && times != null) {
            repeatAlone(exporter, times, alone);
        }

        release(exporter, run(exporter, new ExportRun.Spec("patient", ExportLevel.PATIENT, List.of(), List.of(),
                partialManifests()), exports, times, sampler), exports);

        String groupId = group;
        if (population != null) {
            groupId = createCohort(base, population.resolve("Patient.ndjson"));
        }
        if (groupId != null) {
            release(exporter, run(exporter, new ExportRun.Spec("group", ExportLevel.group(groupId), List.of(), List.of(),
                    partialManifests()), exports, times, sampler), exports);
        } else {
            report.note("group.skipped", "no --group given for the external server");
        }

        release(exporter, run(exporter, new ExportRun.Spec("typeFilter", ExportLevel.SYSTEM, List.of("Observation"),
                List.of(TYPE_FILTER), partialManifests()), exports, times, sampler), exports);

        fractions();
    }

    /**
     * The small warm-up leaves the server compiling: during the server-alone job the JIT still
     * took 9.5% of the machine (2 cores, 1,000 patients; 6-9% after this warm-up), and that job
     * took 0.37-0.54 s over three bench runs, 0.33-0.43 s over seven with it. One system export
     * of everything, files released without being downloaded, exercises every type's path first;
     * its job time is reported, and left out of the fractions.
     */
    private void warmUpFully(ExportRun exporter, JobTimes times) throws Exception {
        report.heading("Warm-up, not a measured run: " + WARM_UP_FULL + " (system, every type, files not downloaded)");
        String job = exporter.runWithoutDownload(new ExportRun.Spec(WARM_UP_FULL, ExportLevel.SYSTEM, List.of(),
                List.of(), false));
        JobTimes.Times t = times == null ? null : times.of(job).orElse(null);
        if (t != null) {
            report.figure(WARM_UP_FULL + ".serverJobSeconds", t.seconds(), "s");
        }
    }

    /**
     * The server-alone job {@value #SYSTEM_ALONE_RUNS} times in all, the repeats without a
     * download: one job's time swung by a fifth between bench runs on the same VM (0.33-0.43 s
     * for 1,000 patients), so one sample says little about the server's rate. The median run is
     * set against the file copy (whose ceiling is already the best of its passes).
     */
    private void repeatAlone(ExportRun exporter, JobTimes times, ExportRun.Result first) throws Exception {
        List<Double> seconds = new ArrayList<>();
        times.of(first.jobId()).ifPresent(t -> seconds.add(t.seconds()));
        for (int i = 1; i < SYSTEM_ALONE_RUNS; i++) {
            times.of(exporter.runWithoutDownload(first.spec())).ifPresent(t -> seconds.add(t.seconds()));
        }
        if (seconds.isEmpty()) {
            return;
        }
        Collections.sort(seconds);
        // Of an even count, the slower middle run.
        double median = seconds.get(seconds.size() / 2);
        report.note(SYSTEM_ALONE + ".serverJobSecondsOfEachRun", seconds.stream()
                .map(v -> String.format(Locale.ROOT, "%.3f", v)).collect(Collectors.joining(" ")) + " s");
        report.figure(SYSTEM_ALONE + ".serverJobSecondsMedian", median, "s");
        report.figure(SYSTEM_ALONE + ".exportMBPerSecondMedian", first.bytes() / 1e6 / median, "MB/s");
    }

    private boolean partialManifests() {
        return Boolean.TRUE.equals(partialManifests);
    }

    private void release(ExportRun exporter, ExportRun.Result r, Path exports) throws IOException {
        if (r != null) {
            exporter.release(r);
            deleteTree(exports.resolve(r.spec().name()));
        }
    }

    /** One export and its figures; null when the server refused it for a reason worth reporting, not failing. */
    private ExportRun.Result run(ExportRun exporter, ExportRun.Spec spec, Path exports, JobTimes times,
                                 ProcessSampler sampler) throws Exception {
        return run(exporter, spec, exports, times, sampler, false);
    }

    private ExportRun.Result run(ExportRun exporter, ExportRun.Spec spec, Path exports, JobTimes times,
                                 ProcessSampler sampler, boolean retry) throws Exception {
        String p = spec.name();
        if (!retry) {
            String alone = p.equals(SYSTEM_ALONE) ? ", files listed when complete: the job runs with no download beside it" : "";
            report.heading((p.equals(WARM_UP) ? "Warm-up, not a measured run: " : "Export: ") + p + describe(spec) + alone);
        }
        long cpu0 = sampler == null ? -1 : sampler.cpuNanos();
        ExportRun.Result r;
        try {
            r = exporter.run(spec, exports.resolve(p));
        } catch (BulkDataException e) {
            if (e.kind() == BulkDataException.Kind.REJECTED && spec.allowPartialManifests()
                    && e.getMessage().contains("allowPartialManifests")) {
                // Learnt once; every later run goes without.
                partialManifests = false;
                report.note("client.allowPartialManifests", "not supported by the server: first file = complete manifest");
                return run(exporter, new ExportRun.Spec(spec.name(), spec.level(), spec.types(), spec.typeFilters(), false),
                        exports, times, sampler, true);
            }
            if (e.kind() == BulkDataException.Kind.REJECTED && !spec.typeFilters().isEmpty()) {
                report.note(p + ".skipped", e.getMessage().contains("_typeFilter")
                        ? "server does not support _typeFilter" : "server refused it: " + e.getMessage());
                return null;
            }
            throw e;
        }
        if (spec.allowPartialManifests() && partialManifests == null) {
            partialManifests = true;
            report.note("client.allowPartialManifests", "supported: files are listed while the job runs");
        }
        results.put(p, r);
        report.figure(p + ".resources", r.resources(), "");
        report.figure(p + ".MB", r.bytes() / 1e6, "MB");
        report.figure(p + ".files", r.files(), "");
        report.figure(p + ".kickoffToManifestSeconds", r.manifestSeconds(), "s");
        report.figure(p + ".firstFileSeconds", r.firstFileSeconds(), "s");
        double exportSeconds = r.manifestSeconds();
        JobTimes.Times t = times == null ? null : times.of(r.jobId()).orElse(null);
        if (t != null) {
            report.figure(p + ".serverJobSeconds", t.seconds(), "s");
            if (t.firstSealedSeconds() >= 0) {
                report.figure(p + ".serverFirstSealedFileSeconds", t.firstSealedSeconds(), "s");
            }
            exportSeconds = t.seconds();
        }
        report.figure(p + ".exportResourcesPerSecond", r.resources() / exportSeconds, "resources/s");
        report.figure(p + ".exportMBPerSecond", r.bytes() / 1e6 / exportSeconds, "MB/s");
        report.figure(p + ".downloadMBPerSecond", r.downloadMBps(), "MB/s");
        report.figure(p + ".endToEndSeconds", r.totalSeconds(), "s");
        report.figure(p + ".endToEndMBPerSecond", r.endToEndMBps(), "MB/s");
        report.figure(p + ".clientPeakHeapMB", r.clientPeakHeap() / 1048576.0, "MB");
        if (sampler != null) {
            // CPU time does not depend on what else runs on a shared machine; wall-clock rates do.
            double cpu = (sampler.cpuNanos() - cpu0) / 1e9;
            if (cpu0 >= 0 && cpu > 0) {
                report.figure(p + ".serverCpuSeconds", cpu, "s");
                report.figure(p + ".serverResourcesPerCpuSecond", r.resources() / cpu, "resources/s");
            }
            ProcessSampler.Peaks peaks = sampler.window();
            if (peaks.rss() > 0) {
                report.figure(p + ".serverPeakRssMB", peaks.rss() / 1048576.0, "MB");
                report.figure(p + ".serverPeakRssAnonMB", peaks.rssAnon() / 1048576.0, "MB");
            }
            if (peaks.heapUsed() > 0) {
                report.figure(p + ".serverPeakHeapUsedMB", peaks.heapUsed() / 1048576.0, "MB");
            }
        }
        return r;
    }

    private static String describe(ExportRun.Spec s) {
        StringBuilder sb = new StringBuilder(" (" + s.level());
        if (!s.types().isEmpty()) {
            sb.append(", _type=").append(String.join(",", s.types()));
        }
        s.typeFilters().forEach(f -> sb.append(", _typeFilter=").append(f));
        return sb.append(")").toString();
    }

    /** The machine's limits with the bytes the system export just produced. */
    private void ceilings(ExportRun.Result system, Path exports) throws Exception {
        report.heading("Ceilings of this machine (same bytes, same run)");
        Path files = exports.resolve("system");
        Ceilings.Rate copy = Ceilings.fileCopy(files, exports.resolve("copy-scratch"), false);
        report.figure("ceiling.fileCopyMBPerSecond", copy.mbps(), "MB/s");
        Ceilings.Rate kernel = Ceilings.fileCopy(files, exports.resolve("copy-scratch"), true);
        report.figure("ceiling.fileCopyTransferToMBPerSecond", kernel.mbps(), "MB/s");
        deleteTree(exports.resolve("copy-scratch"));
        if (system.biggest() != null) {
            Ceilings.Rate http = Ceilings.httpDownload(system.biggest().url(), false);
            report.figure("ceiling.httpFileMB", http.bytes() / 1e6, "MB");
            report.figure("ceiling.httpDownloadMBPerSecond", http.mbps(), "MB/s");
            if (gzip) {
                Ceilings.Rate gz = Ceilings.httpDownload(system.biggest().url(), true);
                report.figure("ceiling.httpGzipWireMBPerSecond", gz.mbps(), "MB/s");
            }
        }
    }

    private void fractions() {
        double copy = report.number("ceiling.fileCopyMBPerSecond");
        double http = report.number("ceiling.httpDownloadMBPerSecond");
        if (copy <= 0 && http <= 0) {
            return;
        }
        report.heading("Against the ceilings (fraction of the file copy / loopback HTTP rate)");
        report.fraction("ceiling.httpOfFileCopy", http, copy);
        for (String p : results.keySet()) {
            if (p.equals(WARM_UP)) {
                continue;
            }
            report.fraction(p + ".exportOfFileCopy", report.number(p + ".exportMBPerSecond"), copy);
            if (report.number(p + ".exportMBPerSecondMedian") > 0) {
                report.fraction(p + ".medianExportOfFileCopy", report.number(p + ".exportMBPerSecondMedian"), copy);
            }
            report.fraction(p + ".downloadOfHttp", report.number(p + ".downloadMBPerSecond"), http);
        }
    }

    /**
     * {@code PUT Group/bench-cohort} with every 10th generated patient: a cohort whose size is
     * known exactly, unlike the generated clinical Groups.
     */
    private String createCohort(URI base, Path patientsFile) throws Exception {
        List<String> ids = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(patientsFile, StandardCharsets.UTF_8)) {
            int i = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank() && i++ % 10 == 0) {
                    ids.add(Json.MAPPER.readTree(line).path("id").asText());
                }
            }
        }
        var group = Json.MAPPER.createObjectNode();
        group.put("resourceType", "Group").put("id", COHORT).put("type", "person").put("actual", true)
                .put("name", "bench cohort: every 10th patient");
        var members = group.putArray("member");
        ids.forEach(id -> members.addObject().putObject("entity").put("reference", "Patient/" + id));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base + "/Group/" + COHORT))
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(group))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("PUT Group/" + COHORT + " answered " + r.statusCode() + ": " + r.body());
        }
        report.heading("Cohort");
        report.figure("group.cohortPatients", ids.size(), "");
        return COHORT;
    }

    /** The client's per-export INFO lines would interleave with the figures; warnings still show. */
    private static void quietClientLog() {
        if (LoggerFactory.getLogger("org.bulkfhir.client") instanceof ch.qos.logback.classic.Logger l && l.getLevel() == null) {
            l.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
