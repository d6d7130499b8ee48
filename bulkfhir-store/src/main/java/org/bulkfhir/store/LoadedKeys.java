package org.bulkfhir.store;

import java.util.HashMap;
import java.util.Map;

/**
 * What a bulk load has written so far, so that its writes need no current-version lookup for ids
 * that cannot exist yet: those of a type that had no rows when the load first wrote it, and that
 * this load has not written ({@link KeyFilter}, whose "maybe" falls back to the lookup).
 *
 * <p>That holds only while nobody else writes: a server beside the load may create the same id.
 * Every SQLite write transaction advances {@code store_clock} by one under the write lock, so a
 * load transaction that does not find the tick one past its previous one knows another writer
 * came in between, and from then on the load looks up every id. On PostgreSQL writers run
 * concurrently and there is no such order, so nothing is known in advance: a clash shows up when
 * the load inserts a first version that another writer has stored already (the unique index on
 * versions refuses it), and the store then rolls back, calls {@link #failed} and writes the same
 * transaction again with lookups.
 *
 * <p>Thread-safe: on PostgreSQL a load writes on several connections at once (each its own ids),
 * and they share what was checked and written.
 */
public final class LoadedKeys {
    private final KeyFilter written = new KeyFilter();
    /** Per type the load has checked: whether it had no rows then. */
    private final Map<String, Boolean> emptyWhenChecked = new HashMap<>();
    private long lastTick = -1;
    private long pendingTick = -1;
    private boolean othersWrote;

    /**
     * Called in a write transaction with the tick it took: whether the load's view still holds.
     */
    synchronized boolean begin(long tick) {
        if (lastTick >= 0 && tick != lastTick + 1) {
            othersWrote = true;
        }
        pendingTick = tick;
        return !othersWrote;
    }

    /** Called in a PostgreSQL write transaction: whether the load's view still holds. */
    synchronized boolean beginConcurrent() {
        return !othersWrote;
    }

    /** Whether {@code type} was checked in this load (whatever the answer). */
    synchronized boolean checked(String type) {
        return emptyWhenChecked.containsKey(type);
    }

    /** Records whether {@code type} had rows when first checked, inside a write transaction. */
    synchronized void checkedType(String type, boolean empty) {
        // Two connections may check the same type; the first answer was given before any of this
        // load's rows of it existed, a later one may count them.
        emptyWhenChecked.putIfAbsent(type, empty);
    }

    /** True when {@code type/id} surely has no version yet, so no lookup is needed. */
    synchronized boolean surelyNew(String type, String id) {
        return !othersWrote && emptyWhenChecked.getOrDefault(type, false) && !written.mightContain(type, id);
    }

    synchronized void wrote(String type, String id) {
        written.add(type, id);
    }

    /** The transaction committed: the next one must find the tick one further. */
    synchronized void committed() {
        lastTick = pendingTick;
    }

    /** The transaction failed: its tick is undone, so continuity can no longer be told. */
    synchronized void failed() {
        othersWrote = true;
    }
}
