package org.bulkfhir.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.load.LoadSummary;
import org.bulkfhir.store.load.LoadListener;
import org.bulkfhir.store.load.Loader;
import org.bulkfhir.store.write.ResourcePreparer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Loads NDJSON files, Bundles or folders of them (e.g. Synthea output).",
                "Bundles may be transaction, batch, collection or searchset. Invalid lines or entries are reported "
                        + "with file and line; the rest still loads. Exit code 0 when everything loaded, 1 when some "
                        + "input was rejected."})
final class LoadCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--threads", paramLabel = "N", description = "Parsing/indexing threads (default: CPU cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-q", "--quiet"}, description = "Print only the summary line.")
    boolean quiet;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files (.ndjson, .json, optionally .gz) or folders.")
    List<Path> paths;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        try (ResourceStore resourceStore = JdbcResourceStore.open(store.jdbcUrl())) {
            LoadSummary summary = load(resourceStore, paths, threads, quiet, out);
            return summary.rejected() == 0 ? 0 : 1;
        }
    }

    /** Loads with a progress display and prints the summary; shared with {@code server --load}. */
    static LoadSummary load(ResourceStore store, List<Path> paths, int threads, boolean quiet, PrintStream out)
            throws Exception {
        Progress progress = new Progress(out, "loading", quiet);
        long start = System.nanoTime();
        Loader loader = new Loader(store, new ResourcePreparer(), threads, new LoadListener() {
            private long lastWritten;

            @Override
            public void progress(long written, long rejected, long bytesRead, long totalBytes) {
                lastWritten = written;
                double seconds = (System.nanoTime() - start) / 1e9;
                progress.update(bytesRead, totalBytes, String.format(Locale.ROOT, "%,d resources (%,.0f/s)%s", written,
                        seconds > 0 ? written / seconds : 0, rejected > 0 ? ", " + rejected + " rejected" : ""));
            }

            @Override
            public void buildingIndexes() {
                progress.phase(1, 1, String.format(Locale.ROOT, "%,d resources written; building search indexes", lastWritten));
            }
        });
        LoadSummary summary = loader.load(paths);
        progress.finish();
        print(summary, quiet, out);
        return summary;
    }

    static void print(LoadSummary s, boolean quiet, PrintStream out) {
        if (!quiet) {
            for (Map.Entry<String, Long> e : s.writtenByType().entrySet()) {
                out.printf(Locale.ROOT, "  %-28s %,10d%n", e.getKey(), e.getValue());
            }
            for (LoadSummary.LoadError error : s.errors()) {
                out.println("  rejected " + error);
            }
            if (s.rejected() > s.errors().size()) {
                out.printf(Locale.ROOT, "  … and %,d more rejected%n", s.rejected() - s.errors().size());
            }
            for (String w : s.warnings().subList(0, Math.min(20, s.warnings().size()))) {
                out.println("  warning " + w);
            }
            if (s.warnings().size() > 20) {
                out.printf(Locale.ROOT, "  … and %,d more warnings%n", s.warnings().size() - 20);
            }
        }
        out.printf(Locale.ROOT, "Loaded %,d resources of %d types in %.1f s (%,.0f resources/s), %,d rejected%n",
                s.written(), s.writtenByType().size(), s.elapsed().toNanos() / 1e9, s.resourcesPerSecond(), s.rejected());
    }
}
