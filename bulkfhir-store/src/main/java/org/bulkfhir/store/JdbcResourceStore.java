package org.bulkfhir.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.fhir.FhirInstant;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.core.search.index.SearchParamExtractor;
import org.bulkfhir.core.search.index.SearchParamIds;
import org.bulkfhir.store.write.IndexRows;
import org.bulkfhir.store.write.Write;
import org.bulkfhir.store.write.WriteResult;
import org.postgresql.PGStatement;

/** {@link ResourceStore} over JDBC, for SQLite and PostgreSQL alike. */
public final class JdbcResourceStore implements ResourceStore {
    /** Advisory lock key that orders PostgreSQL writers against snapshot fences. */
    private static final long FENCE_LOCK = 0x62756c6b66686972L;
    private static final int IN_CHUNK = 500;
    private static final int GROUP_IDENTIFIER = SearchParamIds.of("Group", "identifier");

    private final Database db;

    public JdbcResourceStore(Database db) {
        this.db = db;
    }

    public static JdbcResourceStore open(String jdbcUrl) {
        return new JdbcResourceStore(Database.open(jdbcUrl));
    }

    @Override
    public Database database() {
        return db;
    }

    // ---------------------------------------------------------------- writes

    private record Current(long pk, int version, long lastUpdated, boolean deleted) {
    }

    @Override
    public List<WriteResult> write(List<Write> writes) {
        return write(writes, null);
    }

    @Override
    public List<WriteResult> write(List<Write> writes, LoadedKeys keys) {
        if (writes.isEmpty()) {
            return List.of();
        }
        List<WriteResult> results;
        try {
            results = writeTransaction(writes, keys);
        } catch (RuntimeException e) {
            if (keys == null) {
                throw e;
            }
            keys.failed();
            if (!isUniqueViolation(e)) {
                throw e;
            }
            // On PostgreSQL another writer created an id this load took for new; now that the
            // load looks up every id, the same writes become updates of what that writer stored.
            results = writeTransaction(writes, keys);
        }
        if (keys != null) {
            keys.committed();
        }
        return results;
    }

    /**
     * A load's writes on PostgreSQL skip this process's write lock: the load writes on several
     * connections at once, each its own ids (see {@link org.bulkfhir.store.load.Loader}).
     */
    private List<WriteResult> writeTransaction(List<Write> writes, LoadedKeys known) {
        String what = "Writing to the database failed";
        return known != null && db.dialect() == Dialect.POSTGRESQL
                ? db.inConcurrentTransaction(what, c -> writeInTransaction(c, writes, known))
                : db.inWriteTransaction(what, c -> writeInTransaction(c, writes, known));
    }

