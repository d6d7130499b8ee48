package org.bulkfhir.store.export;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.bulkfhir.core.search.index.SearchParamIds;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.Dialect;
import org.bulkfhir.store.StoreException;
import org.bulkfhir.store.search.SqlPredicate;

/**
 * The reads an export makes, all "as of" a snapshot instant T (the job's transactionTime): a
 * version is visible at T when {@code last_updated <= T AND (valid_to IS NULL OR valid_to > T)}
 * and it is not a tombstone. Bodies are streamed as the stored bytes, one row at a time with a
 * fetch size, so memory does not grow with the export.
 */
public final class SnapshotReader {
    private static final int FETCH = 256;
    private static final int PROVENANCE_TARGET = SearchParamIds.of("Provenance", "target");
    private static final int PROVENANCE_RECORDED = SearchParamIds.of("Provenance", "recorded");
    private static final String VISIBLE = " r.last_updated <= ? AND (r.valid_to IS NULL OR r.valid_to > ?) AND r.deleted = 0";

    private final Database db;

    public SnapshotReader(Database db) {
        this.db = db;
    }

    /** Receives rows; may throw to stop the stream (e.g. the task was cancelled). */
    @FunctionalInterface
    public interface RowSink {
        void row(String type, byte[] body) throws IOException;
    }

    /** Receives deleted resources by type and id. */
    @FunctionalInterface
    public interface DeletedSink {
        void deleted(String type, String id) throws IOException;
    }

    @FunctionalInterface
    public interface KeySink {
        void key(String sortKey, boolean fullHistory) throws IOException;
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface Handler {
        void handle(ResultSet rs) throws SQLException, IOException;
    }

