package org.bulkfhir.server.auth;

import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.bulkfhir.core.smart.Scopes;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.StoreException;

/**
 * Registered Backend Services clients, in the {@code client} table so every node sharing the
 * database knows the same clients. Registration accepts a JWKS URL, an inline JWKS, or both
 * (S-84), and refuses keys that break the bare-key rules (S-85).
 */
public final class ClientRegistry {
    public static final String DEFAULT_SCOPES = "system/*.rs";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;

    public ClientRegistry(Database db) {
        this.db = db;
    }

    /**
     * Registers a client and assigns its id.
     *
     * @param scopes allowed scopes (space-separated {@code system/} scopes); null or blank for {@value #DEFAULT_SCOPES}
     * @throws IllegalArgumentException with a reason a client developer can act on
     */
    public RegisteredClient register(String name, String jwksUrl, String jwksJson, String scopes) {
        if ((jwksUrl == null || jwksUrl.isBlank()) && (jwksJson == null || jwksJson.isBlank())) {
            throw new IllegalArgumentException("A client needs a JWKS URL or an inline JWKS");
        }
        String url = jwksUrl == null || jwksUrl.isBlank() ? null : checkUrl(jwksUrl.trim());
        JWKSet jwks = jwksJson == null || jwksJson.isBlank() ? null : ClientKeys.parseRegistered(jwksJson);
        String allowed = checkScopes(scopes);
        RegisteredClient client = new RegisteredClient(newClientId(), name == null || name.isBlank() ? null : name.trim(),
                url, jwks, allowed, RegisteredClient.Status.ACTIVE, System.currentTimeMillis());
        db.writeLock().lock();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO client (client_id, name, jwks_url, jwks, scopes, status, created) VALUES (?,?,?,?,?,?,?)")) {
            ps.setString(1, client.clientId());
            ps.setString(2, client.name());
            ps.setString(3, client.jwksUrl());
            ps.setString(4, jwks == null ? null : jwks.toString(true));
            ps.setString(5, client.scopes());
            ps.setString(6, client.status().column());
            ps.setLong(7, client.created());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Could not register the client: " + e.getMessage(), e);
        } finally {
            db.writeLock().unlock();
        }
        return client;
    }

    public Optional<RegisteredClient> find(String clientId) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT client_id, name, jwks_url, jwks, scopes, status, created"
                     + " FROM client WHERE client_id = ?")) {
            ps.setString(1, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("Could not read client " + clientId + ": " + e.getMessage(), e);
        }
    }

    public List<RegisteredClient> list() {
        List<RegisteredClient> out = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT client_id, name, jwks_url, jwks, scopes, status, created"
                     + " FROM client ORDER BY created, client_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        } catch (SQLException e) {
            throw new StoreException("Could not list clients: " + e.getMessage(), e);
        }
        return out;
    }

    /** @return false when there is no such client */
    public boolean setStatus(String clientId, RegisteredClient.Status status) {
        db.writeLock().lock();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE client SET status = ? WHERE client_id = ?")) {
            ps.setString(1, status.column());
            ps.setString(2, clientId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("Could not update client " + clientId + ": " + e.getMessage(), e);
        } finally {
            db.writeLock().unlock();
        }
    }

    public boolean disable(String clientId) {
        return setStatus(clientId, RegisteredClient.Status.DISABLED);
    }

    private static RegisteredClient row(ResultSet rs) throws SQLException {
        String jwks = rs.getString(4);
        JWKSet set;
        try {
            set = jwks == null ? null : JWKSet.parse(jwks);
        } catch (java.text.ParseException e) {
            // Stored keys were checked on the way in; a row that no longer parses was corrupted.
            throw new StoreException("The stored JWKS of client " + rs.getString(1) + " is corrupt: " + e.getMessage(), e);
        }
        return new RegisteredClient(rs.getString(1), rs.getString(2), rs.getString(3), set, rs.getString(5),
                RegisteredClient.Status.valueOf(rs.getString(6).toUpperCase(java.util.Locale.ROOT)), rs.getLong(7));
    }

    private static String checkUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The JWKS URL is not a valid URL: " + url);
        }
        if (!uri.isAbsolute() || uri.getHost() == null
                || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            throw new IllegalArgumentException("The JWKS URL must be an absolute https (or http) URL: " + url);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("The JWKS URL must not carry credentials");
        }
        return url;
    }

    static String checkScopes(String scopes) {
        if (scopes == null || scopes.isBlank()) {
            return DEFAULT_SCOPES;
        }
        List<String> unsupported = Scopes.unsupported(scopes);
        if (!unsupported.isEmpty()) {
            throw new IllegalArgumentException("Backend Services clients can only be allowed system/ scopes"
                    + " (system/<Type|*>.<read|write|*|cruds subset>); not: " + String.join(" ", unsupported));
        }
        return Scopes.parse(scopes).toString();
    }

    /**
     * 128 random bits, base64url. Never starting with '-' or '_': a leading '-' makes command
     * lines ({@code bulkfhir clients show ID}) read the id as an option.
     */
    static String newClientId() {
        byte[] bytes = new byte[16];
        String id;
        do {
            RANDOM.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.charAt(0) == '-' || id.charAt(0) == '_');
        return id;
    }
}
