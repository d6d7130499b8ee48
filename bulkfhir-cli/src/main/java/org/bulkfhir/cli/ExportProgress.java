package org.bulkfhir.cli;

import java.io.PrintStream;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bulkfhir.client.export.ExportListener;

/** Shows an export's phase, the server's progress text, files, bytes, rate and ETA (on stderr). */
final class ExportProgress implements ExportListener {
    private final Progress progress;
    private final PrintStream err;
    private final boolean quiet;
    private final long start = System.nanoTime();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger filesDone = new AtomicInteger();
    private volatile int filesKnown;
    private volatile Phase phase = Phase.DISCOVERY;
    private volatile String serverProgress = "";

    ExportProgress(PrintStream err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
        this.progress = new Progress(err, "export", quiet);
    }

    @Override
    public synchronized void phase(Phase p) {
        if (p != phase && !quiet) {
            progress.finish();
            if (p != Phase.DONE) {
                err.println("export: " + p.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
        }
        phase = p;
        redraw();
    }

    @Override
    public void accepted(URI statusUrl) {
        if (!quiet) {
            synchronized (this) {
                progress.finish();
                err.println("export: job accepted; it can be resumed with --resume");
            }
        }
    }

    @Override
    public void serverProgress(String text) {
        serverProgress = text;
        redraw();
    }

    @Override
    public void filesKnown(int total) {
        filesKnown = total;
        redraw();
    }

    @Override
    public void fileDone(String name, long resources, long fileBytes) {
        filesDone.incrementAndGet();
        redraw();
    }

    @Override
    public void bytes(long delta) {
        bytes.addAndGet(delta);
        redraw();
    }

    @Override
    public synchronized void warning(String message) {
        progress.finish();
        err.println("export: warning: " + message);
    }

    private synchronized void redraw() {
        if (phase != Phase.POLLING && phase != Phase.DOWNLOADING) {
            return;
        }
        double seconds = Math.max(0.001, (System.nanoTime() - start) / 1e9);
        String detail;
        if (phase == Phase.POLLING && filesKnown == 0) {
            detail = "waiting for the server" + (serverProgress.isEmpty() ? "" : " (" + serverProgress + ")");
            progress.update(0, 0, detail);
            return;
        }
        long b = bytes.get();
        detail = String.format(Locale.ROOT, "%s %d/%d files, %.1f MB, %.1f MB/s%s", phase.name().toLowerCase(Locale.ROOT),
                filesDone.get(), filesKnown, b / 1e6, b / 1e6 / seconds,
                serverProgress.isEmpty() || phase != Phase.POLLING ? "" : ", server: " + serverProgress);
        progress.update(filesDone.get(), filesKnown, detail);
    }

    synchronized void finish() {
        progress.finish();
    }
}
