package org.bulkfhir.server.auth;

import java.time.Clock;
import java.time.Duration;
import org.bulkfhir.server.http.BaseUrls;
import org.bulkfhir.server.http.Router;
import org.bulkfhir.store.Database;

/**
 * Everything SMART Backend Services needs on one node, wired from the shared database: the
 * client registry, the replay cache, the JWKS cache, the signing keys, the token and registration
 * endpoints (mounted under {@code /auth}), discovery (mounted in the FHIR router) and the
 * {@link Authenticator} the protected endpoints call.
 */
public final class AuthorizationServer {
    private final AuthConfig config;
    private final ClientRegistry clients;
    private final ServerKeys keys;
    private final AccessTokens tokens;
    private final Authenticator authenticator;
    private final Router endpoints = new Router();
    private final SmartConfigurationEndpoint discovery;

    private AuthorizationServer(AuthConfig config, Database db, BaseUrls urls, Clock clock, JwksCache jwks) {
        this.config = config;
        this.clients = new ClientRegistry(db);
        Duration grace = Duration.ofSeconds(config.tokenLifetimeSeconds()).plusMinutes(1);
        this.keys = ServerKeys.open(db, grace, clock);
        this.tokens = new AccessTokens(keys, config.tokenLifetimeSeconds(), clock);
        this.authenticator = new Authenticator(config.mode(), tokens);
        RateLimiter byAddress = new RateLimiter(config.tokenRequestsPerMinute(), clock);
        // A client's allowance is shared by all nodes; an address's is per node (see SharedRateLimiter).
        RequestLimiter byClient = new SharedRateLimiter(db, config.tokenRequestsPerMinute(), clock);
        ClientAssertionVerifier verifier = new ClientAssertionVerifier(clients, jwks, new ReplayGuard(db), clock);
        new TokenEndpoint(verifier, tokens, urls, byAddress, byClient).register(endpoints);
        new RegistrationEndpoint(clients, config, byAddress).register(endpoints);
        this.discovery = new SmartConfigurationEndpoint(urls);
    }

    public static AuthorizationServer create(AuthConfig config, Database db, BaseUrls urls) {
        return new AuthorizationServer(config, db, urls, Clock.systemUTC(), new JwksCache());
    }

    public static AuthorizationServer create(AuthConfig config, Database db, BaseUrls urls, Clock clock, JwksCache jwks) {
        return new AuthorizationServer(config, db, urls, clock, jwks);
    }

    /** Adds {@code .well-known/smart-configuration} to the FHIR router; it stays open in every mode. */
    public void registerDiscovery(Router fhir) {
        discovery.register(fhir);
    }

    /** The router to mount at {@link AuthPaths#AUTH_PATH}. */
    public Router endpoints() {
        return endpoints;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public ClientRegistry clients() {
        return clients;
    }

    public ServerKeys keys() {
        return keys;
    }

    public AccessTokens tokens() {
        return tokens;
    }

    public AuthConfig config() {
        return config;
    }
}
