package org.bulkfhir.store.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.bulkfhir.core.json.ResourceTypes;
import org.bulkfhir.core.ndjson.NdjsonReader;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.DeferredIndexes;
import org.bulkfhir.store.Dialect;
import org.bulkfhir.store.InvalidResourceException;
import org.bulkfhir.store.LoadedKeys;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.bundle.BundleOutcome;
import org.bulkfhir.store.bundle.BundleProcessor;
import org.bulkfhir.store.write.ResourcePreparer;
import org.bulkfhir.store.write.Write;
import org.bulkfhir.store.write.WriteResult;

/**
 * Loads NDJSON files (any mix of types), Bundles and single-resource JSON files, or folders of
 * them such as a Synthea output folder.
 *
 * <p>Parsing, validation and index extraction run on a pool of threads; database writes happen
 * in input order, up to {@value #TRANSACTION_WRITES} resources per transaction, on the calling
 * thread or, on PostgreSQL, on a few connections side by side that each take their share of the
 * resources ({@link WriteLanes}). At most a few chunks are prepared ahead and at most two
 * transactions' worth of resources wait, so memory stays bounded whatever the input size. Into
 * an empty store, secondary indexes are built once at the end rather than row by row
 * ({@link DeferredIndexes}). The writers are the limit once preparing is cheap, so they are
 * spared what they need not do: ids the load cannot have written yet are not looked up
 * ({@link LoadedKeys}), and on SQLite a helper thread copies the WAL into the database file
 * ({@link Database#checkpointInBackground()}). An invalid line or entry is
 * reported with its file and line and the rest still loads; a transaction Bundle is stored
 * whole or not at all.
 *
 * <p>Order across files: Group files go last (their members may be in the other files), and
 * Synthea's {@code hospitalInformation}/{@code practitionerInformation} files first.
 */
public final class Loader {
    public static final int MAX_REPORTED_ERRORS = 100;
    private static final int CHUNK_LINES = 1_000;
    /**
     * Resources per write transaction. Fewer, larger commits write each touched page once per
     * transaction rather than once per chunk; 10,000 is where the gain flattens here.
     */
    private static final int TRANSACTION_WRITES = 10_000;
    /** At most this many PostgreSQL connections write a load side by side ({@link WriteLanes}). */
    private static final int MAX_LANES = 4;

    private final ResourceStore store;
    private final ResourcePreparer preparer;
    private final BundleProcessor bundles;
    private final int threads;
    private final LoadListener listener;

    private final Map<String, Long> writtenByType = new TreeMap<>();
    private final List<LoadSummary.LoadError> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final LoadedKeys loadedKeys = new LoadedKeys();
    private WriteLanes lanes;
    private long written;
    private long rejected;
    private long bytesDone;
    private long totalBytes;

    public Loader(ResourceStore store, ResourcePreparer preparer, int threads, LoadListener listener) {
        this.store = store;
        this.preparer = preparer;
        this.bundles = new BundleProcessor(store, preparer);
        this.threads = Math.max(1, threads);
        this.listener = listener;
    }

    public Loader(ResourceStore store) {
        this(store, new ResourcePreparer(), Runtime.getRuntime().availableProcessors(), LoadListener.NONE);
    }

