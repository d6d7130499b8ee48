package org.bulkfhir.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Watches the server process's memory while the exports run: resident set from
 * {@code /proc/PID/status} (VmRSS sampled, VmHWM the kernel's own peak) and Java heap from one
 * long-running {@code jstat -gc}, which reads the JVM's shared performance counters and so
 * costs the server nothing (a {@code jcmd} per sample would start a JVM each time on a
 * 2-core machine). Peaks are kept for the whole run and per window (one export).
 */
public final class ProcessSampler implements AutoCloseable {
    private static final long INTERVAL_MILLIS = 200;

    private final long pid;
    private final Thread thread;
    private final Process jstat;
    private volatile boolean stopped;
    private long peakRss;
    private long windowRss;
    private long peakRssAnon;
    private long windowRssAnon;
    private long peakHeapUsed;
    private long windowHeapUsed;
    private long peakHeapCommitted;
    private long fullGcs;
    private long youngGcs;
    private double gcSeconds;

    /** Peaks of one window, in bytes; -1 when not measurable here. */
    public record Peaks(long rss, long rssAnon, long heapUsed) {
    }

    public ProcessSampler(long pid) {
        this.pid = pid;
        this.jstat = startJstat(pid);
        this.thread = new Thread(this::sampleRss, "bulkfhir-bench-rss");
        thread.setDaemon(true);
        thread.start();
        if (jstat != null) {
            Thread t = new Thread(this::readJstat, "bulkfhir-bench-jstat");
            t.setDaemon(true);
            t.start();
        }
    }

    private static Process startJstat(long pid) {
        Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
        if (!Files.isExecutable(jstat)) {
            return null;
        }
        try {
            // jstat is a JVM of its own: its JIT and GC took 2.5% of a core, and still compiled 20 s
            // after it started; C1 alone and the serial collector halve that.
            return new ProcessBuilder(jstat.toString(), "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-gc",
                    Long.toString(pid), Long.toString(INTERVAL_MILLIS))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return null;
        }
    }

    private void sampleRss() {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        while (!stopped) {
            long rss = statusKb(status, "VmRSS:");
            if (rss < 0) {
                return;
            }
            long anon = statusKb(status, "RssAnon:");
            synchronized (this) {
                peakRssAnon = Math.max(peakRssAnon, anon * 1024);
                windowRssAnon = Math.max(windowRssAnon, anon * 1024);
                peakRss = Math.max(peakRss, rss * 1024);
                windowRss = Math.max(windowRss, rss * 1024);
            }
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void readJstat() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.US_ASCII))) {
            List<String> header = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                List<String> cols = Arrays.asList(line.trim().split("\\s+"));
                if (cols.contains("EU")) {
                    header = cols;
                    continue;
                }
                if (header == null || cols.size() != header.size()) {
                    continue;
                }
                try {
                    double used = col(header, cols, "S0U") + col(header, cols, "S1U") + col(header, cols, "EU")
                            + col(header, cols, "OU");
                    double committed = col(header, cols, "S0C") + col(header, cols, "S1C") + col(header, cols, "EC")
                            + col(header, cols, "OC");
                    synchronized (this) {
                        peakHeapUsed = Math.max(peakHeapUsed, (long) (used * 1024));
                        windowHeapUsed = Math.max(windowHeapUsed, (long) (used * 1024));
                        peakHeapCommitted = Math.max(peakHeapCommitted, (long) (committed * 1024));
                        youngGcs = (long) col(header, cols, "YGC");
                        fullGcs = (long) col(header, cols, "FGC");
                        gcSeconds = col(header, cols, "GCT");
                    }
                } catch (NumberFormatException e) {
                    // A "-" column (the process is going away); the next line will do.
                }
            }
        } catch (IOException e) {
            // jstat ended: the heap figures stop where they are.
        }
    }

    private static double col(List<String> header, List<String> cols, String name) {
        int i = header.indexOf(name);
        return i < 0 ? 0 : Double.parseDouble(cols.get(i));
    }

    static long statusKb(Path status, String key) {
        try {
            for (String l : Files.readAllLines(status)) {
                if (l.startsWith(key)) {
                    return Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** User + system CPU time of the process so far, from {@code /proc/PID/stat}; -1 when unknown. */
    public long cpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // Fields 14 and 15 of stat (utime, stime), counted after the ")" that ends the command name.
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Peaks since the previous call (one export run). */
    public synchronized Peaks window() {
        Peaks p = new Peaks(windowRss > 0 ? windowRss : -1, windowRssAnon, jstat != null ? windowHeapUsed : -1);
        windowRss = 0;
        windowRssAnon = 0;
        windowHeapUsed = 0;
        return p;
    }

    public void report(BenchReport report, String prefix) {
        long hwm = statusKb(Path.of("/proc", Long.toString(pid), "status"), "VmHWM:");
        synchronized (this) {
            if (hwm > 0) {
                report.figure(prefix + ".peakRssMB", hwm / 1024.0, "MB");
            } else if (peakRss > 0) {
                report.figure(prefix + ".peakRssMB", peakRss / 1048576.0, "MB");
            }
            if (peakRssAnon > 0) {
                // RSS counts the database pages SQLite maps from the file; RssAnon is the process's own memory.
                report.figure(prefix + ".peakRssAnonMB", peakRssAnon / 1048576.0, "MB");
            }
            if (jstat != null && peakHeapCommitted > 0) {
                report.figure(prefix + ".peakHeapUsedMB", peakHeapUsed / 1048576.0, "MB");
                report.figure(prefix + ".peakHeapCommittedMB", peakHeapCommitted / 1048576.0, "MB");
                report.figure(prefix + ".youngGCs", youngGcs, "");
                report.figure(prefix + ".fullGCs", fullGcs, "");
                report.figure(prefix + ".gcSeconds", gcSeconds, "s");
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        if (jstat != null) {
            jstat.destroy();
        }
    }
}
