package org.bulkfhir.server;

import org.bulkfhir.server.export.ExportEngine;
import org.bulkfhir.server.export.http.ExportAccess;
import org.bulkfhir.server.export.http.FileEndpoint;
import org.bulkfhir.server.export.http.KickoffEndpoint;
import org.bulkfhir.server.export.http.StatusEndpoint;
import org.bulkfhir.server.export.output.LocalOutputStore;
import org.bulkfhir.server.export.output.OutputStore;
import org.bulkfhir.server.export.output.S3OutputStore;
import org.bulkfhir.server.auth.AuthPaths;
import org.bulkfhir.server.auth.AuthorizationServer;
import org.bulkfhir.server.auth.Authenticator;
import org.bulkfhir.server.http.BaseUrls;
import org.bulkfhir.server.http.Router;
import org.bulkfhir.server.rest.CapabilityEndpoint;
import org.bulkfhir.server.rest.ResourceEndpoints;
import org.bulkfhir.server.tls.TlsContexts;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.write.ResourcePreparer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Data Provider node: Jetty on {@code host:port} (HTTP, or HTTPS with TLS 1.2+ only) with the
 * FHIR endpoints under {@code /fhir} and the authorization endpoints under {@code /auth}. The
 * store is owned by the caller.
 */
public final class BulkFhirServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BulkFhirServer.class);

    private final Server jetty;
    private final ServerConnector connector;
    private final ServerConfig config;
    private final ExportEngine exports;
    private final AuthorizationServer authorization;

    private BulkFhirServer(Server jetty, ServerConnector connector, ServerConfig config, ExportEngine exports,
                           AuthorizationServer authorization) {
        this.jetty = jetty;
        this.connector = connector;
        this.config = config;
        this.exports = exports;
        this.authorization = authorization;
    }

    public static BulkFhirServer start(ServerConfig config, ResourceStore store) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("bulkfhir-http");
        Server jetty = new Server(threads);
        ServerConnector connector;
        if (config.tls() != null) {
            HttpConfiguration https = new HttpConfiguration();
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false);
            https.addCustomizer(secure);
            connector = new ServerConnector(jetty, new SslConnectionFactory(TlsContexts.server(config.tls()), "http/1.1"),
                    new HttpConnectionFactory(https));
        } else {
            connector = new ServerConnector(jetty);
        }
        connector.setHost(config.host());
        connector.setPort(config.port());
        jetty.addConnector(connector);

        BaseUrls urls = new BaseUrls(config.publicBaseUrl());
        AuthorizationServer authorization = AuthorizationServer.create(config.auth(), store.database(), urls);
        Authenticator auth = authorization.authenticator();
        ResourcePreparer preparer = new ResourcePreparer();
        OutputStore output = config.s3() != null ? new S3OutputStore(config.s3())
                : new LocalOutputStore(config.export().filesDir());
        ExportEngine exports = new ExportEngine(store, config.export(), output);
        Router fhir = new Router();
        new CapabilityEndpoint(store, urls).register(fhir);
        authorization.registerDiscovery(fhir);
        // Files need the token exactly when the FHIR endpoints do (S-60, S-71).
        boolean requiresAccessToken = config.auth().mode() != org.bulkfhir.server.auth.AuthMode.OPEN;
        ExportAccess access = new ExportAccess(auth);
        new KickoffEndpoint(exports, store, urls, access, config.maxBodyBytes()).register(fhir);
        new StatusEndpoint(exports, urls, access, requiresAccessToken).register(fhir);
        new ResourceEndpoints(store, preparer, urls, config.maxBodyBytes(), auth).register(fhir);
        Router files = new Router();
        new FileEndpoint(exports, access, requiresAccessToken).register(files);

        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.addHandler(context(BaseUrls.FHIR_PATH, fhir));
        contexts.addHandler(context(FileEndpoint.CONTEXT, files));
        contexts.addHandler(context(AuthPaths.AUTH_PATH, authorization.endpoints()));
        jetty.setHandler(contexts);
        jetty.setStopTimeout(5_000);
        try {
            exports.start();
            jetty.start();
        } catch (Exception e) {
            exports.close();
            throw e;
        }
        BulkFhirServer server = new BulkFhirServer(jetty, connector, config, exports, authorization);
        LOG.info("FHIR server listening on {} (auth {}, export files in {})", server.baseUrl(),
                config.auth().mode().name().toLowerCase(), output.describe());
        return server;
    }

    private static ContextHandler context(String path, Handler handler) {
        ContextHandler context = new ContextHandler(handler, path);
        context.setAllowNullPathInContext(true);
        return context;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The FHIR base clients use: the configured public base, or this node's own address. */
    public String baseUrl() {
        if (config.publicBaseUrl() != null) {
            return config.publicBaseUrl();
        }
        return root() + BaseUrls.FHIR_PATH;
    }

    /** This node's token endpoint, as clients must name it in an assertion's {@code aud}. */
    public String tokenUrl() {
        String base = baseUrl();
        return base.substring(0, base.length() - BaseUrls.FHIR_PATH.length()) + AuthPaths.AUTH_PATH + AuthPaths.TOKEN;
    }

    private String root() {
        String host = config.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return (config.tls() != null ? "https" : "http") + "://" + host + ":" + port();
    }

    /** The authorization side: registry, keys, tokens and the {@link Authenticator} endpoints use. */
    public AuthorizationServer authorization() {
        return authorization;
    }

    /** The export engine of this node (workers, jobs, janitor). */
    public ExportEngine exports() {
        return exports;
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    @Override
    public void close() throws Exception {
        try {
            jetty.stop();
        } finally {
            exports.close();
        }
    }
}
