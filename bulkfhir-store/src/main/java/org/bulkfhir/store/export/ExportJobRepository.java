package org.bulkfhir.store.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.Dialect;
import org.bulkfhir.store.StoreException;

/**
 * Export job, task and file state ({@code V2__export_jobs.sql}). Every change that must be seen
 * whole (a task done and its files recorded; a plan and its tasks) happens in one transaction,
 * so a node that dies between two statements leaves nothing half-done behind.
 */
public final class ExportJobRepository {
    private static final String JOB_COLUMNS = "id, client_id, level, group_id, request_url, output_format, since_ms,"
            + " types, ignored, transaction_time, status, created_at, started_at, completed_at, expires_at, error,"
            + " tasks_total, tasks_done, planned_rows, done_rows, resources, options";
    private static final String TASK_COLUMNS = "id, job_id, seq, kind, res_type, lo_pk, hi_pk, lo_key, hi_key,"
            + " full_history, attempts, lease_owner, estimate";
    private static final String FILE_COLUMNS = "job_id, name, task_seq, kind, res_type, line_count, bytes, crc32c,"
            + " sha256, continues_in, seq";
    private static final String ACTIVE = "('accepted','running')";

    private final Database db;

    public ExportJobRepository(Database db) {
        this.db = db;
    }

    /** Work done inside one write transaction. */
    @FunctionalInterface
    public interface TxWork<T> {
        T run(Connection c) throws SQLException, IOException;
    }

