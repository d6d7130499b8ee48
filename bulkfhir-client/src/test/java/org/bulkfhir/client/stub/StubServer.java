package org.bulkfhir.client.stub;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;

/**
 * An in-process HTTP peer on 127.0.0.1 and an ephemeral port: routes by method and path, records
 * every request. Tests build the quirks of real Bulk Data servers on it.
 */
public final class StubServer implements AutoCloseable {
    /** A recorded request. Header names are lower-cased. */
    public record Req(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
            long atNanos) {
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The answer a route builds. */
    public static final class Reply {
        int status = 200;
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        byte[] body = new byte[0];
        /** Write this many body bytes, then drop the connection. */
        long dropAfter = -1;

        public Reply status(int s) {
            status = s;
            return this;
        }

        public Reply header(String k, String v) {
            headers.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            return this;
        }

        public Reply body(String contentType, byte[] b) {
            header("Content-Type", contentType);
            body = b;
            return this;
        }

        public Reply json(int s, String json) {
            return status(s).body("application/json", json.getBytes(StandardCharsets.UTF_8));
        }

        public Reply fhirJson(int s, String json) {
            return status(s).body("application/fhir+json", json.getBytes(StandardCharsets.UTF_8));
        }

        public int bodyLength() {
            return body.length;
        }

        public Reply dropAfter(long bytes) {
            dropAfter = bytes;
            return this;
        }

        /** Serves content with Range support (bytes=N-), gzip when asked and {@code gzip} is set. */
        public Reply file(Req req, byte[] content, boolean gzip) {
            String range = req.header("Range");
            String ae = req.header("Accept-Encoding");
            if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
                long from = Long.parseLong(range.substring(6, range.length() - 1));
                if (from >= content.length) {
                    return status(416).header("Content-Range", "bytes */" + content.length);
                }
                byte[] rest = java.util.Arrays.copyOfRange(content, (int) from, content.length);
                return status(206).header("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length)
                        .body("application/fhir+ndjson", rest);
            }
            if (gzip && ae != null && ae.contains("gzip")) {
                return status(200).header("Content-Encoding", "gzip").body("application/fhir+ndjson", gzip(content));
            }
            return status(200).body("application/fhir+ndjson", content);
        }
    }

    @FunctionalInterface
    public interface Route {
        void handle(Req req, Reply reply) throws Exception;
    }

    private record Entry(String method, String path, boolean prefix, Route route) {
    }

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final List<Entry> routes = new CopyOnWriteArrayList<>();
    public final List<Req> requests = new CopyOnWriteArrayList<>();

    public StubServer() {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                serve(request, response, callback);
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    public StubServer on(String method, String path, Route route) {
        routes.add(0, new Entry(method, path, false, route));
        return this;
    }

    public StubServer onPrefix(String method, String prefix, Route route) {
        routes.add(new Entry(method, prefix, true, route));
        return this;
    }

    public List<Req> requests(String method, String pathPrefix) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).toList();
    }

    private void serve(Request request, Response response, Callback callback) throws Exception {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField f : request.getHeaders()) {
            headers.computeIfAbsent(f.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f.getValue());
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readAllBytes();
        }
        String path = request.getHttpURI().getPath();
        Req req = new Req(request.getMethod(), path, request.getHttpURI().getQuery(), headers, body, System.nanoTime());
        requests.add(req);
        Reply reply = new Reply();
        Entry match = null;
        for (Entry e : routes) {
            if (e.method.equals(req.method()) && (e.prefix ? path.startsWith(e.path) : path.equals(e.path))) {
                match = e;
                break;
            }
        }
        if (match == null) {
            reply.fhirJson(404, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}");
        } else {
            try {
                match.route.handle(req, reply);
            } catch (Exception e) {
                reply.fhirJson(500, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"exception\",\"diagnostics\":\"stub: "
                        + e.toString().replace("\"", "'") + "\"}]}");
            }
        }
        response.setStatus(reply.status);
        reply.headers.forEach((k, vs) -> vs.forEach(v -> response.getHeaders().add(k, v)));
        response.getHeaders().put("Content-Length", reply.body.length);
        if (reply.dropAfter >= 0) {
            FutureCallback first = new FutureCallback();
            response.write(false, ByteBuffer.wrap(reply.body, 0, (int) Math.min(reply.dropAfter, reply.body.length)), first);
            first.get();
            callback.failed(new IOException("stub drops the connection"));
            return;
        }
        response.write(true, ByteBuffer.wrap(reply.body), callback);
    }

    public static byte[] gzip(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
