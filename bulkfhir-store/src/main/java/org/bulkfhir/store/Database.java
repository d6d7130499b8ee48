package org.bulkfhir.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.bulkfhir.store.migration.V7__Search_param_ids;
import org.flywaydb.core.Flyway;

/**
 * A pooled connection to the store's database, migrated to the current schema on open.
 *
 * <p>SQLite allows one writer at a time; rather than let pooled connections collide on
 * {@code SQLITE_BUSY}, writers in this process queue on {@link #writeLock()}. Other processes
 * (a {@code bulkfhir load} beside a running server) wait through SQLite's busy timeout.
 */
public final class Database implements AutoCloseable {
    private final String jdbcUrl;
    private final Dialect dialect;
    private final HikariDataSource dataSource;
    private final ReentrantLock writeLock = new ReentrantLock(true);
    /** SQLite's default: a commit that leaves more pages than this in the WAL checkpoints it. */
    private static final int AUTOCHECKPOINT_PAGES = 1000;
    private volatile WalCheckpointer checkpointer;

    private Database(String jdbcUrl, Dialect dialect, HikariDataSource dataSource) {
        this.jdbcUrl = jdbcUrl;
        this.dialect = dialect;
        this.dataSource = dataSource;
    }

    /** Opens (creating if needed) and migrates the database at {@code jdbcUrl}. */
    public static Database open(String jdbcUrl) {
        Dialect dialect = Dialect.of(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("bulkfhir-" + dialect.name().toLowerCase());
        if (dialect == Dialect.SQLITE) {
            createWithLargePages(jdbcUrl);
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", "NORMAL");
            config.addDataSourceProperty("busy_timeout", "60000");
            config.addDataSourceProperty("cache_size", "-65536");
            config.addDataSourceProperty("temp_store", "MEMORY");
            // Reads map the whole file, however large: above 1 GiB every page the SQLite cache
            // missed came through a read() system call, and lookups in a 12 GB store cost a third
            // more (the Provenance lookup of a Patient-level export). Mapped pages are the page
            // cache, shared, not heap; RssAnon is the figure for the process's own memory.
            config.addDataSourceProperty("mmap_size", String.valueOf(1L << 36));
            config.setMaximumPoolSize(8);
        } else {
            // Batched INSERTs become multi-row statements: several times fewer round trips on load.
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
            config.setMaximumPoolSize(16);
        }
        config.setMinimumIdle(1);
        config.setConnectionTimeout(30_000);
        HikariDataSource ds = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations(dialect.migrationLocation())
                    .javaMigrations(new V7__Search_param_ids())
                    .loggers("slf4j")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new StoreException("Could not migrate the database at " + redact(jdbcUrl) + ": " + e.getMessage(), e);
        }
        Database db = new Database(jdbcUrl, dialect, ds);
        try {
            DeferredIndexes.rebuildLeftovers(db);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return db;
    }

    /** The default embedded database under a data directory. */
    public static String sqliteUrl(Path dataDir) {
        return "jdbc:sqlite:" + dataDir.resolve("bulkfhir.db").toAbsolutePath();
    }

    /** SQLite's page size for new databases; an existing file keeps the one it was made with. */
    static final int SQLITE_PAGE_SIZE = 16_384;

    /**
     * Creates the data directory and, for a database file that does not exist yet, the file
     * itself with {@link #SQLITE_PAGE_SIZE}-byte pages. The size can only be chosen before the
     * first table and before WAL mode, which the pool's connections switch on as they open, so
     * it is done here on a connection of its own.
     *
     * <p>Why larger than SQLite's 4 KiB default: a resource body is 1-2 KB, so a 4 KiB page holds
     * two or three of them, and every B-tree has more levels and more page splits. With 16 KiB
     * pages a 10,000-patient load wrote its resources 12% faster and built its indexes 15%
     * faster, and the file came out 7% smaller.
     */
    private static void createWithLargePages(String jdbcUrl) {
        String file = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = file.indexOf('?');
        if (query >= 0) {
            file = file.substring(0, query);
        }
        if (file.isEmpty() || file.equals(":memory:") || file.startsWith("file:")) {
            return;
        }
        Path path = Path.of(file).toAbsolutePath();
        try {
            Files.createDirectories(path.getParent());
        } catch (java.io.IOException e) {
            // A FileSystemException's message is only the path; its reason or kind says what went wrong.
            String why = !(e instanceof FileSystemException fse) ? e.getMessage()
                    : fse.getReason() != null ? fse.getReason() : fse.getClass().getSimpleName();
            throw new StoreException("Cannot create the data directory " + path.getParent() + " (" + why
                    + "); give a folder this user can write to", e);
        }
        if (Files.exists(path)) {
            return;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + path); Statement s = c.createStatement()) {
            s.execute("PRAGMA page_size = " + SQLITE_PAGE_SIZE);
            // Writes the header, so the page size is fixed before any other connection opens it.
            s.execute("PRAGMA journal_mode = WAL");
        } catch (SQLException e) {
            throw new StoreException("Cannot create the database " + path + ": " + e.getMessage(), e);
        }
    }

