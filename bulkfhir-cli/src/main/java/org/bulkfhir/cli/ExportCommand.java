package org.bulkfhir.cli;

import java.io.Console;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.ClientConfig;
import org.bulkfhir.client.ExportJob;
import org.bulkfhir.client.ExportRunner;
import org.bulkfhir.client.auth.Authorizer;
import org.bulkfhir.client.export.ExportLevel;
import org.bulkfhir.client.export.ExportListener;
import org.bulkfhir.client.export.ExportParameters;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.output.ExportState;
import org.bulkfhir.client.output.ExportSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a Bulk Data export as a Data Consumer against any conformant server.",
                "Kick-off, polling, parallel verified downloads. The output folder gets one NDJSON file per server "
                        + "file (Patient.000.ndjson, ...), the error and deleted files (error.NNN.ndjson, "
                        + "deleted.NNN.ndjson), manifest.json and summary.json. An unfinished export can be continued "
                        + "with --resume (its state is kept in the output folder). Ctrl-C asks whether to cancel the "
                        + "job on the server."})
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--server", paramLabel = "URL", description = "FHIR base URL of the Data Provider (not needed with --resume).")
    URI server;

    @Option(names = "--client-id", paramLabel = "ID", description = "SMART client id; omit for an open server.")
    String clientId;

    @Option(names = "--key", paramLabel = "FILE", description = "Private JWKS of the client (from 'bulkfhir keys').")
    Path key;

    @Option(names = "--kid", paramLabel = "KID", description = "Which private key of --key to sign with (default: the first).")
    String kid;

    @Option(names = "--scope", paramLabel = "SCOPE", description = "Scopes to request (default: system/<type>.rs for each"
            + " --type, system/*.rs or system/*.read by what the server advertises).")
    String scope;

    @Mixin
    TrustOptions trust;

    @Option(names = "--token-url", paramLabel = "URL", description = "Token endpoint URL; skips SMART discovery.")
    URI tokenUrl;

    @Option(names = "--level", paramLabel = "LEVEL", defaultValue = "system", description = "system, patient or group:ID (default: system).")
    String level;

    @Option(names = "--type", paramLabel = "TYPE[,TYPE]", description = "_type: resource types to export (repeatable).")
    List<String> types = new ArrayList<>();

    @Option(names = "--since", paramLabel = "INSTANT|auto", description = "_since: a FHIR instant, or 'auto' for the"
            + " transactionTime of the previous export in --out (which this run then updates).")
    String since;

    @Option(names = "--until", paramLabel = "INSTANT", description = "_until (Bulk Data 3.0).")
    String until;

    @Option(names = "--type-filter", paramLabel = "Type?query", description = "_typeFilter (repeatable; repeats are OR)."
            + " The client re-applies it to the files and removes what a server that ignored it sent too much.")
    List<String> typeFilters = new ArrayList<>();

    @Option(names = "--no-local-filter", description = "Keep the files as the server sent them: do not re-apply"
            + " --type-filter locally (saves a parse of every resource of a filtered type).")
    boolean noLocalFilter;

    @Option(names = "--elements", paramLabel = "ELEMENT[,ELEMENT]", description = "_elements (repeatable).")
    List<String> elements = new ArrayList<>();

    @Option(names = "--patient", paramLabel = "ID", description = "patient: Patient/ID or ID (repeatable; sent by POST).")
    List<String> patients = new ArrayList<>();

    @Option(names = "--include-associated-data", paramLabel = "CODE", description = "includeAssociatedData (repeatable).")
    List<String> includeAssociatedData = new ArrayList<>();

    @Option(names = "--organize-output-by", paramLabel = "TYPE", description = "organizeOutputBy (Bulk Data 3.0).")
    String organizeOutputBy;

    @Option(names = "--allow-partial-manifests", description = "allowPartialManifests: download files while the job runs.")
    boolean allowPartialManifests;

    @Option(names = "--output-format", paramLabel = "MIME", description = "_outputFormat (default: the server's, NDJSON).")
    String outputFormat;

    @Option(names = "--post", description = "Kick off with POST and a Parameters body (falls back to GET on 405).")
    boolean post;

    @Option(names = "--lenient", description = "Prefer: handling=lenient (the server skips what it does not support;"
            + " what it reports skipped in its error files is listed in the summary).")
    boolean lenient;

    @Option(names = "--drop-unsupported", description = "If the kick-off is refused (400/422) naming an optional parameter"
            + " (--elements, --type-filter unless --no-local-filter, --include-associated-data, --organize-output-by,"
            + " --allow-partial-manifests, --output-format), resubmit once without it and say so. --type, --since,"
            + " --until and --patient are never dropped: that would widen the export.")
    boolean dropUnsupported;

    @Option(names = "--separate-export-status", description = "Prefer: separate-export-status (Bulk Data 3.0).")
    boolean separateExportStatus;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bulk-export", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4", description = "Files downloaded at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--resume", description = "Continue the unfinished export recorded in --out.")
    boolean resume;

    @Option(names = "--keep-job", description = "Do not DELETE the job on the server after a successful download.")
    boolean keepJob;

    @Option(names = "--max-retry-after", paramLabel = "SECONDS", defaultValue = "60",
            description = "Longest wait honoured from a server's Retry-After (default: ${DEFAULT-VALUE}).")
    long maxRetryAfter;

    @Option(names = "--quiet", description = "No progress display.")
    boolean quiet;

    @Option(names = "--json", description = "Print the summary as JSON on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        ExportJob job;
        try {
            job = job();
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        ClientConfig config = new ClientConfig();
        config.server = job.server;
        config.clientId = clientId;
        config.keyFile = key;
        config.kid = kid;
        config.scope = scope;
        config.tokenUrl = tokenUrl;
        config.caFile = trust.caFile;
        config.pacing = config.pacing.withMaxRetryAfter(Duration.ofSeconds(Math.max(1, maxRetryAfter)));
        ExportProgress progress = new ExportProgress(err, quiet || json && System.console() == null);
        int code;
        try {
            code = run(config, job, progress, err);
        } catch (BulkDataException e) {
            progress.finish();
            err.println("bulkfhir: " + e.getMessage());
            code = exitCode(e.kind());
        }
        return code;
    }

    private ExportJob job() throws Exception {
        if (resume && (noLocalFilter || dropUnsupported)) {
            throw new UsageError((noLocalFilter ? "--no-local-filter" : "--drop-unsupported") + " applies when an export"
                    + " starts; a resumed export keeps the settings it was started with");
        }
        ExportJob job = new ExportJob();
        if (resume) {
            ExportState state = ExportState.load(out);
            if (state == null) {
                throw new UsageError("there is no unfinished export in " + out + " to resume");
            }
            job.server = URI.create(state.server);
            job.level = ExportLevel.parse(state.level);
            job.resume = true;
        } else {
            if (server == null) {
                throw new UsageError("--server is required (the FHIR base URL, e.g. https://ehr.example/fhir)");
            }
            if (!"http".equalsIgnoreCase(server.getScheme()) && !"https".equalsIgnoreCase(server.getScheme())) {
                throw new UsageError("--server must be an http(s) URL, not '" + server + "'");
            }
            job.server = server;
            job.level = ExportLevel.parse(level);
        }
        if (parallel < 1 || parallel > 64) {
            throw new UsageError("--parallel must be between 1 and 64");
        }
        ExportParameters p = job.params;
        p.types.addAll(ExportParameters.splitAll(types));
        if ("auto".equalsIgnoreCase(since)) {
            job.sinceAuto = true;
        } else {
            p.since = since;
        }
        p.until = until;
        p.typeFilters.addAll(typeFilters);
        p.elements.addAll(ExportParameters.splitAll(elements));
        p.patients.addAll(ExportParameters.splitAll(patients));
        p.includeAssociatedData.addAll(ExportParameters.splitAll(includeAssociatedData));
        p.organizeOutputBy = organizeOutputBy;
        p.allowPartialManifests = allowPartialManifests;
        p.outputFormat = outputFormat;
        p.post = post;
        p.lenient = lenient;
        p.separateExportStatus = separateExportStatus;
        p.dropUnsupported = dropUnsupported;
        job.localFilter = !noLocalFilter;
        if (!resume) {
            // Before any network traffic: a typo should cost nothing.
            p.validate(job.level);
        }
        job.out = out;
        job.parallel = parallel;
        job.cleanup = !keepJob;
        return job;
    }

    private int run(ClientConfig config, ExportJob job, ExportProgress progress, PrintStream err) throws Exception {
        Http http = config.http();
        progress.phase(ExportListener.Phase.DISCOVERY);
        Authorizer auth = config.authorizer(http, job.params.types, job.level.kind() == ExportLevel.Kind.GROUP);
        ExportRunner runner = new ExportRunner(job, http.withAuthorizer(auth), config.pacing, progress);
        Interrupts.onInterrupt(runner::stop);
        ExportSummary summary;
        try {
            summary = runner.run();
        } catch (BulkDataException e) {
            if (e.kind() != BulkDataException.Kind.INTERRUPTED) {
                throw e;
            }
            progress.finish();
            return interrupted(runner, err);
        } finally {
            Interrupts.clear();
        }
        progress.finish();
        if (json) {
            System.out.println(new String(summary.toJson(), StandardCharsets.UTF_8));
        } else if (!quiet) {
            print(summary, job.out);
        }
        return 0;
    }

    /** Ctrl-C: on a terminal ask whether the server job should go; otherwise keep it for --resume. */
    private int interrupted(ExportRunner runner, PrintStream err) throws Exception {
        Console console = System.console();
        if (console != null && runner.statusUrl() != null) {
            String answer = console.readLine("%nStopped. Cancel the export job on the server too (it cannot be resumed then)? [y/N] ");
            if (answer != null && answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
                boolean deleted = runner.cancelOnServer();
                err.println(deleted ? "The job was cancelled on the server." : "The server did not confirm the cancel.");
                return 130;
            }
        }
        err.println("Stopped; the job is kept. Continue with: bulkfhir export --resume --out " + out
                + (clientId != null ? " --client-id " + clientId + " --key " + key : "")
                + (trust.caFile != null ? " --ca-file " + trust.caFile : ""));
        return 130;
    }

    private static void print(ExportSummary s, Path out) {
        PrintStream o = System.out;
        o.printf(Locale.ROOT, "Export complete (transactionTime %s) in %s%n", s.transactionTime(), out.toAbsolutePath());
        s.types().forEach((type, t) -> o.printf(Locale.ROOT, "  %-28s %,10d resources %5d file(s) %,12.1f MB%n",
                type, t.resources(), t.files(), t.bytes() / 1e6));
        o.printf(Locale.ROOT, "%,d resources, %,.1f MB in %s (server export %s): %,.0f resources/s overall, downloads %.1f MB/s%n",
                s.resources(), s.bytes() / 1e6, Progress.seconds(s.durationMillis() / 1000.0),
                Progress.seconds(s.manifestMillis() / 1000.0), s.resourcesPerSecond(), s.downloadMegabytesPerSecond());
        if (!s.errors().bySeverity().isEmpty()) {
            o.println("Error files: " + s.errors().bySeverity());
        }
        if (s.deletedApplied() > 0) {
            o.printf(Locale.ROOT, "%,d earlier resources replaced or deleted in the local copy%n", s.deletedApplied());
        }
        s.warnings().forEach(w -> o.println("Warning: " + w));
    }

    static int exitCode(BulkDataException.Kind kind) {
        return switch (kind) {
            case USAGE -> 2;
            case AUTHORIZATION -> 3;
            case REJECTED -> 4;
            case EXPORT_FAILED -> 5;
            case DOWNLOAD_FAILED -> 6;
            case UNAVAILABLE -> 7;
            case TLS -> 8;
            case INTERRUPTED -> 130;
        };
    }
}
