package org.bulkfhir.store.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.bulkfhir.store.LoadedKeys;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.StoreException;
import org.bulkfhir.store.write.Write;
import org.bulkfhir.store.write.WriteResult;

/**
 * Groups a load's prepared writes into transactions and commits them, on one lane or several.
 *
 * <p>One lane (SQLite, which has a single writer) commits on the caller's thread, in input order.
 * Several lanes (PostgreSQL) each own a connection and a thread, and every resource always goes
 * to the same lane, so the versions of one resource are still written in input order. Why: with
 * one connection the database sat idle while the loader filled the next transaction, and the
 * loader waited while the database stored the last one; a 1,000-patient load left a fifth of its
 * two cores idle that way.
 *
 * <p>Each lane has at most one transaction in flight and one filling, so memory stays bounded.
 * Results are handed to {@code record} on the caller's thread.
 */
final class WriteLanes implements AutoCloseable {
    private final ResourceStore store;
    private final LoadedKeys keys;
    private final int transactionWrites;
    private final Consumer<List<WriteResult>> record;
    private final Lane[] lanes;

    private static final class Lane {
        final List<Write> filling = new ArrayList<>();
        /** Null for a single lane, which commits on the caller's thread. */
        final ExecutorService thread;
        Future<List<WriteResult>> inFlight;

        Lane(ExecutorService thread) {
            this.thread = thread;
        }
    }

    /**
     * @param count number of lanes; more than one only where the store allows concurrent load writes
     * @param transactionWrites writes per transaction across all lanes
     */
    WriteLanes(ResourceStore store, LoadedKeys keys, int count, int transactionWrites, Consumer<List<WriteResult>> record) {
        this.store = store;
        this.keys = keys;
        this.record = record;
        this.transactionWrites = Math.max(1, transactionWrites / count);
        this.lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = new Lane(count == 1 ? null : Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "bulkfhir-load-writer");
                t.setDaemon(true);
                return t;
            }));
        }
    }

    void add(List<Write> writes) {
        for (Write w : writes) {
            Lane lane = lanes[lanes.length == 1 ? 0 : Math.floorMod(31 * w.type().hashCode() + Objects.hashCode(w.id()),
                    lanes.length)];
            lane.filling.add(w);
            if (lane.filling.size() >= transactionWrites) {
                send(lane);
            }
        }
    }

    /** Commits everything added so far and waits for it. */
    void flush() {
        for (Lane lane : lanes) {
            if (!lane.filling.isEmpty()) {
                send(lane);
            }
        }
        for (Lane lane : lanes) {
            awaitInFlight(lane);
        }
    }

    private void send(Lane lane) {
        List<Write> transaction = new ArrayList<>(lane.filling);
        lane.filling.clear();
        if (lane.thread == null) {
            record.accept(store.write(transaction, keys));
            return;
        }
        awaitInFlight(lane);
        lane.inFlight = lane.thread.submit(() -> store.write(transaction, keys));
    }

    private void awaitInFlight(Lane lane) {
        if (lane.inFlight == null) {
            return;
        }
        Future<List<WriteResult>> f = lane.inFlight;
        lane.inFlight = null;
        try {
            record.accept(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("Loading was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException("Writing to the database failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Lets the transactions in flight finish (what they wrote stays, as on one lane) and stops
     * the lane threads; writes still filling are dropped, as after a failure.
     */
    @Override
    public void close() {
        for (Lane lane : lanes) {
            if (lane.thread != null) {
                lane.thread.shutdown();
                if (lane.inFlight != null) {
                    try {
                        lane.inFlight.get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (ExecutionException ignored) {
                        // The failure that closed the lanes early is already on its way up.
                    }
                }
            }
        }
    }
}