    /** Runs {@code work} in a write transaction; a false/null result or an exception rolls back. */
    private <T> T write(TxWork<T> work) {
        try {
            return db.inWriteTransaction("Export job update failed", c -> {
                try {
                    return work.run(c);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, result -> result != null && !Boolean.FALSE.equals(result));
        } catch (UncheckedIOException e) {
            throw new StoreException("Export file commit failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private <T> T read(TxWork<T> work) {
        try (Connection c = db.connection()) {
            return work.run(c);
        } catch (SQLException | IOException e) {
            throw new StoreException("Export job read failed: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ jobs

    /** Stores a new job with its plan task (seq 0). */
    public void create(JobRow j) {
        write(c -> insertJob(c, j));
    }

    /**
     * Stores a new job unless its client already has {@code maxActive} accepted or running jobs;
     * false then. Counting and inserting happen under a per-client lock (PostgreSQL advisory lock,
     * SQLite's single writer), so nodes racing on kick-offs of one client cannot overshoot.
     */
    public boolean createWithin(JobRow j, int maxActive) {
        return write(c -> {
            if (db.dialect() == Dialect.POSTGRESQL) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                    ps.setString(1, "bulkfhir-export-client:" + j.clientId());
                    ps.execute();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM export_job WHERE client_id = ?"
                    + " AND status IN " + ACTIVE)) {
                ps.setString(1, j.clientId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= maxActive) {
                        return false;
                    }
                }
            }
            return insertJob(c, j);
        }) == Boolean.TRUE;
    }

    private static boolean insertJob(Connection c, JobRow j) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO export_job (id, client_id, level, group_id,"
                + " request_url, output_format, since_ms, types, ignored, transaction_time, status, created_at,"
                + " tasks_total, last_served, options) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,0,?)")) {
            ps.setString(1, j.id());
            ps.setString(2, j.clientId());
            ps.setString(3, j.level());
            ps.setString(4, j.groupId());
            ps.setString(5, j.requestUrl());
            ps.setString(6, j.outputFormat());
            setLong(ps, 7, j.since());
            ps.setString(8, j.types());
            ps.setString(9, j.ignored());
            ps.setLong(10, j.transactionTime());
            ps.setString(11, JobStatus.ACCEPTED.code());
            ps.setLong(12, j.createdAt());
            ps.setString(13, j.options());
            ps.executeUpdate();
        }
        insertTasks(c, j.id(), 0, List.of(NewTask.of(TaskKind.PLAN)));
        return true;
    }

    public Optional<JobRow> job(String id) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + JOB_COLUMNS + " FROM export_job WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(job(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Jobs of this client that are still accepted or running. */
    public int activeJobs(String clientId) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM export_job WHERE client_id = ?"
                    + " AND status IN " + ACTIVE)) {
                ps.setString(1, clientId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * Ended jobs whose expiry has passed, except those some node is still streaming a file of
     * ({@link #downloading}).
     */
    public List<JobRow> expired(long now) {
        return read(c -> {
            List<JobRow> jobs = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + JOB_COLUMNS + " FROM export_job"
                    + " WHERE status IN ('completed','failed') AND expires_at IS NOT NULL AND expires_at <= ?"
                    + " AND (download_until IS NULL OR download_until <= ?)")) {
                ps.setLong(1, now);
                ps.setLong(2, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        jobs.add(job(rs));
                    }
                }
            }
            return jobs;
        });
    }

    /**
     * Ends a job from outside (client DELETE, expiry): sets {@code status}, drops its tasks, file
     * records and working rows. Returns false when the job is unknown or already ended that way.
     * A worker still running one of its tasks finds its lease gone and abandons it.
     */
    public boolean end(String jobId, JobStatus status) {
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE export_job SET status = ? WHERE id = ?"
                    + " AND status NOT IN ('cancelled','expired')")) {
                ps.setString(1, status.code());
                ps.setString(2, jobId);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            for (String table : List.of("export_task", "export_file", "export_job_patient", "export_context_ref",
                    "export_manifest_page")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE job_id = ?")) {
                    ps.setString(1, jobId);
                    ps.executeUpdate();
                }
            }
            return true;
        });
    }

    /** Forgets ended jobs (cancelled, expired) created before {@code before}. */
    public int purgeEnded(long before) {
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM export_job WHERE status IN ('cancelled','expired')"
                    + " AND created_at < ?")) {
                ps.setLong(1, before);
                return ps.executeUpdate();
            }
        });
    }

    /** Marks a job failed (a task failed too often); its URLs then answer with the error. */
    public void fail(String jobId, String error, long now, long expiresAt) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE export_job SET status = 'failed', error = ?,"
                    + " completed_at = ?, expires_at = ? WHERE id = ? AND status IN " + ACTIVE)) {
                ps.setString(1, error);
                ps.setLong(2, now);
                ps.setLong(3, expiresAt);
                ps.setString(4, jobId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM export_task WHERE job_id = ?")) {
                ps.setString(1, jobId);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** Records that a node is streaming a file of the job until at least {@code until}. */
    public void downloading(String jobId, long until) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE export_job SET download_until = ? WHERE id = ?"
                    + " AND (download_until IS NULL OR download_until < ?)")) {
                ps.setLong(1, until);
                ps.setString(2, jobId);
                ps.setLong(3, until);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** When a running job's status was last answered, and the Retry-After it advised (ms). */
    public record LastPoll(long at, long adviceMillis) {
    }

    public Optional<LastPoll> lastPoll(String jobId) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT polled_at, poll_advice_ms FROM export_job"
                    + " WHERE id = ? AND polled_at IS NOT NULL")) {
                ps.setString(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new LastPoll(rs.getLong(1), rs.getLong(2))) : Optional.empty();
                }
            }
        });
    }

    public void polled(String jobId, long at, long adviceMillis) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE export_job SET polled_at = ?, poll_advice_ms = ?"
                    + " WHERE id = ?")) {
                ps.setLong(1, at);
                ps.setLong(2, adviceMillis);
                ps.setString(3, jobId);
                ps.executeUpdate();
            }
            return true;
        });
    }

    // ----------------------------------------------------------------- tasks

    /** The seq after the job's last task (a plan may be in several parts, each adding tasks). */
    private static int nextTaskSeq(Connection c, String jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) + 1 FROM export_task WHERE job_id = ?")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void insertTasks(Connection c, String jobId, int firstSeq, List<NewTask> tasks) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO export_task (job_id, seq, kind, res_type, lo_pk,"
                + " hi_pk, lo_key, hi_key, full_history, estimate, status, attempts) VALUES (?,?,?,?,?,?,?,?,?,?,'pending',0)")) {
            int seq = firstSeq;
            for (NewTask t : tasks) {
                ps.setString(1, jobId);
                ps.setInt(2, seq++);
                ps.setString(3, t.kind().code());
                ps.setString(4, t.resType());
                setLong(ps, 5, t.loPk());
                setLong(ps, 6, t.hiPk());
                ps.setString(7, t.loKey());
                ps.setString(8, t.hiKey());
                ps.setInt(9, t.fullHistory() ? 1 : 0);
                ps.setLong(10, t.estimate());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Claims the next task: pending, or running under an expired lease (its worker died). Jobs
     * take turns: the job served least recently goes first; within a job, a plan task that goes
     * on with the plan comes before the ranges planned so far. A context task waits until every
     * patient batch and range of its job is done, since it exports what they referenced.
     */
    public Optional<TaskRow> claim(String owner, long now, long leaseUntil) {
        String pick = "SELECT t.id FROM export_task t JOIN export_job j ON j.id = t.job_id"
                + " WHERE j.status IN " + ACTIVE
                + " AND (t.status = 'pending' OR (t.status = 'running' AND t.lease_until < ?))"
                + " AND (t.kind <> 'context' OR NOT EXISTS (SELECT 1 FROM export_task o WHERE o.job_id = t.job_id"
                + " AND o.kind IN ('plan','patients','range') AND o.status <> 'done'))"
                + " ORDER BY j.last_served, CASE WHEN t.kind = 'plan' THEN 0 ELSE 1 END, t.seq LIMIT 1"
                + (db.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE OF t SKIP LOCKED" : "");
        String sql = "UPDATE export_task SET status = 'running', lease_owner = ?, lease_until = ?,"
                + " attempts = attempts + 1 WHERE id = (" + pick + ") RETURNING " + TASK_COLUMNS;
        return Optional.ofNullable(write(c -> {
            TaskRow task;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, owner);
                ps.setLong(2, leaseUntil);
                ps.setLong(3, now);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    task = task(rs);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE export_job SET last_served = ?,"
                    + " started_at = COALESCE(started_at, ?) WHERE id = ?")) {
                ps.setLong(1, now);
                ps.setLong(2, now);
                ps.setString(3, task.jobId());
                ps.executeUpdate();
            }
            return task;
        }));
    }

    /** Extends a lease; false when the claim was lost (lease taken over, job cancelled). */
    public boolean extendLease(long taskId, String owner, long leaseUntil) {
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE export_task SET lease_until = ? WHERE id = ?"
                    + " AND lease_owner = ? AND status = 'running'")) {
                ps.setLong(1, leaseUntil);
                ps.setLong(2, taskId);
                ps.setString(3, owner);
                return ps.executeUpdate() == 1;
            }
        }) == Boolean.TRUE;
    }

    /** Gives a task back (a node shutting down), so another worker takes it at once. */
    public void release(long taskId, String owner) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE export_task SET status = 'pending', lease_owner = NULL,"
                    + " lease_until = NULL, attempts = attempts - 1 WHERE id = ? AND lease_owner = ? AND status = 'running'")) {
                ps.setLong(1, taskId);
                ps.setString(2, owner);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * A task failed with an error. It is retried (another claim) until it has been attempted
     * {@code maxAttempts} times; then the whole job fails. Returns true when the job failed.
     */
    public boolean taskFailed(TaskRow task, String error, int maxAttempts, long now, long expiresAt) {
        if (task.attempts() >= maxAttempts) {
            fail(task.jobId(), error, now, expiresAt);
            return true;
        }
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE export_task SET status = 'pending', lease_owner = NULL,"
                    + " lease_until = NULL, error = ? WHERE id = ? AND lease_owner = ?")) {
                ps.setString(1, error);
                ps.setLong(2, task.id());
                ps.setString(3, task.leaseOwner());
                return ps.executeUpdate() == 1;
            }
        });
        return false;
    }

    /** What a finished task hands in. */
    public record Completion(long resources, long rows, List<FileRow> files, List<NewTask> newTasks, long plannedRows) {
    }

    /** Publishes a task's files; runs inside the completion transaction, after the lease check. */
    @FunctionalInterface
    public interface FilePublisher {
        void publish() throws IOException;
    }

    /**
     * Completes a task in one transaction: checks the claim still holds and the job is active,
     * publishes the files ({@code publisher} renames them into place), records them, adds any new
     * tasks (a plan) and completes the job when this was its last task. Returns false, changing
     * nothing in the database, when the claim was lost or the job ended meanwhile.
     */
    public boolean complete(TaskRow task, Completion done, FilePublisher publisher, long now, long expiryMillis) {
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE export_task SET status = 'done', resources = ?,"
                    + " lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ? AND status = 'running'")) {
                ps.setLong(1, done.resources());
                ps.setLong(2, task.id());
                ps.setString(3, task.leaseOwner());
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE export_job SET tasks_total = tasks_total + ?,"
                    + " tasks_done = tasks_done + 1, planned_rows = planned_rows + ?, done_rows = done_rows + ?,"
                    + " resources = resources + ?, status = 'running' WHERE id = ? AND status IN " + ACTIVE)) {
                ps.setInt(1, done.newTasks().size());
                ps.setLong(2, done.plannedRows());
                ps.setLong(3, done.rows());
                ps.setLong(4, done.resources());
                ps.setString(5, task.jobId());
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            if (!done.newTasks().isEmpty()) {
                insertTasks(c, task.jobId(), nextTaskSeq(c, task.jobId()), done.newTasks());
            }
            publisher.publish();
            // The job row updated above stays locked until commit, so seq is assigned one completion at a time.
            long seq = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM export_file WHERE job_id = ?")) {
                ps.setString(1, task.jobId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    seq = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO export_file (job_id, name, task_seq, kind,"
                    + " res_type, line_count, bytes, crc32c, sha256, continues_in, seq) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
                for (FileRow f : done.files()) {
                    ps.setString(1, f.jobId());
                    ps.setString(2, f.name());
                    ps.setInt(3, f.taskSeq());
                    ps.setString(4, f.kind());
                    ps.setString(5, f.resType());
                    ps.setLong(6, f.count());
                    ps.setLong(7, f.bytes());
                    ps.setString(8, f.crc32c());
                    ps.setString(9, f.sha256());
                    ps.setString(10, f.continuesIn());
                    ps.setLong(11, ++seq);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE export_job SET status = 'completed', completed_at = ?,"
                    + " expires_at = ? WHERE id = ? AND tasks_done = tasks_total")) {
                ps.setLong(1, now);
                ps.setLong(2, now + expiryMillis);
                ps.setString(3, task.jobId());
                ps.executeUpdate();
            }
            return true;
        }) == Boolean.TRUE;
    }

    // ----------------------------------------------------------------- files

    /**
     * Whether an answer for manifest page {@code page} (1-based) would list something the last
     * answer for it did not: the page is not frozen yet and sealed files are there to freeze it
     * with, or sealed files follow it, so it now gets its {@code next} link. A cheap read for
     * pollers held until there is news. True as well for a page that cannot exist yet (its
     * predecessor was never served), which is answered at once.
     */
    public boolean pageHasNews(String jobId, int page) {
        return read(c -> {
            long[] range = pageRange(c, jobId, page);
            long after = 0;
            if (range != null) {
                after = range[1];
            } else if (page > 1) {
                long[] previous = pageRange(c, jobId, page - 1);
                if (previous == null) {
                    return true;
                }
                after = previous[1];
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM export_file WHERE job_id = ? AND seq > ? LIMIT 1")) {
                ps.setString(1, jobId);
                ps.setLong(2, after);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** A job's files in manifest order: by task, then name. */
    public List<FileRow> files(String jobId) {
        return read(c -> {
            List<FileRow> files = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM export_file"
                    + " WHERE job_id = ? ORDER BY task_seq, name")) {
                ps.setString(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        files.add(file(rs));
                    }
                }
            }
            return files;
        });
    }

    public Optional<FileRow> file(String jobId, String name) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM export_file"
                    + " WHERE job_id = ? AND name = ?")) {
                ps.setString(1, jobId);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(file(rs)) : Optional.empty();
                }
            }
        });
    }

    /** A frozen manifest page: its files in seal order, and whether sealed files follow it. */
    public record ManifestPage(int page, List<FileRow> files, boolean more) {
    }

    /**
     * Page {@code page} (1-based) of a job's files. The first time a page is asked for, it is
     * frozen with the next {@code pageSize} (at most) sealed files after the previous page; from
     * then on it always lists exactly those (S-57). Empty when the page does not exist: the
     * previous one was never served, or no file is there to freeze it with yet.
     */
    public Optional<ManifestPage> manifestPage(String jobId, int page, int pageSize) {
        boolean pg = db.dialect() == Dialect.POSTGRESQL;
        return Optional.ofNullable(write(c -> {
            long[] range = pageRange(c, jobId, page);
            if (range == null) {
                long after = 0;
                if (page > 1) {
                    long[] previous = pageRange(c, jobId, page - 1);
                    if (previous == null) {
                        return null;
                    }
                    after = previous[1];
                }
                long first = -1;
                long last = -1;
                try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM export_file WHERE job_id = ? AND seq > ?"
                        + " ORDER BY seq LIMIT ?")) {
                    ps.setString(1, jobId);
                    ps.setLong(2, after);
                    ps.setInt(3, pageSize);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            first = first < 0 ? rs.getLong(1) : first;
                            last = rs.getLong(1);
                        }
                    }
                }
                if (first < 0) {
                    return null;
                }
                try (PreparedStatement ps = c.prepareStatement((pg ? "INSERT INTO" : "INSERT OR IGNORE INTO")
                        + " export_manifest_page (job_id, page, first_seq, last_seq) VALUES (?,?,?,?)"
                        + (pg ? " ON CONFLICT DO NOTHING" : ""))) {
                    ps.setString(1, jobId);
                    ps.setInt(2, page);
                    ps.setLong(3, first);
                    ps.setLong(4, last);
                    ps.executeUpdate();
                }
                range = pageRange(c, jobId, page);
            }
            List<FileRow> files = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM export_file WHERE job_id = ?"
                    + " AND seq >= ? AND seq <= ? ORDER BY seq")) {
                ps.setString(1, jobId);
                ps.setLong(2, range[0]);
                ps.setLong(3, range[1]);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        files.add(file(rs));
                    }
                }
            }
            boolean more;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM export_file WHERE job_id = ? AND seq > ? LIMIT 1")) {
                ps.setString(1, jobId);
                ps.setLong(2, range[1]);
                try (ResultSet rs = ps.executeQuery()) {
                    more = rs.next();
                }
            }
            return new ManifestPage(page, files, more);
        }));
    }

    private static long[] pageRange(Connection c, String jobId, int page) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT first_seq, last_seq FROM export_manifest_page"
                + " WHERE job_id = ? AND page = ?")) {
            ps.setString(1, jobId);
            ps.setInt(2, page);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
            }
        }
    }

    // ---------------------------------------------------------------- mapping

    private static JobRow job(ResultSet rs) throws SQLException {
        return new JobRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), getLong(rs, 7), rs.getString(8), rs.getString(9), rs.getLong(10),
                JobStatus.ofCode(rs.getString(11)), rs.getLong(12), getLong(rs, 13), getLong(rs, 14), getLong(rs, 15),
                rs.getString(16), rs.getInt(17), rs.getInt(18), rs.getLong(19), rs.getLong(20), rs.getLong(21),
                rs.getString(22));
    }

    private static TaskRow task(ResultSet rs) throws SQLException {
        return new TaskRow(rs.getLong(1), rs.getString(2), rs.getInt(3), TaskKind.ofCode(rs.getString(4)),
                rs.getString(5), getLong(rs, 6), getLong(rs, 7), rs.getString(8), rs.getString(9), rs.getInt(10) != 0,
                rs.getInt(11), rs.getString(12), rs.getLong(13));
    }

    private static FileRow file(ResultSet rs) throws SQLException {
        return new FileRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                rs.getLong(6), rs.getLong(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getLong(11));
    }

    private static Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }
}
