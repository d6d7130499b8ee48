package org.bulkfhir.cli;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.auth.KeyMaker;
import org.bulkfhir.server.tls.TlsConfig;
import org.bulkfhir.server.tls.TlsContexts;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's JWKS URL (C-3): serves the public JWKS of a key folder anonymously at
 * {@code /.well-known/jwks.json} and {@code /jwks.json}, with {@code Cache-Control: max-age} so
 * servers know how long they may cache it. The file is read on every request, so a
 * {@code bulkfhir keys --rotate} or {@code --retire} is served at once. Only
 * {@code public.jwks.json} is ever read, and a key with private members is never served, even
 * if someone copied the private file over it.
 */
final class JwksServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JwksServer.class);
    static final Set<String> PATHS = Set.of("/.well-known/jwks.json", "/jwks.json");

    private final Server jetty;
    private final ServerConnector connector;
    private final boolean https;
    private final String host;
    private final AtomicLong served = new AtomicLong();

    private JwksServer(Server jetty, ServerConnector connector, boolean https, String host) {
        this.jetty = jetty;
        this.connector = connector;
        this.https = https;
        this.host = host;
    }

    /** @param tls the HTTPS identity, or null for plain HTTP */
    static JwksServer start(Path keysDir, String host, int port, Duration maxAge, TlsConfig tls) throws Exception {
        Path file = keysDir.resolve(KeyMaker.PUBLIC_FILE);
        String first = publicJwks(file); // a missing or bad file fails here, not on the first request
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("bulkfhir-jwks");
        Server jetty = new Server(threads);
        ServerConnector connector;
        if (tls != null) {
            HttpConfiguration config = new HttpConfiguration();
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false);
            config.addCustomizer(secure);
            connector = new ServerConnector(jetty, new SslConnectionFactory(TlsContexts.server(tls), "http/1.1"),
                    new HttpConnectionFactory(config));
        } else {
            connector = new ServerConnector(jetty);
        }
        connector.setHost(host);
        connector.setPort(port);
        jetty.addConnector(connector);
        JwksServer server = new JwksServer(jetty, connector, tls != null, host);
        jetty.setHandler(server.new JwksHandler(file, "public, max-age=" + Math.max(0, maxAge.toSeconds())));
        jetty.start();
        LOG.info("Serving {} ({} key(s)) at {}", file, JWKSet.parse(first).getKeys().size(), server.url());
        return server;
    }

    int port() {
        return connector.getLocalPort();
    }

    /** The URL to register as {@code jwks_uri}. */
    String url() {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        return (https ? "https" : "http") + "://" + h + ":" + port() + "/.well-known/jwks.json";
    }

    /** How many times the JWKS was served (tests use it to see a server fetch it again). */
    long served() {
        return served.get();
    }

    /**
     * The JWKS to serve, public members only; refuses a file with private key material, because
     * its presence means the wrong file is in place and its owner should know.
     */
    static String publicJwks(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw usage(file.getParent() + " holds no " + KeyMaker.PUBLIC_FILE + "; make a key pair there with"
                    + " 'bulkfhir keys --out " + file.getParent() + "'");
        }
        JWKSet set;
        try {
            set = JWKSet.parse(text);
        } catch (ParseException e) {
            throw usage(file + " is not a JWKS (" + e.getMessage() + ")");
        }
        if (set.getKeys().isEmpty()) {
            throw usage(file + " holds no keys");
        }
        for (JWK k : set.getKeys()) {
            if (k.isPrivate()) {
                throw usage(file + " holds private key material (kid " + k.getKeyID() + "); it must be the public JWKS"
                        + " that 'bulkfhir keys' writes");
            }
        }
        return set.toString(true);
    }

    private static BulkDataException usage(String message) {
        return new BulkDataException(BulkDataException.Kind.USAGE, message);
    }

    private final class JwksHandler extends Handler.Abstract {
        private final Path file;
        private final String cacheControl;

        JwksHandler(Path file, String cacheControl) {
            this.file = file;
            this.cacheControl = cacheControl;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            if (!PATHS.contains(path)) {
                return json(response, callback, 404, "{\"error\":\"not found: the JWKS is at /.well-known/jwks.json\"}");
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                return json(response, callback, 405, "{\"error\":\"only GET and HEAD\"}");
            }
            String body;
            try {
                body = publicJwks(file);
            } catch (IOException | BulkDataException e) {
                // The file changed under us into something unservable: say so to the operator, not the caller.
                LOG.error("Cannot serve the JWKS: {}", e.getMessage());
                return json(response, callback, 503, "{\"error\":\"the JWKS is not available\"}");
            }
            served.incrementAndGet();
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, cacheControl);
            if (method.equals("HEAD")) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.getBytes(StandardCharsets.UTF_8).length);
                response.setStatus(200);
                callback.succeeded();
                return true;
            }
            return json(response, callback, 200, body);
        }

        private boolean json(Response response, Callback callback, int status, String body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(response, true, body, callback);
            return true;
        }
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