    /** Loads every path (files or folders, searched recursively). */
    public LoadSummary load(List<Path> paths) throws IOException {
        long start = System.nanoTime();
        List<Path> files = inputFiles(paths);
        for (Path f : files) {
            totalBytes += Files.size(f);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bulkfhir-load");
            t.setDaemon(true);
            return t;
        });
        boolean deferred = DeferredIndexes.deferIfEmpty(store.database());
        int laneCount = store.database().dialect() == Dialect.POSTGRESQL ? Math.min(threads, MAX_LANES) : 1;
        try (Database.BackgroundCheckpoints checkpoints = store.database().checkpointInBackground()) {
            // The lanes close (their last transactions end) before the indexes are built.
            try (WriteLanes writeLanes = new WriteLanes(store, loadedKeys, laneCount, TRANSACTION_WRITES, this::committed)) {
                lanes = writeLanes;
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".ndjson") || name.endsWith(".ndjson.gz")) {
                        loadNdjson(file, pool);
                    } else {
                        loadJsonFile(file);
                    }
                }
            } finally {
                pool.shutdownNow();
                if (deferred) {
                    // Also after a failure: what was written stays searchable.
                    listener.buildingIndexes();
                    DeferredIndexes.rebuild(store.database());
                }
                if (written > 0) {
                    store.database().refreshPlannerStatistics();
                }
            }
        }
        return new LoadSummary(writtenByType, written, rejected, List.copyOf(errors), List.copyOf(warnings), totalBytes,
                Duration.ofNanos(System.nanoTime() - start));
    }

    static List<Path> inputFiles(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new IOException("No such file or folder: " + p);
            }
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(Loader::isInput).sorted(LOAD_ORDER).forEach(files::add);
                }
            } else {
                files.add(p);
            }
        }
        return files;
    }

    private static boolean isInput(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".ndjson") || n.endsWith(".ndjson.gz") || n.endsWith(".json") || n.endsWith(".json.gz");
    }

    private static final Comparator<Path> LOAD_ORDER = Comparator.<Path>comparingInt(p -> {
        String n = p.getFileName().toString();
        if (n.startsWith("hospitalInformation") || n.startsWith("practitionerInformation")) {
            return 0;
        }
        return n.startsWith("groupInformation") || n.startsWith("Group.") ? 2 : 1;
    }).thenComparing(Path::toString);

    private static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    // ---------------------------------------------------------------- NDJSON

    private record Line(long number, byte[] json) {
    }

    private record Prepared(List<Write> writes, List<LoadSummary.LoadError> errors, long bytes) {
    }

    /**
     * Reads and submits chunks on a reader thread while this thread writes them in order. With
     * one thread doing both, no chunk was submitted while a transaction committed, so the
     * preparing threads idled for the length of every commit.
     */
    private void loadNdjson(Path file, ExecutorService pool) throws IOException {
        BlockingQueue<Future<Prepared>> ready = new ArrayBlockingQueue<>(threads * 4);
        AtomicReference<Exception> readFailure = new AtomicReference<>();
        long fileBytesBefore = bytesDone;
        Thread reader = new Thread(() -> readChunks(file, pool, ready, readFailure), "bulkfhir-load-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            for (Future<Prepared> f = ready.take(); f != END_OF_FILE; f = ready.take()) {
                writePrepared(f);
            }
            lanes.flush();
            Exception failure = readFailure.get();
            if (failure != null) {
                throw new IOException("Reading " + file.getFileName() + " failed: " + failure.getMessage()
                        + " (the lines before the failure were loaded)", failure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Loading was interrupted", e);
        } finally {
            reader.interrupt();
            ready.forEach(f -> f.cancel(true));
        }
        // Compressed files advance progress by their size on disk, not by decompressed bytes.
        bytesDone = fileBytesBefore + Files.size(file);
        listener.progress(written, rejected, bytesDone, totalBytes);
    }

    /** Marks the end of a file in the queue of prepared chunks. */
    private static final Future<Prepared> END_OF_FILE = CompletableFuture.completedFuture(null);

    private void readChunks(Path file, ExecutorService pool, BlockingQueue<Future<Prepared>> ready,
            AtomicReference<Exception> failure) {
        try (NdjsonReader reader = new NdjsonReader(open(file))) {
            List<Line> chunk = new ArrayList<>(CHUNK_LINES);
            long chunkBytesStart = 0;
            for (byte[] line = reader.next(); line != null; line = reader.next()) {
                chunk.add(new Line(reader.lineNumber(), line));
                if (chunk.size() == CHUNK_LINES) {
                    List<Line> lines = chunk;
                    long bytes = reader.bytesRead() - chunkBytesStart;
                    chunkBytesStart = reader.bytesRead();
                    ready.put(pool.submit(() -> prepare(file, lines, bytes)));
                    chunk = new ArrayList<>(CHUNK_LINES);
                }
            }
            if (!chunk.isEmpty()) {
                List<Line> lines = chunk;
                long bytes = reader.bytesRead() - chunkBytesStart;
                ready.put(pool.submit(() -> prepare(file, lines, bytes)));
            }
        } catch (InterruptedException e) {
            return; // the writer gave up; it no longer reads the queue
        } catch (IOException | RuntimeException e) {
            failure.set(e);
        }
        try {
            ready.put(END_OF_FILE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Prepared prepare(Path file, List<Line> lines, long bytes) {
        List<Write> writes = new ArrayList<>(lines.size());
        List<LoadSummary.LoadError> lineErrors = new ArrayList<>();
        for (Line line : lines) {
            try {
                writes.add(preparer.prepareUpsert(null, null, line.json()));
            } catch (InvalidResourceException e) {
                lineErrors.add(new LoadSummary.LoadError(file.getFileName() + ":" + line.number(), e.getMessage()));
            }
        }
        return new Prepared(writes, lineErrors, bytes);
    }

    private void writePrepared(Future<Prepared> future) throws IOException {
        Prepared prepared;
        try {
            prepared = future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Loading was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
        prepared.errors().forEach(this::reject);
        // Progress counts a chunk's bytes once it is handed over, its resources once committed.
        bytesDone += prepared.bytes();
        lanes.add(prepared.writes());
    }

    private void committed(List<WriteResult> results) {
        record(results);
        listener.progress(written, rejected, Math.min(bytesDone, totalBytes), totalBytes);
    }

    // ---------------------------------------------------------------- JSON files

    private void loadJsonFile(Path file) throws IOException {
        try {
            loadWholeJsonFile(file);
        } catch (OutOfMemoryError e) {
            // Everything the file took is garbage again once this frame is left, so the message gets out.
            long heapMb = Runtime.getRuntime().maxMemory() >> 20;
            throw new IOException(file.getFileName() + " does not fit in this JVM's heap (" + heapMb + " MB): a Bundle "
                    + "is read whole, and needs about 20 times its size. Give the JVM more (e.g. JAVA_OPTS=-Xmx"
                    + Math.max(2, 2 * ((heapMb >> 10) + 1)) + "g) or split the Bundle into NDJSON files; the files "
                    + "before it were loaded");
        }
    }

    private void loadWholeJsonFile(Path file) throws IOException {
        byte[] json;
        try (InputStream in = open(file)) {
            json = in.readAllBytes();
        }
        String name = file.getFileName().toString();
        try {
            BundleOutcome outcome = isBundle(json) ? bundles.process(json) : bundles.storeResource(json);
            for (BundleOutcome.EntryOutcome e : outcome.entries()) {
                if (e.error() != null) {
                    reject(new LoadSummary.LoadError(name, e.error()));
                }
            }
            record(outcome.entries().stream().filter(e -> e.result() != null).map(BundleOutcome.EntryOutcome::result)
                    .toList());
            outcome.warnings().forEach(w -> warnings.add(name + ": " + w));
        } catch (InvalidResourceException e) {
            reject(new LoadSummary.LoadError(name, e.getMessage()));
        }
        bytesDone += Files.size(file);
        listener.progress(written, rejected, Math.min(bytesDone, totalBytes), totalBytes);
    }

    private static boolean isBundle(byte[] json) {
        return "Bundle".equals(ResourceTypes.of(json));
    }

    // ---------------------------------------------------------------- bookkeeping

    private void record(List<WriteResult> results) {
        for (WriteResult r : results) {
            if (r.outcome() == WriteResult.Outcome.CREATED || r.outcome() == WriteResult.Outcome.UPDATED) {
                writtenByType.merge(r.type(), 1L, Long::sum);
                written++;
            }
        }
    }

    private void reject(LoadSummary.LoadError error) {
        rejected++;
        if (errors.size() < MAX_REPORTED_ERRORS) {
            errors.add(error);
        }
    }
}
