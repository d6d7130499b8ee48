package org.bulkfhir.server.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.Dialect;
import org.bulkfhir.store.StoreException;

/**
 * Token buckets kept in the shared database ({@code rate_bucket}), so a client gets the same
 * allowance however a load balancer spreads its requests over the nodes. One statement takes a
 * token or leaves the bucket alone, so racing nodes cannot both spend the last one. Meant for
 * keys that are few and authenticated (client ids); per-address limits stay in each node's
 * memory, where a flood of addresses costs no database writes.
 */
public final class SharedRateLimiter implements RequestLimiter {
    private final Database db;
    private final double capacity;
    private final double perMilli;
    private final Clock clock;
    private final String take;

    public SharedRateLimiter(Database db, int perMinute, Clock clock) {
        this.db = db;
        this.capacity = perMinute;
        this.perMilli = perMinute / 60_000.0;
        this.clock = clock;
        boolean pg = db.dialect() == Dialect.POSTGRESQL;
        String least = pg ? "LEAST" : "MIN";
        String greatest = pg ? "GREATEST" : "MAX";
        // Refill by the time since the last use (never negative, whatever the nodes' clocks), cap, then spend one.
        String refilled = least + "(?, rate_bucket.tokens + " + greatest + "(0, ? - rate_bucket.updated) * ?)";
        this.take = "INSERT INTO rate_bucket (bucket_key, tokens, updated) VALUES (?, ?, ?)"
                + " ON CONFLICT (bucket_key) DO UPDATE SET tokens = " + refilled + " - 1,"
                + " updated = " + greatest + "(rate_bucket.updated, ?)"
                + " WHERE " + refilled + " >= 1";
    }

    @Override
    public long acquire(String key) {
        long now = clock.millis();
        db.writeLock().lock();
        try (Connection c = db.connection()) {
            try (PreparedStatement ps = c.prepareStatement(take)) {
                ps.setString(1, key);
                ps.setDouble(2, capacity - 1);
                ps.setLong(3, now);
                ps.setDouble(4, capacity);
                ps.setLong(5, now);
                ps.setDouble(6, perMilli);
                ps.setLong(7, now);
                ps.setDouble(8, capacity);
                ps.setLong(9, now);
                ps.setDouble(10, perMilli);
                if (ps.executeUpdate() == 1) {
                    return 0;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT tokens, updated FROM rate_bucket WHERE bucket_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    double tokens = rs.next() ? rs.getDouble(1) + Math.max(0, now - rs.getLong(2)) * perMilli : 0;
                    return Math.max(1, (long) Math.ceil((1 - tokens) / perMilli / 1000.0));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("Could not apply the rate limit: " + e.getMessage(), e);
        } finally {
            db.writeLock().unlock();
        }
    }
}
