package org.bulkfhir.server;

import org.bulkfhir.server.export.ExportEngine;
import org.bulkfhir.server.export.http.ClientIdentity;
import org.bulkfhir.server.export.http.FileEndpoint;
import org.bulkfhir.server.export.http.KickoffEndpoint;
import org.bulkfhir.server.export.http.StatusEndpoint;
import org.bulkfhir.server.http.BaseUrls;
import org.bulkfhir.server.http.Router;
import org.bulkfhir.server.rest.CapabilityEndpoint;
import org.bulkfhir.server.rest.ResourceEndpoints;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.write.ResourcePreparer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Data Provider node: Jetty on {@code host:port} with the FHIR endpoints under {@code /fhir}.
 * The store is owned by the caller.
 */
public final class BulkFhirServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BulkFhirServer.class);

    private final Server jetty;
    private final ServerConnector connector;
    private final ServerConfig config;
    private final ExportEngine exports;

    private BulkFhirServer(Server jetty, ServerConnector connector, ServerConfig config, ExportEngine exports) {
        this.jetty = jetty;
        this.connector = connector;
        this.config = config;
        this.exports = exports;
    }

    public static BulkFhirServer start(ServerConfig config, ResourceStore store) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("bulkfhir-http");
        Server jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(config.host());
        connector.setPort(config.port());
        jetty.addConnector(connector);

        BaseUrls urls = new BaseUrls(config.publicBaseUrl());
        ResourcePreparer preparer = new ResourcePreparer();
        ExportEngine exports = new ExportEngine(store, config.export());
        Router fhir = new Router();
        new CapabilityEndpoint(store, urls).register(fhir);
        // The open endpoint: no token is needed for files (issue 5 adds SMART authorization).
        boolean requiresAccessToken = false;
        new KickoffEndpoint(exports, store, urls, ClientIdentity.REMOTE_ADDRESS, config.maxBodyBytes()).register(fhir);
        new StatusEndpoint(exports, urls, requiresAccessToken).register(fhir);
        new ResourceEndpoints(store, preparer, urls, config.maxBodyBytes()).register(fhir);
        Router files = new Router();
        new FileEndpoint(exports).register(files);

        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.addHandler(context(BaseUrls.FHIR_PATH, fhir));
        contexts.addHandler(context(FileEndpoint.CONTEXT, files));
        jetty.setHandler(contexts);
        jetty.setStopTimeout(5_000);
        exports.start();
        try {
            jetty.start();
        } catch (Exception e) {
            exports.close();
            throw e;
        }
        BulkFhirServer server = new BulkFhirServer(jetty, connector, config, exports);
        LOG.info("FHIR server listening on {}", server.baseUrl());
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
        String host = config.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + BaseUrls.FHIR_PATH;
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
