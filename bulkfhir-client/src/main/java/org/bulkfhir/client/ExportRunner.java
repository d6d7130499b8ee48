package org.bulkfhir.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.bulkfhir.client.BulkDataException.Kind;
import org.bulkfhir.client.download.FileDownloader;
import org.bulkfhir.client.export.ExportListener;
import org.bulkfhir.client.export.ExportListener.Phase;
import org.bulkfhir.client.export.KickOff;
import org.bulkfhir.client.export.StatusPoller;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.http.Pacing;
import org.bulkfhir.client.manifest.Manifest;
import org.bulkfhir.client.manifest.ManifestFile;
import org.bulkfhir.client.output.ErrorFiles;
import org.bulkfhir.client.output.ExportState;
import org.bulkfhir.client.output.ExportSummary;
import org.bulkfhir.client.output.FilterCounts;
import org.bulkfhir.client.output.IgnoredParameters;
import org.bulkfhir.client.output.LocalCopy;
import org.bulkfhir.client.output.LocalTypeFilter;
import org.bulkfhir.client.output.OrganizedOutput;
import org.bulkfhir.client.output.OutputLayout;
import org.bulkfhir.client.output.ParameterReport;
import org.bulkfhir.core.fhir.FhirInstant;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.core.search.LocalMatcher;
import org.bulkfhir.core.search.TypeFilterSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one export end to end: kick-off (or resume), polling, parallel verified downloads that
 * start as soon as a manifest page lists files, the local re-check of {@code _typeFilter} on
 * each verified file (C-18), then error-file reading, the incremental update of the local copy,
 * {@code manifest.json} and {@code summary.json}. The state needed to resume is saved before
 * the first file is requested, so an interruption at any point can be continued.
 */
