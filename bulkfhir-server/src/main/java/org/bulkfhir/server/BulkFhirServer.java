package org.bulkfhir.server;

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

    private BulkFhirServer(Server jetty, ServerConnector connector, ServerConfig config) {
        this.jetty = jetty;
        this.connector = connector;
        this.config = config;
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
        Router fhir = new Router();
        new CapabilityEndpoint(store, urls).register(fhir);
        new ResourceEndpoints(store, preparer, urls, config.maxBodyBytes()).register(fhir);

        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.addHandler(context(BaseUrls.FHIR_PATH, fhir));
        jetty.setHandler(contexts);
        jetty.setStopTimeout(5_000);
        jetty.start();
        BulkFhirServer server = new BulkFhirServer(jetty, connector, config);
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

    public void join() throws InterruptedException {
        jetty.join();
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