    /** PostgreSQL's unique_violation, where the store's unique index on versions caught a clash. */
    private boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return db.dialect() == Dialect.POSTGRESQL;
            }
        }
        return false;
    }

    private List<WriteResult> writeInTransaction(Connection c, List<Write> writes, LoadedKeys known) throws SQLException {
        long now = beginWrite(c);
        if (known != null) {
            beginLoadTransaction(c, writes, known);
        }
        Map<String, Current> current = lookupCurrent(c, writes, known);
        long[] pks = allocatePks(c, writes.size());
        List<WriteResult> results = new ArrayList<>(writes.size());
        // Most versions of a transaction carry its own instant: formatted once, not per row.
        String nowText = FhirInstant.format(now);
        try (PreparedStatement close = c.prepareStatement("UPDATE resource SET valid_to = ? WHERE pk = ?");
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO resource (pk, res_type, res_id, version, last_updated, deleted, body) VALUES (?,?,?,?,?,?,?)");
             IndexRows index = new IndexRows(c, db.dialect());
             GroupMembership groups = new GroupMembership(c)) {
            int i = 0;
            for (Write w : writes) {
                String key = w.type() + "/" + w.id();
                Current prev = current.get(key);
                boolean exists = prev != null && !prev.deleted();
                if (w.kind() == Write.Kind.DELETE && !exists) {
                    results.add(new WriteResult(w.type(), w.id(), prev == null ? 0 : prev.version(),
                            prev == null ? 0 : prev.lastUpdated(), WriteResult.Outcome.NOT_FOUND, null));
                    i++;
                    continue;
                }
                long pk = pks[i++];
                int version = prev == null ? 1 : prev.version() + 1;
                long lastUpdated = prev == null ? now : Math.max(now, prev.lastUpdated());
                if (prev != null) {
                    close.setLong(1, lastUpdated);
                    close.setLong(2, prev.pk());
                    close.addBatch();
                }
                boolean delete = w.kind() == Write.Kind.DELETE;
                byte[] body = delete ? null : w.body().stamp(Integer.toString(version),
                        lastUpdated == now ? nowText : FhirInstant.format(lastUpdated));
                insert.setLong(1, pk);
                insert.setString(2, w.type());
                insert.setString(3, w.id());
                insert.setInt(4, version);
                insert.setLong(5, lastUpdated);
                insert.setInt(6, delete ? 1 : 0);
                insert.setBytes(7, body);
                insert.addBatch();
                if (!delete) {
                    index.add(pk, w.type(), w.index());
                }
                if ("Group".equals(w.type())) {
                    groups.change(w.id(), delete ? List.of() : w.groupMembers(), lastUpdated);
                }
                current.put(key, new Current(pk, version, lastUpdated, delete));
                if (known != null) {
                    known.wrote(w.type(), w.id());
                }
                WriteResult.Outcome outcome = delete ? WriteResult.Outcome.DELETED
                        : exists ? WriteResult.Outcome.UPDATED : WriteResult.Outcome.CREATED;
                results.add(new WriteResult(w.type(), w.id(), version, lastUpdated, outcome, body));
            }
            // Inserts first: a version written and superseded in this same batch must exist
            // before it can be closed.
            insert.executeBatch();
            close.executeBatch();
            index.flush();
        }
        return results;
    }

    /** Starts the write and returns its {@code lastUpdated} instant (see {@link #snapshotTime()}). */
    private long beginWrite(Connection c) throws SQLException {
        if (db.dialect() == Dialect.POSTGRESQL) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_advisory_xact_lock_shared(" + FENCE_LOCK + "), "
                         + "(extract(epoch from clock_timestamp()) * 1000)::bigint")) {
                rs.next();
                return rs.getLong(2);
            }
        }
        // SQLite: the connection runs BEGIN IMMEDIATE, so we already hold the database's write lock.
        try (Statement s = c.createStatement()) {
            s.execute("UPDATE store_clock SET tick = tick + 1");
        }
        return System.currentTimeMillis();
    }

    /**
     * Within a bulk load: tells {@code known} that a transaction begins (on SQLite with its tick),
     * and whether each type it writes for the first time is empty. On SQLite the write lock is
     * held, so nobody adds rows in between; on PostgreSQL somebody may, and the unique index on
     * versions turns such a clash into the unique violation {@link #write} retries on.
     */
    private void beginLoadTransaction(Connection c, List<Write> writes, LoadedKeys known) throws SQLException {
        if (db.dialect() == Dialect.SQLITE) {
            long tick;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT tick FROM store_clock")) {
                rs.next();
                tick = rs.getLong(1);
            }
            if (!known.begin(tick)) {
                return;
            }
        } else if (!known.beginConcurrent()) {
            return;
        }
        try (PreparedStatement any = c.prepareStatement("SELECT 1 FROM resource WHERE res_type = ? LIMIT 1")) {
            for (Write w : writes) {
                if (!known.checked(w.type())) {
                    any.setString(1, w.type());
                    try (ResultSet rs = any.executeQuery()) {
                        known.checkedType(w.type(), !rs.next());
                    }
                }
            }
        }
    }

    /** The current versions of the writes' resources, but for those {@code known} says are new. */
    private Map<String, Current> lookupCurrent(Connection c, List<Write> writes, LoadedKeys known) throws SQLException {
        Map<String, Set<String>> idsByType = new TreeMap<>();
        for (Write w : writes) {
            if (known == null || !known.surelyNew(w.type(), w.id())) {
                idsByType.computeIfAbsent(w.type(), t -> new HashSet<>()).add(w.id());
            }
        }
        Map<String, Current> current = new HashMap<>();
        for (Map.Entry<String, Set<String>> e : idsByType.entrySet()) {
            List<String> ids = new ArrayList<>(e.getValue());
            for (int from = 0; from < ids.size(); from += IN_CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_CHUNK));
                String sql = "SELECT res_id, pk, version, last_updated, deleted FROM resource WHERE res_type = ? AND res_id IN ("
                        + "?,".repeat(chunk.size() - 1) + "?) AND valid_to IS NULL";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    customPlanEveryTime(ps);
                    ps.setString(1, e.getKey());
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setString(i + 2, chunk.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            current.put(e.getKey() + "/" + rs.getString(1),
                                    new Current(rs.getLong(2), rs.getInt(3), rs.getLong(4), rs.getInt(5) != 0));
                        }
                    }
                }
            }
        }
        return current;
    }

    /**
     * On PostgreSQL, plans the lookup with its actual ids every time. After five runs the driver
     * would switch to a server-prepared statement whose generic plan was made while the table was
     * small, a sequential scan: during a load into a new database every chunk then scanned the
     * whole table and the load slowed down quadratically (7x at 68k resources).
     */
    private void customPlanEveryTime(PreparedStatement ps) throws SQLException {
        if (db.dialect() == Dialect.POSTGRESQL) {
            ps.unwrap(PGStatement.class).setPrepareThreshold(0);
        }
    }

    private long[] allocatePks(Connection c, int n) throws SQLException {
        long[] pks = new long[n];
        if (db.dialect() == Dialect.POSTGRESQL) {
            try (PreparedStatement ps = c.prepareStatement("SELECT nextval('resource_pk_seq') FROM generate_series(1, ?)")) {
                ps.setInt(1, n);
                try (ResultSet rs = ps.executeQuery()) {
                    for (int i = 0; i < n && rs.next(); i++) {
                        pks[i] = rs.getLong(1);
                    }
                }
            }
            return pks;
        }
        long next;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max(pk), 0) FROM resource")) {
            rs.next();
            next = rs.getLong(1);
        }
        for (int i = 0; i < n; i++) {
            pks[i] = ++next;
        }
        return pks;
    }

    @Override
    public long snapshotTime() {
        return db.inWriteTransaction("Could not take a snapshot time", c -> {
            if (db.dialect() == Dialect.POSTGRESQL) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + FENCE_LOCK + ")");
                }
                long t = dbClock(c);
                // Hold the fence until the clock has moved on, so later writers stamp > t.
                while (dbClock(c) <= t) {
                    Thread.onSpinWait();
                }
                return t;
            }
            try (Statement s = c.createStatement()) {
                s.execute("UPDATE store_clock SET tick = tick + 1");
            }
            long t = System.currentTimeMillis();
            while (System.currentTimeMillis() <= t) {
                Thread.onSpinWait();
            }
            return t;
        });
    }

    private static long dbClock(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (extract(epoch from clock_timestamp()) * 1000)::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---------------------------------------------------------------- reads

    private static final String COLUMNS = "res_type, res_id, version, last_updated, deleted, body";

    @Override
    public Optional<StoredResource> read(String type, String id) {
        return readLatest(type, id).filter(r -> !r.deleted());
    }

    @Override
    public Optional<StoredResource> readLatest(String type, String id) {
        return queryOne("SELECT " + COLUMNS + " FROM resource WHERE res_type = ? AND res_id = ? AND valid_to IS NULL",
                type, id, null);
    }

    @Override
    public Optional<StoredResource> readVersion(String type, String id, int version) {
        return queryOne("SELECT " + COLUMNS + " FROM resource WHERE res_type = ? AND res_id = ? AND version = ?",
                type, id, version);
    }

    private Optional<StoredResource> queryOne(String sql, String type, String id, Integer version) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, type);
            ps.setString(2, id);
            if (version != null) {
                ps.setInt(3, version);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("Reading " + type + "/" + id + " failed: " + e.getMessage(), e);
        }
    }

    static StoredResource row(ResultSet rs) throws SQLException {
        return new StoredResource(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getInt(5) != 0,
                rs.getBytes(6));
    }

    @Override
    public Map<String, Long> countByType() {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = db.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT res_type, count(*) FROM resource WHERE valid_to IS NULL AND deleted = 0"
                     + " GROUP BY res_type")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new StoreException("Counting resources failed: " + e.getMessage(), e);
        }
        return counts;
    }

    @Override
    public List<StoredResource> searchGroups(String identifier, String name, String id) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM resource r WHERE res_type = 'Group'"
                + " AND valid_to IS NULL AND deleted = 0");
        List<String> args = new ArrayList<>();
        if (id != null) {
            sql.append(" AND res_id = ?");
            args.add(id);
        }
        if (identifier != null) {
            int bar = identifier.indexOf('|');
            sql.append(" AND pk IN (SELECT res_pk FROM idx_token WHERE param_id = " + GROUP_IDENTIFIER + " AND code = ?");
            args.add(bar < 0 ? identifier : identifier.substring(bar + 1));
            if (bar > 0) {
                sql.append(" AND system = ?");
                args.add(identifier.substring(0, bar));
            }
            sql.append(")");
        }
        sql.append(" ORDER BY res_id");
        List<StoredResource> groups = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setString(i + 1, args.get(i));
            }
            String prefix = name == null ? null : SearchParamExtractor.normalize(name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredResource group = row(rs);
                    if (prefix == null || groupNameStartsWith(group, prefix)) {
                        groups.add(group);
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("Searching Groups failed: " + e.getMessage(), e);
        }
        return groups;
    }

    /**
     * R4 defines no {@code name} search parameter on Group, so nothing indexes it; Groups are
     * few, and their names are matched here (FHIR string search: case- and accent-insensitive prefix).
     */
    private static boolean groupNameStartsWith(StoredResource group, String prefix) {
        try {
            String name = Json.MAPPER.readTree(group.json()).path("name").asText(null);
            return name != null && SearchParamExtractor.normalize(name).startsWith(prefix);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Override
    public List<String> typesOf(String id) {
        List<String> types = new ArrayList<>(Fhir.r4().getResourceTypes());
        String sql = "SELECT res_type FROM resource WHERE res_type IN (" + "?,".repeat(types.size() - 1)
                + "?) AND res_id = ? AND valid_to IS NULL AND deleted = 0";
        List<String> found = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (String t : types) {
                ps.setString(i++, t);
            }
            ps.setString(i, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("Looking up id " + id + " failed: " + e.getMessage(), e);
        }
        return found;
    }

    @Override
    public void close() {
        db.close();
    }
}
