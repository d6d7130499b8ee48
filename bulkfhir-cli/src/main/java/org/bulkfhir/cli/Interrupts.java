package org.bulkfhir.cli;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Ctrl-C for the export: SIGINT stops the runner (which saves its state) instead of killing the
 * JVM, so the command can still ask whether to cancel the server job. Where the JDK's signal API
 * is unavailable, Ctrl-C ends the process and the periodically saved state still allows --resume.
 */
final class Interrupts {
    private static final AtomicReference<Runnable> ACTION = new AtomicReference<>();
    private static volatile boolean installed;

    private Interrupts() {
    }

    @SuppressWarnings("removal")
    static synchronized void onInterrupt(Runnable action) {
        ACTION.set(action);
        if (installed) {
            return;
        }
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> {
                Runnable a = ACTION.getAndSet(null);
                if (a != null) {
                    new Thread(a, "bulkfhir-interrupt").start();
                } else {
                    Runtime.getRuntime().halt(130); // a second Ctrl-C: the user means it
                }
            });
            installed = true;
        } catch (Throwable e) {
            // No signal support here (or INT is reserved): the default handling applies.
        }
    }

    static void clear() {
        ACTION.set(null);
    }
}
