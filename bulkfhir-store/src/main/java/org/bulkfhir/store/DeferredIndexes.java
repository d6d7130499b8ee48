package org.bulkfhir.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the secondary indexes of the resource and search-index tables while a bulk load fills
 * an empty store, and rebuilds them in one sorted pass at the end.
 *
 * <p>Why: maintaining a B-tree row by row costs a random page write per index entry and per
 * transaction; building it once from the finished table is a sort. On this project's 2-core
 * machine that halves the writer's cost per resource. Unique indexes stay, because the write
 * path looks up current versions through {@code resource_version} and relies on its constraint.
 *
 * <p>Only an empty store is deferred: with data in it, a running server's searches would slow
 * down for the length of the load. The definitions are recorded in {@code deferred_index} in
 * the same transaction as the drops, so {@link #rebuildLeftovers} can restore them after a crash.
 */
public final class DeferredIndexes {
    private static final Logger LOG = LoggerFactory.getLogger(DeferredIndexes.class);

    private static final String TABLES = "'resource', 'idx_compartment', 'idx_token', 'idx_string', 'idx_date', "
            + "'idx_reference', 'idx_quantity', 'idx_uri'";

    private DeferredIndexes() {
    }

    /**
     * Drops the deferrable indexes if the store holds no resources yet.
     *
     * @return whether they were dropped (and {@link #rebuild} must follow)
     */
    public static boolean deferIfEmpty(Database db) {
        return db.inWriteTransaction("Could not prepare the store for a bulk load", c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM resource LIMIT 1")) {
                if (rs.next()) {
                    return false;
                }
            }
            Map<String, String> indexes = deferrable(c, db.dialect());
            if (indexes.isEmpty()) {
                return false;
            }
            try (PreparedStatement record = c.prepareStatement("INSERT INTO deferred_index (name, definition) VALUES (?, ?)");
                 Statement s = c.createStatement()) {
                for (Map.Entry<String, String> e : indexes.entrySet()) {
                    record.setString(1, e.getKey());
                    record.setString(2, e.getValue());
                    record.addBatch();
                    s.execute("DROP INDEX " + e.getKey());
                }
                record.executeBatch();
            }
            LOG.info("bulk load into an empty store: {} secondary indexes are built once at the end", indexes.size());
            return true;
        });
    }

    /** Rebuilds every index recorded as deferred; a no-op when there is none. Returns how many were built. */
    public static int rebuild(Database db) {
        Map<String, String> deferred = db.inWriteTransaction("Could not read the deferred indexes", c -> {
            Map<String, String> m = new LinkedHashMap<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT name, definition FROM deferred_index ORDER BY name")) {
                while (rs.next()) {
                    m.put(rs.getString(1), rs.getString(2));
                }
            }
            return m;
        });
        if (deferred.isEmpty()) {
            return 0;
        }
        // One transaction per index: a long build holds the write lock only for itself, and an
        // interruption keeps what was already built.
        if (db.dialect() == Dialect.POSTGRESQL) {
            buildSideBySide(db, deferred);
        } else {
            deferred.forEach((name, definition) -> db.inWriteTransaction("Could not build the index " + name,
                    c -> build(c, db.dialect(), name, definition)));
        }
        return deferred.size();
    }

    /**
     * PostgreSQL builds indexes of one table side by side too (CREATE INDEX takes a lock that
     * does not conflict with itself), so each core gets a connection that takes the next index,
     * biggest table first. A single sort per index had one core of two idle during the rebuild.
     */
    private static void buildSideBySide(Database db, Map<String, String> deferred) {
        int builders = Math.max(1, Math.min(deferred.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(builders, r -> {
            Thread t = new Thread(r, "bulkfhir-index-build");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Map.Entry<String, String> e : biggestTableFirst(db, deferred)) {
                running.add(pool.submit(() -> db.inConcurrentTransaction("Could not build the index " + e.getKey(),
                        c -> build(c, Dialect.POSTGRESQL, e.getKey(), e.getValue()))));
            }
            RuntimeException failure = null;
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException re ? re
                            : new StoreException("Could not build the search indexes: " + e.getCause(), e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("Interrupted while building the search indexes; they are rebuilt when the "
                            + "store is next opened", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The definitions ordered by the size of their table, largest first, so that no long build starts last. */
    private static List<Map.Entry<String, String>> biggestTableFirst(Database db, Map<String, String> deferred) {
        Map<String, Long> sizes = db.inConcurrentTransaction("Could not read the table sizes", c -> {
            Map<String, Long> m = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_relation_size(?::regclass)")) {
                for (String definition : deferred.values()) {
                    String table = tableOf(definition);
                    if (table != null && !m.containsKey(table)) {
                        ps.setString(1, table);
                        try (ResultSet rs = ps.executeQuery()) {
                            m.put(table, rs.next() ? rs.getLong(1) : 0L);
                        }
                    }
                }
            }
            return m;
        });
        List<Map.Entry<String, String>> ordered = new ArrayList<>(deferred.entrySet());
        ordered.sort(Comparator.comparingLong(
                (Map.Entry<String, String> e) -> sizes.getOrDefault(tableOf(e.getValue()), 0L)).reversed());
        return ordered;
    }

    /** The table a {@code CREATE INDEX name ON table ...} definition indexes, or null. */
    static String tableOf(String definition) {
        Matcher m = ON_TABLE.matcher(definition);
        return m.find() ? m.group(1) : null;
    }

    private static final Pattern ON_TABLE = Pattern.compile("(?i)\\sON\\s+(?:ONLY\\s+)?([\\w.\"]+)");

    private static Void build(Connection c, Dialect dialect, String name, String definition) throws SQLException {
        try (Statement s = c.createStatement()) {
            tuneForIndexBuild(s, dialect);
            s.execute(ifNotExists(definition));
        }
        try (PreparedStatement done = c.prepareStatement("DELETE FROM deferred_index WHERE name = ?")) {
            done.setString(1, name);
            done.executeUpdate();
        }
        return null;
    }

    /** Called when a database is opened: restores indexes an interrupted bulk load left unbuilt. */
    static void rebuildLeftovers(Database db) {
        int built = rebuild(db);
        if (built > 0) {
            LOG.warn("rebuilt {} search indexes that an interrupted bulk load had left unbuilt", built);
        }
    }

    private static Map<String, String> deferrable(Connection c, Dialect dialect) throws SQLException {
        String sql = dialect == Dialect.POSTGRESQL
                ? "SELECT ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                        + "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
                        + "JOIN pg_namespace n ON n.oid = t.relnamespace "
                        + "WHERE n.nspname = current_schema() AND t.relname IN (" + TABLES + ") "
                        + "AND NOT i.indisunique AND NOT i.indisprimary ORDER BY ic.relname"
                : "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN (" + TABLES + ") "
                        + "AND sql IS NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE%' ORDER BY name";
        Map<String, String> indexes = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                indexes.put(rs.getString(1), rs.getString(2));
            }
        }
        return indexes;
    }

    private static void tuneForIndexBuild(Statement s, Dialect dialect) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            // Sorting in memory rather than in temporary files; local to this transaction.
            s.execute("SET LOCAL maintenance_work_mem = '256MB'");
        }
        // SQLite's sorter can use helper threads (PRAGMA threads), but on two cores that were
        // also preparing resources it made builds slower, not faster.
    }

    /** Makes a recorded definition idempotent, so a rebuild racing another one cannot fail. */
    static String ifNotExists(String definition) {
        String upper = definition.toUpperCase(java.util.Locale.ROOT);
        if (upper.contains(" IF NOT EXISTS ")) {
            return definition;
        }
        int at = upper.indexOf("INDEX ");
        return at < 0 ? definition : definition.substring(0, at + 6) + "IF NOT EXISTS " + definition.substring(at + 6);
    }
}
