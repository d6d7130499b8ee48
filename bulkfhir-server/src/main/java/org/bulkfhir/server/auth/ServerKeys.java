package org.bulkfhir.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.StoreException;

/**
 * The P-384 keys that sign access tokens, kept in {@code server_signing_key} so that every node
 * sharing the database signs with, and verifies against, the same keys. The first node to start
 * creates one. {@link #rotate()} retires the current key without breaking tokens in flight: a
 * retired key still verifies for {@code grace}, longer than any token it signed can live.
 *
 * <p>The private keys sit in the database in the clear; whoever can read the database can mint
 * tokens. Protect it like the data it holds.
 */
public final class ServerKeys {
    /** How long a node keeps signing with the key it loaded before looking for a newer one. */
    private static final Duration SIGNER_REFRESH = Duration.ofSeconds(30);
    /** How often a node re-reads every key, to learn of retirements done by other nodes. */
    private static final Duration FULL_RELOAD = Duration.ofSeconds(60);
    /** A kid looked up and not found is not looked up again for this long (forged tokens cost one query). */
    private static final Duration MISS_MEMORY = Duration.ofSeconds(10);

    private final Database db;
    private final Duration grace;
    private final Clock clock;
    private volatile Map<String, Row> byKid = Map.of();
    private volatile ECKey signer;
    private volatile long signerLoadedAt;
    private volatile long lastReload;
    private final Map<String, Long> misses = new java.util.concurrent.ConcurrentHashMap<>();

    private record Row(ECKey key, long created, Long retiredAt) {
    }

    /** A key as listed for operators: never the private part. */
    public record KeyInfo(String kid, long created, Long retiredAt) {
    }

    private ServerKeys(Database db, Duration grace, Clock clock) {
        this.db = db;
        this.grace = grace;
        this.clock = clock;
    }

    /**
     * Loads the keys, creating the first one if the table has no active key.
     *
     * @param grace how long a retired key still verifies; at least the token lifetime plus the
     *     time other nodes may keep signing with it ({@link #SIGNER_REFRESH})
     */
    public static ServerKeys open(Database db, Duration grace, Clock clock) {
        ServerKeys keys = new ServerKeys(db, grace.plus(SIGNER_REFRESH), clock);
        keys.reload();
        if (keys.newestActive().isEmpty()) {
            keys.insert(generate());
            keys.reload();
        }
        return keys;
    }

    /** The key to sign with now: the newest one not retired. */
    public ECKey signingKey() {
        long now = clock.millis();
        if (signer == null || now - signerLoadedAt > SIGNER_REFRESH.toMillis()) {
            reload();
            ECKey newest = newestActive().orElseGet(() -> {
                // Every key was retired behind our back (e.g. by another node's rotation racing ours).
                insert(generate());
                reload();
                return newestActive().orElseThrow();
            });
            signer = newest;
            signerLoadedAt = now;
        }
        return signer;
    }

    /** The public key for {@code kid}, if it is active or retired recently enough to still verify. */
    public Optional<ECKey> verificationKey(String kid) {
        long now = clock.millis();
        if (now - lastReload > FULL_RELOAD.toMillis()) {
            reload();
        }
        Row row = byKid.get(kid);
        if (row == null) {
            // Another node may have created it since we last looked.
            row = lookUp(kid, now);
        }
        if (row == null || (row.retiredAt != null && row.retiredAt + grace.toMillis() < now)) {
            return Optional.empty();
        }
        return Optional.of(row.key.toPublicJWK());
    }

    /** Creates a new signing key and retires the others; returns the new kid. */
    public String rotate() {
        ECKey fresh = generate();
        long now = clock.millis();
        db.inWriteTransaction("Could not rotate the token signing key", c -> {
            insert(c, fresh, now);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE server_signing_key SET retired_at = ? WHERE retired_at IS NULL AND kid <> ?")) {
                ps.setLong(1, now);
                ps.setString(2, fresh.getKeyID());
                ps.executeUpdate();
            }
            return null;
        });
        reload();
        signer = null;
        return fresh.getKeyID();
    }

    public List<KeyInfo> list() {
        reload();
        List<KeyInfo> out = new ArrayList<>();
        byKid.forEach((kid, row) -> out.add(new KeyInfo(kid, row.created, row.retiredAt)));
        out.sort((a, b) -> Long.compare(a.created(), b.created()));
        return out;
    }

    private Row lookUp(String kid, long now) {
        Long missed = misses.get(kid);
        if (missed != null && now - missed < MISS_MEMORY.toMillis()) {
            return null;
        }
        if (misses.size() > 10_000) {
            misses.clear();
        }
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT private_jwk, created, retired_at FROM server_signing_key WHERE kid = ?")) {
            ps.setString(1, kid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    misses.put(kid, now);
                    return null;
                }
                long retired = rs.getLong(3);
                Long retiredAt = rs.wasNull() ? null : retired;
                Row row = new Row(ECKey.parse(rs.getString(1)), rs.getLong(2), retiredAt);
                Map<String, Row> copy = new HashMap<>(byKid);
                copy.put(kid, row);
                byKid = Map.copyOf(copy);
                return row;
            }
        } catch (SQLException e) {
            throw new StoreException("Could not read a token signing key: " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new StoreException("A stored token signing key is corrupt: " + e.getMessage(), e);
        }
    }

    private Optional<ECKey> newestActive() {
        Row best = null;
        for (Row r : byKid.values()) {
            if (r.retiredAt == null && (best == null || r.created > best.created
                    || (r.created == best.created && r.key.getKeyID().compareTo(best.key.getKeyID()) > 0))) {
                best = r;
            }
        }
        return Optional.ofNullable(best).map(Row::key);
    }

    private synchronized void reload() {
        Map<String, Row> rows = new HashMap<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT kid, private_jwk, created, retired_at FROM server_signing_key");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long retired = rs.getLong(4);
                Long retiredAt = rs.wasNull() ? null : retired;
                rows.put(rs.getString(1), new Row(ECKey.parse(rs.getString(2)), rs.getLong(3), retiredAt));
            }
        } catch (SQLException e) {
            throw new StoreException("Could not read the token signing keys: " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new StoreException("A stored token signing key is corrupt: " + e.getMessage(), e);
        }
        byKid = Map.copyOf(rows);
        lastReload = clock.millis();
    }

    private void insert(ECKey key) {
        db.writeLock().lock();
        try (Connection c = db.connection()) {
            insert(c, key, clock.millis());
        } catch (SQLException e) {
            throw new StoreException("Could not store a token signing key: " + e.getMessage(), e);
        } finally {
            db.writeLock().unlock();
        }
    }

    private static void insert(Connection c, ECKey key, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO server_signing_key (kid, private_jwk, created) VALUES (?,?,?)")) {
            ps.setString(1, key.getKeyID());
            ps.setString(2, key.toJSONString());
            ps.setLong(3, now);
            ps.executeUpdate();
        }
    }

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_384).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES384).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("This JVM cannot generate P-384 keys", e);
        }
    }
}
