package org.bulkfhir.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C handling for long-running commands: the shutdown hook wakes the main thread and then
 * waits (bounded) until it has closed the server and the database, so files and the SQLite WAL
 * are left consistent.
 */
final class ShutdownSignal {
    private static final CountDownLatch STOP = new CountDownLatch(1);
    private static final CountDownLatch CLOSED = new CountDownLatch(1);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            STOP.countDown();
            try {
                CLOSED.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bulkfhir-shutdown"));
    }

    private ShutdownSignal() {
    }

    static void await() throws InterruptedException {
        STOP.await();
    }

    static void closed() {
        CLOSED.countDown();
    }
}
