package org.bulkfhir.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A reverse proxy on loopback in front of our server, so a test can stop a file download
 * part-way: in {@link #holdFilesAfterTheFirst} mode the first export file passes whole and every
 * later one stops after {@link #HOLD_AFTER_BYTES} bytes until {@link #release}. Holding the
 * stream (rather than sleeping or throttling) makes "a download is in progress" a state the test
 * can wait for, not a race against the machine's speed.
 *
 * <p>The server runs with this proxy as its public base URL, so the status and file URLs it hands
 * out lead back here. Requests are forwarded verbatim except the hop-by-hop headers and
 * {@code Host}; response bodies are copied byte for byte (gzip stays gzip), since the JDK client
 * used upstream never decodes them.
 */
final class GatedProxy implements AutoCloseable {
    static final int HOLD_AFTER_BYTES = 4096;
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "keep-alive", "transfer-encoding", "te",
            "upgrade", "expect", "content-length", "proxy-connection", "trailer");

    /** One file request seen: its path and its Range header (null without one). */
    record FileRequest(String path, String range) {
    }

    private final Server jetty = new Server();
    private final ServerConnector connector = new ServerConnector(jetty);
    private final HttpClient upstreamClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger filesSeen = new AtomicInteger();
    private final List<FileRequest> fileRequests = new CopyOnWriteArrayList<>();
    private volatile URI upstream;
    private volatile boolean holding;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    GatedProxy() throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                try {
                    forward(request, response);
                    callback.succeeded();
                } catch (Throwable e) {
                    callback.failed(e);
                }
                return true;
            }
        });
        jetty.start();
    }

    /** The root clients use, e.g. {@code http://127.0.0.1:PORT}; known before the server behind it starts. */
    String root() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    void forwardTo(String serverRoot) {
        upstream = URI.create(serverRoot);
    }

    /** From now on the first file request passes and later ones stop part-way until {@link #release}. */
    void holdFilesAfterTheFirst() {
        gate = new CountDownLatch(1);
        filesSeen.set(0);
        holding = true;
    }

    /** Lets held transfers go on and forwards everything from now on. */
    void release() {
        holding = false;
        gate.countDown();
    }

    List<FileRequest> fileRequests() {
        return List.copyOf(fileRequests);
    }

    void clearFileRequests() {
        fileRequests.clear();
    }

    private void forward(Request request, Response response) throws Exception {
        String pathQuery = request.getHttpURI().getPathQuery();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + pathQuery)).timeout(Duration.ofSeconds(30));
        for (HttpField f : request.getHeaders()) {
            if (!NOT_FORWARDED.contains(f.getLowerCaseName())) {
                b.header(f.getName(), f.getValue());
            }
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readAllBytes();
        }
        b.method(request.getMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        boolean file = request.getMethod().equals("GET") && request.getHttpURI().getPath().startsWith("/files/");
        boolean hold = false;
        if (file) {
            fileRequests.add(new FileRequest(request.getHttpURI().getPath(), request.getHeaders().get("Range")));
            hold = holding && filesSeen.incrementAndGet() > 1;
        }
        HttpResponse<InputStream> r = upstreamClient.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        response.setStatus(r.statusCode());
        r.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":") && !NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))
                    || name.equalsIgnoreCase("content-length")) {
                values.forEach(v -> response.getHeaders().add(name, v));
            }
        });
        try (InputStream in = r.body(); OutputStream out = Content.Sink.asOutputStream(response)) {
            copy(in, out, hold);
        }
    }

    private void copy(InputStream in, OutputStream out, boolean hold) throws Exception {
        byte[] buf = new byte[8192];
        long sent = 0;
        boolean held = false;
        int n;
        while ((n = in.read(buf, 0, hold && !held ? (int) Math.min(buf.length, HOLD_AFTER_BYTES - sent) : buf.length)) > 0) {
            out.write(buf, 0, n);
            sent += n;
            if (hold && !held && sent >= HOLD_AFTER_BYTES) {
                out.flush();
                held = true;
                // Bounded, so a test that forgets to release cannot hang the build.
                gate.await(60, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws Exception {
        release();
        jetty.stop();
    }
}