    /** Runs a query and hands each row to {@code handler}, streaming (PostgreSQL needs a transaction for cursors). */
    private long stream(String sql, Binder binder, Handler handler) throws IOException {
        try (Connection c = db.connection()) {
            boolean pg = db.dialect() == Dialect.POSTGRESQL;
            if (pg) {
                c.setAutoCommit(false);
            }
            long n = 0;
            Throwable failure = null;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(FETCH);
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        handler.handle(rs);
                        n++;
                    }
                }
            } catch (Throwable t) {
                failure = t;
                throw t;
            } finally {
                if (pg) {
                    try {
                        c.rollback();
                        c.setAutoCommit(true);
                    } catch (SQLException e) {
                        // On a dropped connection the rollback fails too; the first failure is the one to tell.
                        if (failure == null) {
                            throw e;
                        }
                        failure.addSuppressed(e);
                    }
                }
            }
            return n;
        } catch (SQLException e) {
            throw new StoreException("Export read failed: " + e.getMessage(), e);
        }
    }

    private static String placeholders(int n) {
        return "?,".repeat(n - 1) + "?";
    }

    /** {@code _since} (exclusive) and {@code _until} (exclusive) on {@code alias.last_updated}. */
    private static String window(String alias, Long since, Long until) {
        return (since != null ? " AND " + alias + ".last_updated > ?" : "")
                + (until != null ? " AND " + alias + ".last_updated < ?" : "");
    }

    private static int bindWindow(PreparedStatement ps, int i, Long since, Long until) throws SQLException {
        if (since != null) {
            ps.setLong(i++, since);
        }
        if (until != null) {
            ps.setLong(i++, until);
        }
        return i;
    }

    private static String in(String column, List<String> values) {
        return values == null || values.isEmpty() ? "" : " AND " + column + " IN (" + placeholders(values.size()) + ")";
    }

    private static int bindAll(PreparedStatement ps, int i, List<String> values) throws SQLException {
        if (values != null) {
            for (String v : values) {
                ps.setString(i++, v);
            }
        }
        return i;
    }

    // -------------------------------------------------------------- planning

    /** A planned key range: {@code rows} row keys from {@code lo} to {@code hi}. */
    public record KeyRange(long lo, long hi, long rows) {
    }

    @FunctionalInterface
    public interface RangeSink {
        void range(KeyRange range) throws IOException;
    }

    /**
     * Cuts {@code type}'s row keys above {@code after}, in key order, into ranges of
     * {@code sizes.getAsInt()} keys each (all versions; the planner only needs row counts), or with
     * {@code since} only those updated after it, and stops once the ranges hold {@code maxRows}
     * keys or more (the last range is cut short to stay within it when {@code since} is given).
     * Returns the keys the ranges hold. Without {@code since} a range is two lookups that the
     * database answers by stepping through its (res_type, pk) index, so no key crosses into Java;
     * with it the matching keys are streamed, as the database could otherwise pick the
     * last_updated index and sort all matches again for every range.
     */
    public long forEachKeyRange(String type, Long since, long after, long maxRows, IntSupplier sizes, RangeSink sink)
            throws IOException {
        if (since != null) {
            long[] open = {0, 0, 0, 0};
            int[] size = {sizes.getAsInt()};
            stream("SELECT pk FROM resource WHERE res_type = ? AND last_updated > ? AND pk > ? ORDER BY pk LIMIT ?",
                    ps -> {
                        ps.setString(1, type);
                        ps.setLong(2, since);
                        ps.setLong(3, after);
                        ps.setLong(4, maxRows);
                    }, rs -> {
                        long pk = rs.getLong(1);
                        if (open[2] == 0) {
                            open[0] = pk;
                        }
                        open[1] = pk;
                        open[3]++;
                        if (++open[2] == size[0]) {
                            sink.range(new KeyRange(open[0], open[1], open[2]));
                            open[2] = 0;
                            size[0] = sizes.getAsInt();
                        }
                    });
            if (open[2] > 0) {
                sink.range(new KeyRange(open[0], open[1], open[2]));
            }
            return open[3];
        }
        // The range's last key is found by OFFSET from its first: the database steps through the
        // index itself, three times faster than feeding the keys to count(*), min and max.
        String next = "SELECT pk FROM resource WHERE res_type = ? AND pk > ? ORDER BY pk LIMIT 1 OFFSET ?";
        String rest = "SELECT count(*), max(pk) FROM resource WHERE res_type = ? AND pk >= ?";
        long from = after;
        long planned = 0;
        while (planned < maxRows) {
            Long lo = key(next, type, from, 0);
            if (lo == null) {
                break;
            }
            int size = Math.max(1, sizes.getAsInt());
            Long hi = key(next, type, lo - 1, size - 1);
            if (hi == null) {
                long[] tail = {0, 0};
                stream(rest, ps -> {
                    ps.setString(1, type);
                    ps.setLong(2, lo);
                }, rs -> {
                    tail[0] = rs.getLong(1);
                    tail[1] = rs.getLong(2);
                });
                sink.range(new KeyRange(lo, tail[1], tail[0]));
                return planned + tail[0];
            }
            sink.range(new KeyRange(lo, hi, size));
            planned += size;
            from = hi;
        }
        return planned;
    }

    /** The key {@code offset} places after the first key of {@code type} above {@code above}, or null. */
    private Long key(String sql, String type, long above, int offset) throws IOException {
        Long[] key = {null};
        stream(sql, ps -> {
            ps.setString(1, type);
            ps.setLong(2, above);
            ps.setInt(3, offset);
        }, rs -> key[0] = rs.getLong(1));
        return key[0];
    }

    /**
     * Fills {@code export_job_patient} with a Patient-level job's patients: every Patient visible
     * at T, or only those of {@code only} (the {@code patient} parameter) when given. All are
     * "since-filtered" (sort key prefix 1).
     */
    public int loadAllPatients(String jobId, long t, List<String> only) {
        return update("INSERT INTO export_job_patient (job_id, sort_key, patient_id, full_history)"
                + " SELECT ?, '1' || r.res_id, r.res_id, 0 FROM resource r WHERE r.res_type = 'Patient' AND" + VISIBLE
                + in("r.res_id", only), jobId, ps -> {
                    ps.setString(1, jobId);
                    ps.setLong(2, t);
                    ps.setLong(3, t);
                    bindAll(ps, 4, only);
                });
    }

    /**
     * Fills {@code export_job_patient} with a Group's Patient members as of T. With {@code since},
     * members who were not in the Group at {@code since} get their whole record (sort key prefix
     * 0, ordered before the others). {@code only} (the {@code patient} parameter) narrows them.
     */
    public int loadGroupMembers(String jobId, String groupId, long t, Long since, List<String> only) {
        String asOfT = "SELECT DISTINCT member_id FROM group_member WHERE group_id = ? AND member_type = 'Patient'"
                + " AND added_at <= ? AND (removed_at IS NULL OR removed_at > ?)" + in("member_id", only);
        if (since == null) {
            return update("INSERT INTO export_job_patient (job_id, sort_key, patient_id, full_history)"
                    + " SELECT ?, '1' || m.member_id, m.member_id, 0 FROM (" + asOfT + ") m", jobId, ps -> {
                        ps.setString(1, jobId);
                        ps.setString(2, groupId);
                        ps.setLong(3, t);
                        ps.setLong(4, t);
                        bindAll(ps, 5, only);
                    });
        }
        String isNew = "NOT EXISTS (SELECT 1 FROM group_member g2 WHERE g2.group_id = ? AND g2.member_type = 'Patient'"
                + " AND g2.member_id = m.member_id AND g2.added_at <= ? AND (g2.removed_at IS NULL OR g2.removed_at > ?))";
        return update("INSERT INTO export_job_patient (job_id, sort_key, patient_id, full_history)"
                + " SELECT ?, CASE WHEN n.is_new = 1 THEN '0' ELSE '1' END || n.member_id, n.member_id, n.is_new FROM"
                + " (SELECT m.member_id, CASE WHEN " + isNew + " THEN 1 ELSE 0 END AS is_new FROM (" + asOfT + ") m) n",
                jobId, ps -> {
                    ps.setString(1, jobId);
                    ps.setString(2, groupId);
                    ps.setLong(3, since);
                    ps.setLong(4, since);
                    ps.setString(5, groupId);
                    ps.setLong(6, t);
                    ps.setLong(7, t);
                    bindAll(ps, 8, only);
                });
    }

    private int update(String insert, String jobId, Binder binder) {
        return db.inWriteTransaction("Listing the export's patients failed", c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM export_job_patient WHERE job_id = ?")) {
                del.setString(1, jobId);
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                binder.bind(ps);
                return ps.executeUpdate();
            }
        });
    }

    /** Of {@code ids}, those with no Patient visible at T. */
    public List<String> unknownPatients(List<String> ids, long t) throws IOException {
        List<String> found = new ArrayList<>();
        stream("SELECT r.res_id FROM resource r WHERE r.res_type = 'Patient' AND" + VISIBLE + in("r.res_id", ids), ps -> {
            ps.setLong(1, t);
            ps.setLong(2, t);
            bindAll(ps, 3, ids);
        }, rs -> found.add(rs.getString(1)));
        return ids.stream().filter(id -> !found.contains(id)).toList();
    }

    /** Of {@code ids}, those that are not Patient members of the Group at T. */
    public List<String> nonMembers(String groupId, List<String> ids, long t) throws IOException {
        List<String> found = new ArrayList<>();
        stream("SELECT DISTINCT member_id FROM group_member WHERE group_id = ? AND member_type = 'Patient'"
                + " AND added_at <= ? AND (removed_at IS NULL OR removed_at > ?)" + in("member_id", ids), ps -> {
                    ps.setString(1, groupId);
                    ps.setLong(2, t);
                    ps.setLong(3, t);
                    bindAll(ps, 4, ids);
                }, rs -> found.add(rs.getString(1)));
        return ids.stream().filter(id -> !found.contains(id)).toList();
    }

    /** The job's patient sort keys in order, for cutting batches. */
    public void forEachPatientKey(String jobId, KeySink sink) throws IOException {
        stream("SELECT sort_key, full_history FROM export_job_patient WHERE job_id = ? ORDER BY sort_key",
                ps -> ps.setString(1, jobId), rs -> sink.key(rs.getString(1), rs.getInt(2) != 0));
    }

    // ----------------------------------------------------------------- tasks

    /** What a system-level task exports: visible rows of one type in a key range, in the window, matching the filter. */
    public record Range(String type, long lo, long hi, long t, Long since, Long until, SqlPredicate filter) {
        String where() {
            return " r.res_type = ? AND r.pk >= ? AND r.pk <= ? AND" + VISIBLE + window("r", since, until)
                    + SqlPredicate.and(filter);
        }

        int bind(PreparedStatement ps, int i) throws SQLException {
            ps.setString(i++, type);
            ps.setLong(i++, lo);
            ps.setLong(i++, hi);
            ps.setLong(i++, t);
            ps.setLong(i++, t);
            i = bindWindow(ps, i, since, until);
            return SqlPredicate.bind(filter, ps, i, lo, hi);
        }
    }

    /** Streams a range's resources in key order. */
    public long streamRange(Range range, RowSink sink) throws IOException {
        // One type per range (and per batch or context stream below): the body is the only column read.
        String sql = "SELECT r.body FROM resource r WHERE" + range.where() + " ORDER BY r.pk";
        String type = range.type();
        return stream(sql, ps -> range.bind(ps, 1), rs -> sink.row(type, rs.getBytes(1)));
    }

    /**
     * A patient batch: the job, its sort-key range, and the snapshot filters ({@code since} is
     * null for patients whose whole record is due).
     */
    public record Batch(String jobId, String loKey, String hiKey, long t, Long since, Long until) {
    }

    /**
     * The pks of a batch's compartment resources of {@code types}: those in the compartment of a
     * batch patient, unless a job patient that sorts before the batch also has them (that
     * patient's batch exports them), so a resource shared by patients is exported once. The
     * batch patients' Patient resources are added when {@code withPatients}.
     */
    private static String batchPks(int typeCount, boolean withPatients) {
        String sql = "SELECT c.res_pk FROM export_job_patient jp JOIN idx_compartment c ON c.patient_id = jp.patient_id"
                + " WHERE jp.job_id = ? AND jp.sort_key >= ? AND jp.sort_key <= ? AND c.res_type IN ("
                + placeholders(typeCount) + ") AND c.res_type <> 'Patient'"
                // Driven from the resource's own compartment rows (usually just this one), never
                // from the job's patient list, which would make each batch scan all earlier patients.
                + " AND NOT EXISTS (SELECT 1 FROM idx_compartment c2 WHERE c2.res_pk = c.res_pk"
                + " AND c2.patient_id <> c.patient_id AND EXISTS (SELECT 1 FROM export_job_patient jp2"
                + " WHERE jp2.job_id = ? AND jp2.patient_id = c2.patient_id AND jp2.sort_key < ?))";
        if (withPatients) {
            sql += " UNION ALL SELECT p.pk FROM export_job_patient jp JOIN resource p ON p.res_type = 'Patient'"
                    + " AND p.res_id = jp.patient_id WHERE jp.job_id = ? AND jp.sort_key >= ? AND jp.sort_key <= ?";
        }
        return sql;
    }

    private static int bindBatchPks(PreparedStatement ps, int i, Batch b, List<String> types, boolean withPatients)
            throws SQLException {
        ps.setString(i++, b.jobId());
        ps.setString(i++, b.loKey());
        ps.setString(i++, b.hiKey());
        for (String type : types) {
            ps.setString(i++, type);
        }
        ps.setString(i++, b.jobId());
        ps.setString(i++, b.loKey());
        if (withPatients) {
            ps.setString(i++, b.jobId());
            ps.setString(i++, b.loKey());
            ps.setString(i++, b.hiKey());
        }
        return i;
    }

    /** The compartment types that have rows for the batch's patients. */
    public List<String> typesInBatch(Batch b) throws IOException {
        List<String> types = new ArrayList<>();
        stream("SELECT DISTINCT c.res_type FROM export_job_patient jp JOIN idx_compartment c ON c.patient_id = jp.patient_id"
                + " WHERE jp.job_id = ? AND jp.sort_key >= ? AND jp.sort_key <= ?", ps -> {
                    ps.setString(1, b.jobId());
                    ps.setString(2, b.loKey());
                    ps.setString(3, b.hiKey());
                }, rs -> types.add(rs.getString(1)));
        return types;
    }

    /**
     * Streams the batch's visible resources of one type matching {@code filter}, in key order,
     * handing their keys to {@code refs} (when not null) to find the context resources they use.
     */
    public long streamBatch(Batch b, String type, SqlPredicate filter, ContextRefs refs, RowSink sink)
            throws IOException {
        boolean patients = type.equals("Patient");
        String pks = patients
                ? "SELECT p.pk FROM export_job_patient jp JOIN resource p ON p.res_type = 'Patient'"
                        + " AND p.res_id = jp.patient_id WHERE jp.job_id = ? AND jp.sort_key >= ? AND jp.sort_key <= ?"
                : batchPks(1, false);
        String sql = "SELECT r.body, r.pk FROM resource r WHERE r.pk IN (" + pks + ") AND" + VISIBLE
                + window("r", b.since(), b.until()) + SqlPredicate.and(filter) + " ORDER BY r.pk";
        long rows = stream(sql, ps -> {
            int i;
            if (patients) {
                ps.setString(1, b.jobId());
                ps.setString(2, b.loKey());
                ps.setString(3, b.hiKey());
                i = 4;
            } else {
                i = bindBatchPks(ps, 1, b, List.of(type), false);
            }
            ps.setLong(i++, b.t());
            ps.setLong(i++, b.t());
            i = bindWindow(ps, i, b.since(), b.until());
            SqlPredicate.bind(filter, ps, i);
        }, rs -> {
            if (refs != null) {
                refs.add(rs.getLong(2));
            }
            sink.row(type, rs.getBytes(1));
        });
        if (refs != null) {
            refs.probe();
        }
        return rows;
    }

    /**
     * A batch's references to context resources ({@code contextTypes}), found from the keys of
     * the rows it streams, so the batch's resources (compartment joins, visibility, filters) are
     * not derived a second time. A stream's keys are kept (8 bytes a resource) and probed 1,000 at a
     * time once it has ended: probing while it runs would hold a second pooled connection per
     * worker, and workers that each hold one while waiting for another can exhaust the pool. The
     * probes are plain reads; {@link #record} then adds the references to the job in one short write.
     */
    public final class ContextRefs {
        private static final int CHUNK = 1000;
        private final String jobId;
        private final List<String> contextTypes;
        private long[] keys = new long[CHUNK];
        private int pending;
        /** Each reference found, once, by "type/id". */
        private final Map<String, String[]> found = new LinkedHashMap<>();

        private ContextRefs(String jobId, Collection<String> contextTypes) {
            this.jobId = jobId;
            this.contextTypes = List.copyOf(contextTypes);
        }

        void add(long pk) {
            if (pending == keys.length) {
                keys = Arrays.copyOf(keys, keys.length * 2);
            }
            keys[pending++] = pk;
        }

        /** Looks up the references of the keys kept so far, a chunk per query; called between streams. */
        void probe() throws IOException {
            for (int from = 0; from < pending; from += CHUNK) {
                probe(from, Math.min(pending, from + CHUNK));
            }
            pending = 0;
            if (keys.length > CHUNK) {
                keys = new long[CHUNK];
            }
        }

        private void probe(int from, int to) throws IOException {
            stream("SELECT DISTINCT target_type, target_id FROM idx_reference WHERE res_pk IN (" + placeholders(to - from)
                    + ") AND target_type IN (" + placeholders(contextTypes.size()) + ") AND target_id IS NOT NULL", ps -> {
                        int i = 1;
                        for (int k = from; k < to; k++) {
                            ps.setLong(i++, keys[k]);
                        }
                        bindAll(ps, i, contextTypes);
                    }, rs -> {
                        String type = rs.getString(1);
                        String id = rs.getString(2);
                        found.putIfAbsent(type + "/" + id, new String[] {type, id});
                    });
        }

        /**
         * Adds what the batch's streams found (each probed its keys as it ended) to the job's context
         * list; idempotent, so a re-run batch adds nothing twice.
         */
        public void record() {
            SnapshotReader.this.record(jobId, new ArrayList<>(found.values()), "Collecting context references failed");
        }
    }

    /** A collector for a batch's context references; null when the job exports no context types. */
    public ContextRefs contextRefs(String jobId, Collection<String> contextTypes) {
        return contextTypes.isEmpty() ? null : new ContextRefs(jobId, contextTypes);
    }

    /**
     * Adds found references to the job's context list in one short write transaction; the
     * finding was a plain read, so workers collecting for other batches never queue behind it.
     */
    private void record(String jobId, List<String[]> refs, String what) {
        if (refs.isEmpty()) {
            return;
        }
        boolean pg = db.dialect() == Dialect.POSTGRESQL;
        String insert = (pg ? "INSERT INTO" : "INSERT OR IGNORE INTO")
                + " export_context_ref (job_id, target_type, target_id) VALUES (?,?,?)"
                + (pg ? " ON CONFLICT DO NOTHING" : "");
        db.inWriteTransaction(what, c -> {
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                for (String[] ref : refs) {
                    ps.setString(1, jobId);
                    ps.setString(2, ref[0]);
                    ps.setString(3, ref[1]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Context types a job collected references to. */
    public List<String> contextTypes(String jobId) throws IOException {
        List<String> types = new ArrayList<>();
        stream("SELECT DISTINCT target_type FROM export_context_ref WHERE job_id = ? ORDER BY target_type",
                ps -> ps.setString(1, jobId), rs -> types.add(rs.getString(1)));
        return types;
    }

    /**
     * The collected context resources (and Provenance) of one type, as of T (whatever their own
     * lastUpdated), matching {@code filter}.
     */
    public long streamContext(String jobId, String type, long t, SqlPredicate filter, RowSink sink) throws IOException {
        String sql = "SELECT r.body FROM export_context_ref x JOIN resource r ON r.res_type = x.target_type"
                + " AND r.res_id = x.target_id WHERE x.job_id = ? AND x.target_type = ? AND" + VISIBLE
                + SqlPredicate.and(filter) + " ORDER BY r.pk";
        return stream(sql, ps -> {
            ps.setString(1, jobId);
            ps.setString(2, type);
            ps.setLong(3, t);
            ps.setLong(4, t);
            SqlPredicate.bind(filter, ps, 5);
        }, rs -> sink.row(type, rs.getBytes(1)));
    }

    // ------------------------------------------------------------ provenance

    /** Which Provenance go with what a task exported (S-37, S-40). */
    public enum ProvenanceRule {
        /** Every Provenance whose target is in a job patient's compartment (Patient/Group default). */
        TARGETS_COMPARTMENT,
        /** Every Provenance that targets an exported resource. */
        RELEVANT,
        /** Per exported resource, the Provenance recorded last (then the one stored last). */
        LATEST
    }

    private static final String VISIBLE_P = VISIBLE.replace("r.", "p.");

    /**
     * Records, once per job, the Provenance of a patient batch by {@code rule}. For
     * {@link ProvenanceRule#TARGETS_COMPARTMENT} the Provenance are the exported resources and
     * take the batch's window and {@code provenanceFilter}; otherwise they are associated data,
     * found from the batch's exported {@code types} (window and {@code filter} applied to those).
     */
    public void collectBatchProvenance(Batch b, ProvenanceRule rule, List<String> types, SqlPredicate filter,
                                       SqlPredicate provenanceFilter) {
        if (rule == ProvenanceRule.TARGETS_COMPARTMENT) {
            String exported = "SELECT r.res_type, r.res_id FROM resource r WHERE r.pk IN (SELECT c.res_pk FROM"
                    + " export_job_patient jp JOIN idx_compartment c ON c.patient_id = jp.patient_id WHERE jp.job_id = ?"
                    + " AND jp.sort_key >= ? AND jp.sort_key <= ?) AND" + VISIBLE;
            collectProvenance(b.jobId(), exported, (ps, i) -> {
                ps.setString(i++, b.jobId());
                ps.setString(i++, b.loKey());
                ps.setString(i++, b.hiKey());
                ps.setLong(i++, b.t());
                ps.setLong(i++, b.t());
                return i;
            }, false, b.t(), b.since(), b.until(), provenanceFilter);
            return;
        }
        if (types.isEmpty()) {
            return;
        }
        boolean withPatients = types.contains("Patient");
        String exported = "SELECT r.res_type, r.res_id FROM resource r WHERE r.pk IN ("
                + batchPks(types.size(), withPatients) + ") AND" + VISIBLE + window("r", b.since(), b.until())
                + SqlPredicate.and(filter);
        collectProvenance(b.jobId(), exported, (ps, i) -> {
            i = bindBatchPks(ps, i, b, types, withPatients);
            ps.setLong(i++, b.t());
            ps.setLong(i++, b.t());
            i = bindWindow(ps, i, b.since(), b.until());
            return SqlPredicate.bind(filter, ps, i);
        }, rule == ProvenanceRule.LATEST, b.t(), null, null, null);
    }

    /** Records the associated Provenance ({@code RELEVANT} or {@code LATEST}) of a system-level range. */
    public void collectRangeProvenance(String jobId, Range range, ProvenanceRule rule) {
        String exported = "SELECT r.res_type, r.res_id FROM resource r WHERE" + range.where();
        collectProvenance(jobId, exported, range::bind, rule == ProvenanceRule.LATEST, range.t(), null, null, null);
    }

    @FunctionalInterface
    private interface IndexedBinder {
        int bind(PreparedStatement ps, int index) throws SQLException;
    }

    private void collectProvenance(String jobId, String exported, IndexedBinder exportedBinds, boolean latest, long t,
                                   Long since, Long until, SqlPredicate provenanceFilter) {
        // Start from the (few) exported rows and look their Provenance up by target. Materializing
        // e was not enough for SQLite, which without statistics still walked every Provenance
        // target in the store for each batch (quadratic: a 10,000-patient Patient export spent
        // minutes here); its CROSS JOIN fixes the loop order, and PostgreSQL reads it as a plain join.
        String candidates = "SELECT e.res_type AS tt, e.res_id AS tid, p.res_id AS pid, p.pk AS ppk,"
                + " COALESCE((SELECT MAX(d.low) FROM idx_date d WHERE d.param_id = " + PROVENANCE_RECORDED
                + " AND d.res_pk = p.pk), p.last_updated) AS precorded"
                + " FROM e CROSS JOIN idx_reference ref JOIN resource p ON p.pk = ref.res_pk"
                + " WHERE ref.param_id = " + PROVENANCE_TARGET + " AND ref.target_id = e.res_id"
                + " AND ref.target_type = e.res_type AND" + VISIBLE_P + window("p", since, until)
                + SqlPredicate.and(provenanceFilter);
        String pick = latest
                ? "SELECT DISTINCT x.pid FROM (SELECT c.pid, ROW_NUMBER() OVER (PARTITION BY c.tt, c.tid"
                        + " ORDER BY c.precorded DESC, c.ppk DESC) AS rn FROM (" + candidates + ") c) x WHERE x.rn = 1"
                : "SELECT DISTINCT c.pid FROM (" + candidates + ") c";
        // A plain read, like the context references: as one INSERT ... SELECT it held SQLite's single
        // writer for the whole lookup, and a Patient-level export's workers queued behind each other.
        String sql = "WITH e AS MATERIALIZED (" + exported + ") " + pick;
        List<String[]> found = new ArrayList<>();
        try {
            stream(sql, ps -> {
                int i = exportedBinds.bind(ps, 1);
                ps.setLong(i++, t);
                ps.setLong(i++, t);
                i = bindWindow(ps, i, since, until);
                SqlPredicate.bind(provenanceFilter, ps, i);
            }, rs -> found.add(new String[] {"Provenance", rs.getString(1)}));
        } catch (IOException e) {
            throw new StoreException("Collecting Provenance failed: " + e.getMessage(), e);
        }
        record(jobId, found, "Collecting Provenance failed");
    }

    // ------------------------------------------------------------ organized

    /** Receives organized rows with the patient whose block they belong to. */
    @FunctionalInterface
    public interface BlockSink {
        void row(String patientId, String type, byte[] body) throws IOException;
    }

    /**
     * The batch's resources of {@code types} patient by patient (sort-key order): each patient's
     * Patient resource first, then their compartment resources. A resource in several job
     * patients' compartments goes to the block of the first of them only.
     */
    public long streamOrganized(Batch b, List<String> types, SqlPredicate filter, BlockSink sink) throws IOException {
        List<String> others = types.stream().filter(ty -> !ty.equals("Patient")).toList();
        boolean patients = types.contains("Patient");
        StringBuilder parts = new StringBuilder();
        if (patients) {
            parts.append("SELECT jp.sort_key, jp.patient_id, 0 AS rnk, p.pk AS pk FROM export_job_patient jp"
                    + " JOIN resource p ON p.res_type = 'Patient' AND p.res_id = jp.patient_id"
                    + " WHERE jp.job_id = ? AND jp.sort_key >= ? AND jp.sort_key <= ?");
        }
        if (!others.isEmpty()) {
            parts.append(patients ? " UNION ALL " : "");
            parts.append("SELECT jp.sort_key, jp.patient_id, 1 AS rnk, c.res_pk AS pk FROM export_job_patient jp"
                    + " JOIN idx_compartment c ON c.patient_id = jp.patient_id WHERE jp.job_id = ? AND jp.sort_key >= ?"
                    + " AND jp.sort_key <= ? AND c.res_type IN (" + placeholders(others.size()) + ")"
                    + " AND NOT EXISTS (SELECT 1 FROM idx_compartment c2 JOIN export_job_patient jp2"
                    + " ON jp2.patient_id = c2.patient_id WHERE c2.res_pk = c.res_pk AND jp2.job_id = ?"
                    + " AND jp2.sort_key < jp.sort_key)");
        }
        if (parts.length() == 0) {
            return 0;
        }
        String sql = "SELECT x.patient_id, r.res_type, r.body FROM (" + parts + ") x JOIN resource r ON r.pk = x.pk"
                + " WHERE" + VISIBLE + window("r", b.since(), b.until()) + SqlPredicate.and(filter)
                + " ORDER BY x.sort_key, x.rnk, r.res_type, r.pk";
        return stream(sql, ps -> {
            int i = 1;
            if (patients) {
                ps.setString(i++, b.jobId());
                ps.setString(i++, b.loKey());
                ps.setString(i++, b.hiKey());
            }
            if (!others.isEmpty()) {
                ps.setString(i++, b.jobId());
                ps.setString(i++, b.loKey());
                ps.setString(i++, b.hiKey());
                i = bindAll(ps, i, others);
                ps.setString(i++, b.jobId());
            }
            ps.setLong(i++, b.t());
            ps.setLong(i++, b.t());
            i = bindWindow(ps, i, b.since(), b.until());
            SqlPredicate.bind(filter, ps, i);
        }, rs -> sink.row(rs.getString(1), rs.getString(2), rs.getBytes(3)));
    }

    /** Resources of {@code type} deleted after {@code since} (and before {@code until}) and still deleted at T. */
    public long streamDeleted(String type, long since, Long until, long t, DeletedSink sink) throws IOException {
        String sql = "SELECT r.res_id FROM resource r WHERE r.res_type = ? AND r.deleted = 1 AND r.last_updated > ?"
                + " AND r.last_updated <= ? AND (r.valid_to IS NULL OR r.valid_to > ?)" + window("r", null, until)
                + " ORDER BY r.pk";
        return stream(sql, ps -> {
            ps.setString(1, type);
            ps.setLong(2, since);
            ps.setLong(3, t);
            ps.setLong(4, t);
            bindWindow(ps, 5, null, until);
        }, rs -> sink.deleted(type, rs.getString(1)));
    }

    /**
     * Like {@link #streamDeleted} for Patient/Group level: only resources whose last version
     * before the delete was in a patient's compartment (with {@code jobId}, a job patient's), and
     * deleted Patients (with {@code jobId}, job patients).
     */
    public long streamDeletedInCompartment(String type, String jobId, long since, Long until, long t,
                                           DeletedSink sink) throws IOException {
        String member = jobId == null ? "" : " AND c.patient_id IN (SELECT patient_id FROM export_job_patient WHERE job_id = ?)";
        String cond = type.equals("Patient")
                ? (jobId == null ? "" : " AND r.res_id IN (SELECT patient_id FROM export_job_patient WHERE job_id = ?)")
                : " AND EXISTS (SELECT 1 FROM resource v JOIN idx_compartment c ON c.res_pk = v.pk WHERE v.res_type = r.res_type"
                        + " AND v.res_id = r.res_id AND v.version = r.version - 1" + member + ")";
        String sql = "SELECT r.res_id FROM resource r WHERE r.res_type = ? AND r.deleted = 1 AND r.last_updated > ?"
                + " AND r.last_updated <= ? AND (r.valid_to IS NULL OR r.valid_to > ?)" + window("r", null, until) + cond
                + " ORDER BY r.pk";
        return stream(sql, ps -> {
            ps.setString(1, type);
            ps.setLong(2, since);
            ps.setLong(3, t);
            ps.setLong(4, t);
            int i = bindWindow(ps, 5, null, until);
            if (jobId != null) {
                ps.setString(i, jobId);
            }
        }, rs -> sink.deleted(type, rs.getString(1)));
    }
}