    /** The URL without credentials, for messages and logs. */
    public static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    public String url() {
        return jdbcUrl;
    }

    /** Serializes writers inside this process (needed for SQLite, harmless for PostgreSQL). */
    public ReentrantLock writeLock() {
        return writeLock;
    }

    /** Work inside a transaction. */
    @FunctionalInterface
    public interface Transaction<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} as one write transaction under the {@link #writeLock()}: committed when
     * it returns, rolled back when it throws. SQL failures become a {@link StoreException} whose
     * message starts with {@code what}.
     */
    public <T> T inWriteTransaction(String what, Transaction<T> work) {
        return inWriteTransaction(what, work, result -> true);
    }

    /**
     * As {@link #inWriteTransaction(String, Transaction)}, but rolled back as well when the
     * result fails {@code commit} (work that found it has nothing to change).
     */
    public <T> T inWriteTransaction(String what, Transaction<T> work, Predicate<T> commit) {
        writeLock.lock();
        WalCheckpointer background = checkpointer;
        try (Connection c = connection()) {
            if (background == null) {
                return inTransaction(c, work, commit);
            }
            background.beforeTransaction();
            autoCheckpoint(c, 0);
            T result;
            try {
                result = inTransaction(c, work, commit);
            } catch (SQLException | RuntimeException e) {
                try {
                    autoCheckpoint(c, AUTOCHECKPOINT_PAGES);
                } catch (SQLException restore) {
                    e.addSuppressed(restore);
                }
                throw e;
            }
            // The connection goes back to the pool checkpointing as SQLite's default has it.
            autoCheckpoint(c, AUTOCHECKPOINT_PAGES);
            background.committed();
            return result;
        } catch (SQLException e) {
            throw new StoreException(what + ": " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * After a bulk load on PostgreSQL: gives the planner statistics of the store's tables now,
     * not when autovacuum gets to them (a minute later, or never where it is off). Without them
     * a {@code _typeFilter} export right after loading 1,000 patients took 110 s instead of
     * 0.1 s. SQLite's queries are planned without statistics by design, so it is left alone.
     */
    public void refreshPlannerStatistics() {
        if (dialect != Dialect.POSTGRESQL) {
            return;
        }
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.execute("ANALYZE resource, idx_compartment, idx_token, idx_string, idx_date, idx_reference, idx_quantity, "
                    + "idx_uri, group_member");
        } catch (SQLException e) {
            throw new StoreException("Could not update the planner statistics: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} as one transaction on its own connection without taking the
     * {@link #writeLock()}, so that PostgreSQL can run several side by side. Not for SQLite
     * writes, which must queue on the lock.
     */
    public <T> T inConcurrentTransaction(String what, Transaction<T> work) {
        try (Connection c = connection()) {
            return inTransaction(c, work, result -> true);
        } catch (SQLException e) {
            throw new StoreException(what + ": " + e.getMessage(), e);
        }
    }

    private static <T> T inTransaction(Connection c, Transaction<T> work, Predicate<T> commit) throws SQLException {
        c.setAutoCommit(false);
        Throwable failure = null;
        try {
            T result = work.run(c);
            if (commit.test(result)) {
                c.commit();
            } else {
                c.rollback();
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            failure = e;
            try {
                c.rollback();
            } catch (SQLException rollback) {
                // On a dropped connection the rollback fails too; keep the first failure, which says so.
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }

    /**
     * For the length of a bulk load on SQLite: write transactions no longer checkpoint the WAL
     * themselves, a helper thread does after each commit ({@link WalCheckpointer}). Close to
     * return to SQLite's own checkpoints. A no-op on PostgreSQL.
     */
    public BackgroundCheckpoints checkpointInBackground() {
        if (dialect != Dialect.SQLITE) {
            return () -> { };
        }
        WalCheckpointer started = new WalCheckpointer(this);
        checkpointer = started;
        return () -> {
            checkpointer = null;
            started.close();
        };
    }

    /** The stretch of a bulk load during which a helper thread checkpoints; closing ends it. */
    public interface BackgroundCheckpoints extends AutoCloseable {
        @Override
        void close();
    }

    private static void autoCheckpoint(Connection c, int pages) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_autocheckpoint = " + pages);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