public final class ExportRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ExportRunner.class);
    private static final long SAVE_INTERVAL_MILLIS = 1000;

    private final ExportJob job;
    private final Http http;
    private final Pacing pacing;
    private final ExportListener listener;
    private final Path out;
    private ExportState state;
    private OutputLayout layout;
    private ExecutorService pool;
    /** The state's first save, right after the kick-off, while polling begins. */
    private volatile Future<?> kickOffSaved;
    private final List<Future<?>> downloads = new ArrayList<>();
    private final Set<String> submitted = new HashSet<>();
    private final AtomicInteger done = new AtomicInteger();
    private final Set<String> typesWarned = ConcurrentHashMap.newKeySet();
    private LocalTypeFilter localFilter;
    private boolean localFilterBuilt;
    private volatile Thread runner;
    private volatile boolean stopped;
    private long lastSave;
    private boolean createdDir;
    private boolean downloadingSignalled;

    public ExportRunner(ExportJob job, Http http, Pacing pacing, ExportListener listener) {
        this.job = job;
        this.http = http;
        this.pacing = pacing;
        this.listener = listener;
        this.out = job.out;
    }

    /** The job's status URL once known (for a cancel after Ctrl-C), else null. */
    public URI statusUrl() {
        ExportState s = state;
        return s == null || s.statusUrl == null ? null : URI.create(s.statusUrl);
    }

    /** Stops the export from another thread; {@link #run} then throws an INTERRUPTED exception with the state saved. */
    public void stop() {
        stopped = true;
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
        ExecutorService p = pool;
        if (p != null) {
            p.shutdownNow();
        }
    }

    /** Cancels the server job (DELETE) and forgets the local state: the export cannot be resumed afterwards. */
    public boolean cancelOnServer() throws IOException {
        URI status = statusUrl();
        boolean deleted = status != null && new StatusPoller(http, pacing, listener).delete(status);
        ExportState.delete(out);
        return deleted;
    }

    public ExportSummary run() throws IOException {
        runner = Thread.currentThread();
        long started = System.nanoTime();
        try {
            prepare();
            pool = Executors.newFixedThreadPool(Math.max(1, job.parallel), r -> {
                Thread t = new Thread(r, "bulkfhir-download");
                t.setDaemon(true);
                return t;
            });
            URI statusUrl;
            if (state.statusUrl == null) {
                listener.phase(Phase.KICK_OFF);
                KickOff.Accepted accepted;
                try {
                    accepted = new KickOff(http, pacing).typeFilterCheckedLocally(!state.localTypeFilters.isEmpty())
                            .start(job.server, job.level, job.params);
                } catch (BulkDataException e) {
                    removeCreatedDir();
                    throw e;
                }
                state.droppedParameters = new ArrayList<>(accepted.dropped());
                Set<String> dropped = new HashSet<>();
                accepted.dropped().forEach(d -> dropped.add(d.name()));
                state.sentParameters = new ArrayList<>(job.params.sentNames());
                state.sentParameters.removeAll(dropped);
                state.statusUrl = accepted.statusUrl().toString();
                state.separateStatus = accepted.separateStatus();
                state.kickedOffAt = Instant.now().toString();
                // Saved beside the first poll rather than before it: in a fresh JVM the first save
                // (Jackson's serializers for the state) took 0.3 s, all of it added to the wait for a
                // short export's manifest. The save after polling waits for this one.
                Future<?> saving = pool.submit(() -> {
                    save(true);
                    return null;
                });
                kickOffSaved = saving;
            }
            statusUrl = URI.create(state.statusUrl);
            listener.accepted(statusUrl);
            listener.phase(Phase.POLLING);
            poll(statusUrl);
            long manifestMillis = (System.nanoTime() - started) / 1_000_000;
            synchronized (state) {
                state.manifestComplete = true;
            }
            awaitKickOffSaved();
            save(true);
            awaitDownloads();
            return finish(statusUrl, started, manifestMillis);
        } catch (InterruptedException e) {
            throw interrupted();
        } catch (BulkDataException e) {
            if (e.kind() == Kind.INTERRUPTED || stopped) {
                throw interrupted();
            }
            if (e.kind() == Kind.EXPORT_FAILED && !job.resume) {
                discard();
            }
            throw e;
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            runner = null;
        }
    }

    private void awaitKickOffSaved() throws IOException, InterruptedException {
        Future<?> saving = kickOffSaved;
        if (saving == null) {
            return;
        }
        kickOffSaved = null;
        try {
            saving.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private BulkDataException interrupted() {
        if (pool != null) {
            pool.shutdownNow();
        }
        Thread.interrupted();
        try {
            if (state != null && state.statusUrl != null) {
                save(true);
            }
        } catch (IOException e) {
            LOG.warn("Could not save the export state: {}", e.toString());
        }
        return new BulkDataException(Kind.INTERRUPTED, "the export was stopped; its state is saved in " + out
                + ": run the same command with --resume to continue it");
    }

    /** The job failed on the server: nothing of this run can be completed, so none of it is left behind. */
    private void discard() {
        // A state saved after the files are removed would make the folder look resumable.
        try {
            awaitKickOffSaved();
        } catch (IOException | java.util.concurrent.CancellationException ignored) {
            // Nothing was saved; nothing to remove either.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pool != null) {
            pool.shutdownNow();
        }
        try {
            if (state != null) {
                for (ExportState.FileEntry f : state.files) {
                    Files.deleteIfExists(out.resolve(f.name));
                    Files.deleteIfExists(FileDownloader.partOf(out.resolve(f.name)));
                    Files.deleteIfExists(LocalTypeFilter.tmpOf(out.resolve(f.name)));
                }
            }
            ExportState.delete(out);
        } catch (IOException e) {
            LOG.warn("Could not remove the files of the failed export: {}", e.toString());
        }
        removeCreatedDir();
    }

    private void prepare() throws IOException {
        ExportState existing = Files.isDirectory(out) ? ExportState.load(out) : null;
        if (job.resume) {
            if (existing == null || existing.statusUrl == null) {
                throw new BulkDataException(Kind.USAGE, "there is no unfinished export in " + out + " to resume");
            }
            state = existing;
            layout = OutputLayout.scan(out);
            state.files.forEach(f -> layout.reserve(f.name));
            return;
        }
        if (existing != null) {
            throw new BulkDataException(Kind.USAGE, out + " holds an unfinished export: continue it with --resume,"
                    + " or choose another --out");
        }
        Path previousManifest = out.resolve("manifest.json");
        boolean hasPrevious = Files.exists(previousManifest);
        if (job.sinceAuto) {
            if (!hasPrevious) {
                throw new BulkDataException(Kind.USAGE, "--since auto needs a previous export in " + out
                        + " (its manifest.json); run a full export there first");
            }
            JsonNode previous = Json.MAPPER.readTree(previousManifest.toFile());
            job.params.since = previous.path("transactionTime").asText(null);
        }
        try {
            job.params.validate(job.level);
        } catch (IllegalArgumentException e) {
            throw new BulkDataException(Kind.USAGE, e.getMessage());
        }
        if (hasPrevious && job.params.since == null) {
            throw new BulkDataException(Kind.USAGE, out + " already holds an export: update it with --since auto,"
                    + " or choose another --out");
        }
        if (!hasPrevious && Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.anyMatch(p -> p.getFileName().toString().endsWith(".ndjson"))) {
                    throw new BulkDataException(Kind.USAGE, out + " already holds NDJSON files; choose an empty --out");
                }
            }
        }
        createdDir = !Files.exists(out);
        Files.createDirectories(out);
        state = new ExportState();
        state.server = job.server.toString();
        state.level = job.level.toString();
        state.incremental = hasPrevious;
        state.since = job.params.since;
        if (job.localFilter) {
            state.localTypeFilters = new ArrayList<>(job.params.typeFilters);
        }
        layout = OutputLayout.scan(out);
    }

    /**
     * The local {@code _typeFilter} check (C-18), built once the transactionTime is known (the
     * instant {@code ap} is measured from, as on the server); null when there is nothing to check.
     */
    private synchronized LocalTypeFilter localFilter() {
        if (!localFilterBuilt) {
            localFilterBuilt = true;
            if (!state.localTypeFilters.isEmpty()) {
                long now = state.transactionTime != null && FhirInstant.isValid(state.transactionTime)
                        ? FhirInstant.parse(state.transactionTime) : System.currentTimeMillis();
                TypeFilterSet filters = TypeFilterSet.parse(state.localTypeFilters, now);
                filters.unverifiable().forEach((type, why) -> LOG.warn("C-18: _typeFilter for {} cannot be verified"
                        + " locally ({}); {} resources are kept as the server sends them", type, why, type));
                localFilter = new LocalTypeFilter(new LocalMatcher(filters));
            }
        }
        return localFilter;
    }

    private void removeCreatedDir() {
        if (createdDir) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isEmpty()) {
                    Files.deleteIfExists(out);
                }
            } catch (IOException ignored) {
                // Nothing of ours is in it either way.
            }
        }
    }

    private void poll(URI statusUrl) throws IOException, InterruptedException {
        StatusPoller poller = new StatusPoller(http, pacing, listener);
        try {
            poller.await(statusUrl, (page, from, complete) -> register(page, from));
        } catch (BulkDataException e) {
            if (e.kind() == Kind.EXPORT_FAILED && job.resume && state.manifestComplete && !state.pages.isEmpty()) {
                // The job is gone on the server, but we have its manifest: its links may still work.
                listener.warning("The server no longer knows the job (" + e.getMessage() + "); using the saved manifest");
                for (ExportState.PageEntry p : new ArrayList<>(state.pages)) {
                    URI from = URI.create(p.url);
                    register(Manifest.parse(Json.MAPPER.writeValueAsBytes(p.manifest), from), from);
                }
                return;
            }
            throw e;
        }
    }

    /** A manifest page arrived: give each new file its local name and start downloading it. */
    private void register(Manifest page, URI from) {
        List<Runnable> toStart = new ArrayList<>();
        synchronized (state) {
            int pageIndex = -1;
            for (int i = 0; i < state.pages.size(); i++) {
                if (state.pages.get(i).url.equals(from.toString())) {
                    pageIndex = i;
                }
            }
            if (pageIndex < 0) {
                ExportState.PageEntry p = new ExportState.PageEntry();
                p.url = from.toString();
                state.pages.add(p);
                pageIndex = state.pages.size() - 1;
            }
            state.pages.get(pageIndex).manifest = page.raw();
            if (state.transactionTime == null) {
                state.transactionTime = page.transactionTime();
            }
            Map<ManifestFile.Section, Integer> position = new HashMap<>();
            for (ManifestFile f : page.files()) {
                int pos = position.merge(f.section(), 1, Integer::sum) - 1;
                String key = pageIndex + "/" + f.section().json + "/" + pos;
                ExportState.FileEntry entry = find(f.url().toString(), key);
                if (entry == null) {
                    entry = new ExportState.FileEntry();
                    entry.key = key;
                    entry.section = f.section().json;
                    entry.type = f.type();
                    entry.name = layout.assign(f);
                    state.files.add(entry);
                }
                entry.url = f.url().toString();
                entry.requiresAccessToken = page.requiresAccessToken();
                if (entry.done && !Files.exists(out.resolve(entry.name))) {
                    entry.done = false;
                }
                if (!entry.done && submitted.add(entry.name)) {
                    ExportState.FileEntry e = entry;
                    toStart.add(() -> download(e, f, from));
                } else if (entry.done && submitted.add(entry.name)) {
                    done.incrementAndGet();
                }
            }
            listener.filesKnown(state.files.size());
        }
        try {
            save(true);
        } catch (IOException e) {
            throw new BulkDataException(Kind.DOWNLOAD_FAILED, "cannot write the export state in " + out + ": " + e, e);
        }
        if (!toStart.isEmpty() && !downloadingSignalled) {
            downloadingSignalled = true;
            listener.phase(Phase.DOWNLOADING);
        }
        for (Runnable r : toStart) {
            downloads.add(pool.submit(r));
        }
    }

    private ExportState.FileEntry find(String url, String key) {
        for (ExportState.FileEntry e : state.files) {
            if (e.url != null && e.url.equals(url)) {
                return e;
            }
        }
        for (ExportState.FileEntry e : state.files) {
            if (e.key.equals(key)) {
                return e;
            }
        }
        return null;
    }

    private void download(ExportState.FileEntry entry, ManifestFile file, URI pageUrl) {
        FileDownloader downloader = new FileDownloader(http, pacing, listener, job.acceptGzip);
        boolean output = file.section() == ManifestFile.Section.OUTPUT;
        LocalTypeFilter filter = output ? localFilter() : null;
        LocalTypeFilter.Outcome[] filtered = new LocalTypeFilter.Outcome[1];
        FileDownloader.Placement placement = FileDownloader::moveIntoPlace;
        if (filter != null && filter.needsPass(entry.type)) {
            placement = (verified, dest) -> filtered[0] = filter.apply(verified, dest);
        }
        try {
            // A file finished before a crash is kept when it still matches the manifest; one that
            // needs the local _typeFilter pass is fetched again, so its counts are reported.
            boolean needsFilter = filter != null && filter.needsPass(entry.type);
            FileDownloader.Result r = job.resume && !needsFilter ? FileDownloader.adopt(file, out.resolve(entry.name)) : null;
            if (r != null) {
                LOG.info("{} was finished and verified before the interruption; keeping it", entry.name);
            } else {
                r = downloader.download(file, entry.requiresAccessToken, out.resolve(entry.name),
                        f -> refresh(pageUrl, entry), placement);
            }
            Map<String, FilterCounts> counts = null;
            if (filtered[0] != null) {
                counts = filtered[0].byType();
            } else if (filter != null && entry.type != null && filter.matcher().cannotCheck(entry.type)) {
                FilterCounts c = new FilterCounts();
                c.received = r.lines();
                c.unchecked = r.lines();
                counts = Map.of(entry.type, c);
            }
            synchronized (state) {
                // Done only now, after the local check: a resumed run never takes an unchecked file for a finished one.
                entry.done = true;
                entry.lines = r.lines();
                entry.bytes = r.bytes();
                entry.crc32c = r.crc32c();
                entry.sha256 = r.sha256();
                entry.partialBytes = 0;
                entry.localFilter = counts;
                entry.localBytes = filtered[0] != null ? filtered[0].bytes() : r.bytes();
            }
            if (counts != null) {
                warnOnce(counts);
            }
            done.incrementAndGet();
            listener.fileDone(entry.name, r.lines() - entry.removedLocally(), entry.bytesOnDisk());
            save(false);
        } catch (IOException e) {
            throw new BulkDataException(Kind.DOWNLOAD_FAILED, "writing " + out.resolve(entry.name) + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BulkDataException(Kind.INTERRUPTED, "interrupted");
        }
    }

    /** The first file of a type with resources the server should not have sent: say so once per type. */
    private void warnOnce(Map<String, FilterCounts> counts) {
        counts.forEach((type, c) -> {
            if (c.removed > 0 && typesWarned.add(type)) {
                LOG.warn("C-18: the server sent {} resources that do not match _typeFilter (it ignored the filter);"
                        + " they are removed locally, counts in the summary", type);
            }
        });
    }

    /** Re-reads the manifest page a file came from and returns the file's current URL (C-34). */
    private URI refresh(URI pageUrl, ExportState.FileEntry entry) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(Http.Call.get(pageUrl).header("Accept", "application/json"),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 && r.statusCode() != 202) {
            return null;
        }
        Manifest page;
        try {
            page = Manifest.parse(r.body(), pageUrl);
        } catch (BulkDataException e) {
            return null;
        }
        String[] key = entry.key.split("/");
        List<ManifestFile> same = page.files().stream().filter(f -> f.section().json.equals(key[1])).toList();
        int pos = Integer.parseInt(key[2]);
        if (pos >= same.size()) {
            return null;
        }
        URI fresh = same.get(pos).url();
        synchronized (state) {
            entry.url = fresh.toString();
        }
        return fresh;
    }

    private void awaitDownloads() throws InterruptedException, IOException {
        List<String> failures = new ArrayList<>();
        Kind kind = Kind.DOWNLOAD_FAILED;
        for (Future<?> f : downloads) {
            try {
                f.get();
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof BulkDataException b && b.kind() == Kind.INTERRUPTED) {
                    throw new InterruptedException();
                }
                if (c instanceof BulkDataException b && (b.kind() == Kind.AUTHORIZATION || b.kind() == Kind.TLS)) {
                    kind = b.kind();
                }
                failures.add(c.getMessage() == null ? c.toString() : c.getMessage());
            }
        }
        save(true);
        if (!failures.isEmpty()) {
            throw new BulkDataException(kind, failures.get(0) + (failures.size() > 1 ? " (and " + (failures.size() - 1)
                    + " more files failed)" : "") + "; the verified files are kept: run the same command with --resume"
                    + " to retry the rest");
        }
    }

    private ExportSummary finish(URI statusUrl, long started, long manifestMillis) throws IOException {
        listener.phase(Phase.VERIFYING);
        List<String> outputNames = new ArrayList<>();
        List<String> typedNames = new ArrayList<>();
        List<String> organizedNames = new ArrayList<>();
        List<String> errorNames = new ArrayList<>();
        List<String> deletedNames = new ArrayList<>();
        Map<String, long[]> perType = new TreeMap<>();
        Map<String, FilterCounts> filterCounts = new TreeMap<>();
        long bytes = 0;
        for (ExportState.FileEntry f : state.files) {
            switch (f.section) {
                case "output" -> {
                    outputNames.add(f.name);
                    bytes += f.bytesOnDisk();
                    if (f.localFilter != null) {
                        f.localFilter.forEach((t, c) -> filterCounts.computeIfAbsent(t, k -> new FilterCounts()).add(c));
                    }
                    String type = OutputLayout.typeOf(f.name);
                    if (type == null) {
                        organizedNames.add(f.name);
                    } else {
                        typedNames.add(f.name);
                        long[] s = perType.computeIfAbsent(type, k -> new long[3]);
                        s[0]++;
                        s[1] += f.lines - f.removedLocally();
                        s[2] += f.bytesOnDisk();
                    }
                }
                case "error" -> errorNames.add(f.name);
                default -> deletedNames.add(f.name);
            }
        }
        if (!organizedNames.isEmpty()) {
            OrganizedOutput.countByType(out, organizedNames).forEach((type, n) -> {
                long[] s = perType.computeIfAbsent(type, k -> new long[3]);
                s[1] += n;
            });
        }
        ErrorFiles.Report errors = ErrorFiles.read(out, errorNames);
        Map<String, String> ignored = IgnoredParameters.find(out, errorNames, state.sentParameters);
        List<String> warnings = new ArrayList<>();
        if (errors.errors() > 0) {
            warnings.add("the server reported " + errors.errors() + " error issue(s) in its error files; see summary.json");
        }
        LocalTypeFilter filter = localFilter();
        warnings.addAll(ParameterReport.warnings(filterCounts,
                filter == null ? Map.of() : filter.matcher().filters().unverifiable(), state.droppedParameters, ignored,
                filter != null));
        long removed = 0;
        if (state.incremental) {
            listener.phase(Phase.APPLYING);
            removed = LocalCopy.apply(out, typedNames, deletedNames);
        }
        writeAtomically(out.resolve("manifest.json"), mergedManifest());
        Map<String, ExportSummary.TypeStats> types = new LinkedHashMap<>();
        long resources = 0;
        for (var e : perType.entrySet()) {
            types.put(e.getKey(), new ExportSummary.TypeStats(e.getValue()[0], e.getValue()[1], e.getValue()[2]));
            resources += e.getValue()[1];
        }
        ExportSummary summary = new ExportSummary(state.transactionTime, types, outputNames.size(), bytes, resources,
                (System.nanoTime() - started) / 1_000_000, manifestMillis, errors, removed, warnings, filterCounts,
                state.droppedParameters, ignored);
        writeAtomically(out.resolve("summary.json"), summary.toJson());
        ExportState.delete(out);
        if (job.cleanup) {
            new StatusPoller(http, pacing, listener).delete(statusUrl);
        }
        listener.phase(Phase.DONE);
        return summary;
    }

    /** All pages as one manifest, the first page's fields kept, the file lists joined, the paging link dropped. */
    private byte[] mergedManifest() throws IOException {
        if (state.pages.size() == 1) {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(state.pages.get(0).manifest);
        }
        ObjectNode merged = ((ObjectNode) state.pages.get(0).manifest).deepCopy();
        merged.remove("link");
        for (String section : List.of("output", "error", "outcome", "deleted")) {
            ArrayNode all = Json.MAPPER.createArrayNode();
            boolean any = false;
            for (ExportState.PageEntry p : state.pages) {
                JsonNode a = p.manifest.get(section);
                if (a != null && a.isArray()) {
                    any = true;
                    for (JsonNode item : a) {
                        if (!containsUrl(all, item)) {
                            all.add(item);
                        }
                    }
                }
            }
            if (any) {
                merged.set(section, all);
            }
        }
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(merged);
    }

    private static boolean containsUrl(ArrayNode all, JsonNode item) {
        for (JsonNode n : all) {
            if (n.path("url").equals(item.path("url"))) {
                return true;
            }
        }
        return false;
    }

    private void save(boolean force) throws IOException {
        long now = System.currentTimeMillis();
        synchronized (state) {
            if (!force && now - lastSave < SAVE_INTERVAL_MILLIS) {
                return;
            }
            lastSave = now;
            for (ExportState.FileEntry f : state.files) {
                if (!f.done) {
                    f.partialBytes = FileDownloader.sizeOrZero(FileDownloader.partOf(out.resolve(f.name)));
                }
            }
            state.save(out);
        }
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
