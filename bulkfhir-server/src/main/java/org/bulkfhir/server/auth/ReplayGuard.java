package org.bulkfhir.server.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.Dialect;
import org.bulkfhir.store.StoreException;

/**
 * Remembers the {@code jti} of every accepted client assertion until the assertion could no
 * longer be accepted anyway (S-88). The table's primary key does the deciding, so two nodes
 * racing on the same assertion cannot both win.
 */
public final class ReplayGuard {
    private static final long PURGE_INTERVAL_MILLIS = 60_000;

    private final Database db;
    private final AtomicLong lastPurge = new AtomicLong();

    public ReplayGuard(Database db) {
        this.db = db;
    }

    /**
     * Records a first use.
     *
     * @param keepUntilMillis the assertion's {@code exp} plus the clock skew the verifier allows
     *     (§5.28: a shorter window lets a replay through)
     * @return false when this {@code (iss, jti)} was already used and is still remembered
     */
    public boolean firstUse(String iss, String jti, long keepUntilMillis) {
        long now = System.currentTimeMillis();
        purgeNowAndThen(now);
        String sql = db.dialect() == Dialect.POSTGRESQL
                ? "INSERT INTO client_assertion_jti (iss, jti, expires_at) VALUES (?,?,?) ON CONFLICT (iss, jti) DO UPDATE"
                        + " SET expires_at = EXCLUDED.expires_at WHERE client_assertion_jti.expires_at < ?"
                : "INSERT INTO client_assertion_jti (iss, jti, expires_at) VALUES (?,?,?) ON CONFLICT (iss, jti) DO UPDATE"
                        + " SET expires_at = excluded.expires_at WHERE client_assertion_jti.expires_at < ?";
        db.writeLock().lock();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, iss);
            ps.setString(2, jti);
            ps.setLong(3, keepUntilMillis);
            // A row whose window has passed (not yet purged) no longer blocks reuse.
            ps.setLong(4, now);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("Could not record the assertion id: " + e.getMessage(), e);
        } finally {
            db.writeLock().unlock();
        }
    }

    private void purgeNowAndThen(long now) {
        long last = lastPurge.get();
        if (now - last < PURGE_INTERVAL_MILLIS || !lastPurge.compareAndSet(last, now)) {
            return;
        }
        db.writeLock().lock();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM client_assertion_jti WHERE expires_at < ?")) {
            ps.setLong(1, now);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Could not purge old assertion ids: " + e.getMessage(), e);
        } finally {
            db.writeLock().unlock();
        }
    }
}
