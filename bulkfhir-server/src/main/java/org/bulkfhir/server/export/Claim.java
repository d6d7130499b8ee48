package org.bulkfhir.server.export;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.bulkfhir.store.export.TaskRow;

/**
 * A worker's hold on a task. The lease keeper marks it lost when the lease could not be
 * extended (taken over after expiry, job cancelled); the worker checks between rows and gives
 * up, so a lost task is never completed twice. Also paces the worker when a throttle is set.
 */
final class Claim {
    final TaskRow task;
    private final Worker worker;
    private final int resourcesPerSecond;
    private final long startNanos = System.nanoTime();
    private volatile boolean lost;
    private long rows;

    Claim(TaskRow task, Worker worker, int resourcesPerSecond) {
        this.task = task;
        this.worker = worker;
        this.resourcesPerSecond = resourcesPerSecond;
    }

    /** Thrown out of the row loop when the task must be given up. */
    static final class Abandoned extends RuntimeException {
        final boolean stopping;

        Abandoned(boolean stopping) {
            super(stopping ? "node stopping" : "lease lost", null, false, false);
            this.stopping = stopping;
        }
    }

    interface Worker {
        boolean stopping();
    }

    void markLost() {
        lost = true;
    }

    void check() {
        if (worker.stopping()) {
            throw new Abandoned(true);
        }
        if (lost) {
            throw new Abandoned(false);
        }
    }

    /** Called per exported row: checks the claim and applies the throttle. */
    void row() {
        check();
        rows++;
        if (resourcesPerSecond > 0) {
            long due = startNanos + rows * 1_000_000_000L / resourcesPerSecond;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                // In slices, so a stop or a lost lease is noticed while pacing.
                LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(200)));
                check();
            }
        }
    }
}
