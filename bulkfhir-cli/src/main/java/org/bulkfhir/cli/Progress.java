package org.bulkfhir.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows how long work is going: a bar redrawn in place on a terminal, a plain line every few
 * seconds otherwise (logs and CI), nothing with {@code --quiet}.
 */
final class Progress {
    private static final long PLAIN_INTERVAL_NANOS = 5_000_000_000L;
    private static final long BAR_INTERVAL_NANOS = 200_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final boolean quiet;
    private final String label;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawnOnce;
    private boolean drawn;

    Progress(PrintStream out, String label, boolean quiet) {
        this.out = out;
        this.label = label;
        this.quiet = quiet;
        this.terminal = System.console() != null && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
    }

    /** Reports {@code done} of {@code total} (total ≤ 0 when unknown) and a free-text detail. */
    void update(double done, double total, String detail) {
        if (quiet) {
            return;
        }
        long now = System.nanoTime();
        if (drawnOnce && now - lastDraw < (terminal ? BAR_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS)) {
            return;
        }
        draw(now, done, total, detail);
    }

    /** Reports a change of phase at once, whatever the redraw interval. */
    void phase(double done, double total, String detail) {
        if (!quiet) {
            draw(System.nanoTime(), done, total, detail);
        }
    }

    private void draw(long now, double done, double total, String detail) {
        lastDraw = now;
        drawnOnce = true;
        double fraction = total > 0 ? Math.min(1, done / total) : -1;
        double elapsed = (now - start) / 1e9;
        String eta = fraction > 0.01 && fraction < 1 ? " ETA " + seconds(elapsed / fraction - elapsed) : "";
        if (terminal) {
            int width = 30;
            int filled = fraction < 0 ? 0 : (int) Math.round(fraction * width);
            String bar = "#".repeat(filled) + "-".repeat(width - filled);
            out.printf(Locale.ROOT, "\r%s [%s] %s %s%s\u001b[K", label, bar,
                    fraction < 0 ? "" : String.format(Locale.ROOT, "%3.0f%%", fraction * 100), detail, eta);
            drawn = true;
        } else {
            out.printf(Locale.ROOT, "%s: %s%s%s%n", label,
                    fraction < 0 ? "" : String.format(Locale.ROOT, "%.0f%% ", fraction * 100), detail, eta);
        }
        out.flush();
    }

    /** Ends the bar so later output starts on its own line. */
    void finish() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }

    static String seconds(double s) {
        if (s < 60) {
            return String.format(Locale.ROOT, "%.0fs", s);
        }
        return String.format(Locale.ROOT, "%dm%02ds", (long) s / 60, (long) s % 60);
    }
}
