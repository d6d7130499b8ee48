package org.bulkfhir.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bulkfhir.store.write.Write;
import org.bulkfhir.store.write.WriteResult;

/**
 * The resource store: versioned resources as raw JSON, their history and tombstones, and the
 * indexes written with them. One JDBC implementation serves SQLite and PostgreSQL.
 */
public interface ResourceStore extends AutoCloseable {

    /** Applies the writes in one database transaction: all of them, or none. */
    List<WriteResult> write(List<Write> writes);

    /**
     * As {@link #write(List)}, as part of a bulk load that remembers in {@code keys} what it
     * wrote, so that ids which cannot exist yet need not be looked up. On PostgreSQL such writes
     * may run on several threads at once, provided no two of them write the same resource.
     */
    List<WriteResult> write(List<Write> writes, LoadedKeys keys);

    /** The current version, if the resource exists and is not deleted. */
    Optional<StoredResource> read(String type, String id);

    /** The current version including a tombstone, to tell "deleted" (410) from "unknown" (404). */
    Optional<StoredResource> readLatest(String type, String id);

    Optional<StoredResource> readVersion(String type, String id, int version);

    /**
     * A snapshot instant (epoch ms) such that every write with {@code lastUpdated <= it} has
     * committed and every later write gets a larger {@code lastUpdated}. This is an export's
     * {@code transactionTime}.
     */
    long snapshotTime();

    /** Current (not deleted) resources by type. */
    Map<String, Long> countByType();

    /** Groups, current versions, filtered by any of identifier ({@code [system|]value}), name prefix, id. */
    List<StoredResource> searchGroups(String identifier, String name, String id);

    /** Finds the types under which a resource with this id currently exists. */
    List<String> typesOf(String id);

    Database database();

    @Override
    void close();
}
