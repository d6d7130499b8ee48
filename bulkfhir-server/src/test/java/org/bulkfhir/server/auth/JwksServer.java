package org.bulkfhir.server.auth;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A client's JWKS URL: serves whatever JWKS the test sets, with the Cache-Control it sets, and counts fetches. */
final class JwksServer implements AutoCloseable {
    private final HttpServer http;
    private volatile String jwks = "{\"keys\":[]}";
    private volatile String cacheControl;
    final AtomicInteger fetches = new AtomicInteger();

    JwksServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (cacheControl != null) {
                exchange.getResponseHeaders().set("Cache-Control", cacheControl);
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/jwks.json";
    }

    void serve(String jwks, String cacheControl) {
        this.jwks = jwks;
        this.cacheControl = cacheControl;
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
