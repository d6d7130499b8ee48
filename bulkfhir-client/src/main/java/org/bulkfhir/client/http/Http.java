package org.bulkfhir.client.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.auth.Authorizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's one HTTP path. Redirects are followed here, by hand, because the JDK client
 * would forward {@code Authorization} to whatever host a file endpoint redirects to (blob
 * storage): the token is only kept while the origin stays the same (C-13, C-33). A 401 on a
 * request that carried a token makes the {@link Authorizer} drop it, and the request is sent
 * once more with a fresh one (C-11).
 */
public final class Http {
    private static final Logger LOG = LoggerFactory.getLogger(Http.class);
    private static final int MAX_REDIRECTS = 5;
    public static final String USER_AGENT = "bulkfhir-client/0.1";

    private final HttpClient client;
    private final Authorizer authorizer;
    private final Duration requestTimeout;

    public Http(HttpClient client, Authorizer authorizer, Duration requestTimeout) {
        this.client = client;
        this.authorizer = Objects.requireNonNull(authorizer);
        this.requestTimeout = requestTimeout;
    }

    /** A client that verifies certificates, speaks TLS 1.2+ only (C-1) and never follows redirects itself. */
    public static HttpClient newClient(SSLContext sslContext) {
        SSLParameters tls = new SSLParameters();
        tls.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        HttpClient.Builder b = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20))
                // HTTP/1.1: EHR gateways mishandle the h2c upgrade the JDK would otherwise attempt.
                .version(HttpClient.Version.HTTP_1_1)
                .sslParameters(tls);
        if (sslContext != null) {
            b.sslContext(sslContext);
        }
        return b.build();
    }

    public Http withAuthorizer(Authorizer other) {
        return new Http(client, other, requestTimeout);
    }

    public Authorizer authorizer() {
        return authorizer;
    }

    /** One request: method, URL, headers, optional body, and whether it may carry the bearer token. */
    public static final class Call {
        final String method;
        final URI uri;
        final Map<String, String> headers = new LinkedHashMap<>();
        byte[] body;
        boolean withToken = true;
        Duration timeout;

        private Call(String method, URI uri) {
            this.method = method;
            this.uri = uri;
        }

        public static Call get(URI uri) {
            return new Call("GET", uri);
        }

        public static Call delete(URI uri) {
            return new Call("DELETE", uri);
        }

        public static Call post(URI uri, String contentType, byte[] body) {
            Call c = new Call("POST", uri);
            c.header("Content-Type", contentType);
            c.body = body;
            return c;
        }

        public Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Call withToken(boolean send) {
            this.withToken = send;
            return this;
        }

        /** No timeout for the whole exchange: a large file stream may legitimately take hours. */
        public Call timeout(Duration t) {
            this.timeout = t;
            return this;
        }

        public URI uri() {
            return uri;
        }
    }

    public <T> HttpResponse<T> send(Call call, BodyHandler<T> handler) throws IOException, InterruptedException {
        return send(call, handler, true);
    }

    private <T> HttpResponse<T> send(Call call, BodyHandler<T> handler, boolean mayRetry401)
            throws IOException, InterruptedException {
        URI uri = call.uri;
        boolean sendToken = call.withToken;
        String token = sendToken ? authorizer.bearerToken() : null;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri).header("User-Agent", USER_AGENT);
            Duration t = call.timeout != null ? call.timeout : requestTimeout;
            if (t != null) {
                rb.timeout(t);
            }
            call.headers.forEach(rb::header);
            if (token != null) {
                rb.header("Authorization", "Bearer " + token);
            }
            rb.method(call.method, call.body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(call.body));
            boolean retry401 = token != null && mayRetry401;
            HttpResponse<T> response;
            try {
                response = client.send(rb.build(), info -> {
                    int s = info.statusCode();
                    if (isRedirect(s) && info.headers().firstValue("Location").isPresent() || (s == 401 && retry401)) {
                        return BodySubscribers.replacing(null);
                    }
                    return handler.apply(info);
                });
            } catch (SSLHandshakeException e) {
                // An untrusted certificate or an old protocol is no transient failure for the
                // callers' retry loops: fail now, saying why.
                BulkDataException definite = TlsFailures.explain(uri, e);
                if (definite != null) {
                    throw definite;
                }
                throw e;
            }
            int status = response.statusCode();
            if (status == 401 && retry401) {
                LOG.info("The server refused the access token (401); obtaining a new one and retrying");
                authorizer.rejected(token);
                Call again = copyTo(call, uri);
                again.withToken = sendToken;
                return send(again, handler, false);
            }
            if (!isRedirect(status) || response.headers().firstValue("Location").isEmpty()) {
                return response;
            }
            if (hop >= MAX_REDIRECTS) {
                throw new BulkDataException(BulkDataException.Kind.UNAVAILABLE,
                        "More than " + MAX_REDIRECTS + " redirects from " + safe(call.uri));
            }
            URI next = uri.resolve(response.headers().firstValue("Location").get().trim());
            if (!sameOrigin(uri, next)) {
                // The token was issued for the FHIR server; a blob store or CDN must not see it.
                token = null;
                sendToken = false;
            }
            LOG.debug("Following {} to {}", status, safe(next));
            uri = next;
        }
    }

    private static Call copyTo(Call c, URI uri) {
        Call n = new Call(c.method, uri);
        n.headers.putAll(c.headers);
        n.body = c.body;
        n.timeout = c.timeout;
        return n;
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    public static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /**
     * A URL fit for a log line: pre-signed file URLs carry credentials in the query string, so
     * only scheme, host and path are shown.
     */
    public static String safe(URI uri) {
        if (uri == null) {
            return "null";
        }
        String s = uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
        return uri.getRawQuery() == null ? s : s + "?…";
    }
}
