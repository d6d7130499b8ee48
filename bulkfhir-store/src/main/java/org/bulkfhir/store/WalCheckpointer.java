package org.bulkfhir.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies SQLite's write-ahead log into the database file on a thread of its own, after every
 * commit, while a bulk load runs ({@link Database#checkpointInBackground()}).
 *
 * <p>Why: SQLite checkpoints in the committing connection, so the load's single writer thread
 * spent a fifth of its time copying pages it had just written (and waiting for their fsync)
 * instead of writing the next transaction. A passive checkpoint runs beside a writer: it copies
 * what has committed and never blocks the next transaction.
 *
 * <p>The log starts over only at a transaction that begins with everything copied; a writer
 * that always begins while the last commit is being copied would grow it by the whole load.
 * So once it is longer than {@value #RESTART_FRAMES} pages, the next transaction waits for the
 * copy to finish ({@link #beforeTransaction()}).
 */
final class WalCheckpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);
    /** 64 MiB of 4 KiB pages: a few load transactions. */
    static final int RESTART_FRAMES = 16_384;

    private final Database db;
    private final Thread thread;
    // Guarded by this.
    private boolean pending;
    private boolean running;
    private boolean closed;
    private boolean stopped;
    private long logFrames;

    WalCheckpointer(Database db) {
        this.db = db;
        this.thread = new Thread(this::run, "bulkfhir-checkpoint");
        thread.setDaemon(true);
        thread.start();
    }

    /** A transaction committed: its pages are there to copy. */
    synchronized void committed() {
        pending = true;
        notifyAll();
    }

    /** Called before a write transaction begins; waits for the copy when the log is to start over. */
    synchronized void beforeTransaction() {
        if (logFrames <= RESTART_FRAMES) {
            return;
        }
        boolean interrupted = false;
        while ((pending || running) && !stopped) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            while (nextCheckpoint()) {
                long frames = 0;
                try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                    if (rs.next()) {
                        frames = rs.getLong(2);
                    }
                } finally {
                    checkpointed(frames);
                }
            }
        } catch (SQLException e) {
            // The writer's log then grows until the load ends and SQLite checkpoints as usual.
            LOG.warn("background checkpoints stopped: {}", e.getMessage());
        } finally {
            synchronized (this) {
                stopped = true;
                notifyAll();
            }
        }
    }

    /** Waits for a commit to copy; false once closed with none left. */
    private synchronized boolean nextCheckpoint() {
        while (!pending && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                closed = true;
            }
        }
        if (!pending) {
            return false;
        }
        pending = false;
        running = true;
        return true;
    }

    private synchronized void checkpointed(long frames) {
        running = false;
        logFrames = frames;
        notifyAll();
    }

    /** Copies what the last transactions left in the log, then stops the thread. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
