package org.bulkfhir.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bulkfhir.client.ExportJob;
import org.bulkfhir.client.ExportRunner;
import org.bulkfhir.client.export.ExportLevel;
import org.bulkfhir.client.export.ExportListener;
import org.bulkfhir.client.export.ExportParameters;
import org.bulkfhir.client.export.KickOff;
import org.bulkfhir.client.export.StatusPoller;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.http.Pacing;
import org.bulkfhir.client.manifest.Manifest;
import org.bulkfhir.client.manifest.ManifestFile;
import org.bulkfhir.client.output.ExportSummary;

/**
 * One export through the real client library ({@link ExportRunner}: kick-off, polling, parallel
 * verified downloads), timed from the outside. The server job is kept (not DELETEd) so the
 * bench can still read its timings and fetch a file for the HTTP ceiling; {@link #release}
 * deletes it.
 */
public final class ExportRun {
    /** What to ask for. */
    public record Spec(String name, ExportLevel level, List<String> types, List<String> typeFilters,
                       boolean allowPartialManifests) {
    }

    /**
     * What one run measured. Times are seconds from the kick-off request.
     *
     * @param firstFileSeconds when a manifest (partial or complete) first listed a file
     * @param manifestSeconds when the complete manifest arrived (polling granularity included)
     * @param totalSeconds when the last file was downloaded and verified
     * @param resources sum of the manifest's {@code count}
     * @param bytes sum of the manifest's file sizes (or of the downloaded bytes when it gives none)
     * @param biggest the largest output file listed, for the HTTP ceiling
     * @param clientPeakHeap peak heap of this JVM (the client) during the run
     */
    public record Result(Spec spec, URI statusUrl, double firstFileSeconds, double manifestSeconds, double totalSeconds,
                         long resources, long bytes, int files, ManifestFile biggest, long clientPeakHeap,
                         ExportSummary summary) {
        public String jobId() {
            return jobIdOf(statusUrl);
        }

        /** Download rate once the manifest was complete: what {@code --parallel} buys. */
        public double downloadMBps() {
            double s = totalSeconds - manifestSeconds;
            return s <= 0 ? 0 : bytes / 1e6 / s;
        }

        /** Kick-off to last verified file: what a user of the client sees. */
        public double endToEndMBps() {
            return totalSeconds <= 0 ? 0 : bytes / 1e6 / totalSeconds;
        }
    }

    private final Http http;
    private final URI server;
    private final int parallel;
    private final boolean gzip;

    public ExportRun(Http http, URI server, int parallel, boolean gzip) {
        this.http = http;
        this.server = server;
        this.parallel = parallel;
        this.gzip = gzip;
    }

    public Result run(Spec spec, Path out) throws IOException {
        ExportJob job = new ExportJob();
        job.server = server;
        job.level = spec.level();
        ask(job.params, spec);
        job.out = out;
        job.parallel = parallel;
        job.cleanup = false;
        job.acceptGzip = gzip;
        URI[] status = new URI[1];
        AtomicLong firstFile = new AtomicLong();
        ExportListener timing = new ExportListener() {
            @Override
            public void accepted(URI statusUrl) {
                status[0] = statusUrl;
            }

            @Override
            public void filesKnown(int total) {
                if (total > 0) {
                    firstFile.compareAndSet(0, System.nanoTime());
                }
            }
        };
        resetHeapPeaks();
        long t0 = System.nanoTime();
        ExportSummary summary = new ExportRunner(job, http, Pacing.defaults(), timing).run();
        long end = System.nanoTime();
        Manifest manifest = Manifest.parse(Files.readAllBytes(out.resolve("manifest.json")), status[0]);
        long resources = 0;
        long bytes = 0;
        int files = 0;
        boolean sizes = true;
        ManifestFile biggest = null;
        for (ManifestFile f : manifest.files()) {
            if (f.section() != ManifestFile.Section.OUTPUT) {
                continue;
            }
            files++;
            resources += f.count() == null ? 0 : f.count();
            sizes &= f.size() != null;
            bytes += f.size() == null ? 0 : f.size();
            if (f.size() != null && (biggest == null || f.size() > biggest.size())) {
                biggest = f;
            }
        }
        if (!sizes) {
            bytes = summary.bytes();
        }
        if (resources == 0) {
            resources = summary.resources();
        }
        double first = firstFile.get() == 0 ? summary.manifestMillis() / 1000.0 : (firstFile.get() - t0) / 1e9;
        return new Result(spec, status[0], first, summary.manifestMillis() / 1000.0, (end - t0) / 1e9, resources, bytes,
                files, biggest, heapPeak(), summary);
    }

    /**
     * Runs {@code spec} on the server without downloading anything: kick-off, poll until the
     * manifest is complete, then release the files. Returns the job's id, for its server times.
     */
    public String runWithoutDownload(Spec spec) throws IOException, InterruptedException {
        ExportParameters params = new ExportParameters();
        ask(params, spec);
        URI statusUrl = new KickOff(http, Pacing.defaults()).start(server, spec.level(), params).statusUrl();
        StatusPoller poller = new StatusPoller(http, Pacing.defaults(), ExportListener.NONE);
        poller.await(statusUrl, (page, from, complete) -> {
        });
        poller.delete(statusUrl);
        return jobIdOf(statusUrl);
    }

    /** The kick-off parameters {@code spec} asks for. */
    private static void ask(ExportParameters params, Spec spec) {
        params.types.addAll(spec.types());
        params.typeFilters.addAll(spec.typeFilters());
        params.allowPartialManifests = spec.allowPartialManifests();
    }

    /** The job id: the last segment of its status URL. */
    private static String jobIdOf(URI statusUrl) {
        String p = statusUrl.getPath();
        return p.substring(p.lastIndexOf('/') + 1);
    }

    /** Tells the server the files are no longer needed (the client would have done so itself). */
    public void release(Result r) {
        new StatusPoller(http, Pacing.defaults(), ExportListener.NONE).delete(r.statusUrl());
    }

    private static void resetHeapPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peaks: an upper bound of the peak heap, fine for "does it stay flat". */
    private static long heapPeak() {
        List<Long> peaks = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peaks.add(pool.getPeakUsage().getUsed());
            }
        }
        return peaks.stream().mapToLong(Long::longValue).sum();
    }
}
