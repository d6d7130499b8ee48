package org.bulkfhir.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bulkfhir.core.fhir.OperationOutcomes;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * One HTTP request and its response, in the blocking style every handler here uses: read the
 * body, then answer once. Keeps Jetty's API out of the endpoint code.
 */
public final class Exchange {
    public static final String FHIR_JSON = "application/fhir+json";
    public static final String JSON = "application/json";
    public static final String NDJSON = "application/fhir+ndjson";

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final String path;
    private Map<String, List<String>> query;
    private boolean answered;
    private boolean bodyRead;

    public Exchange(Request request, Response response, Callback callback, String path) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.path = path;
    }

    public String method() {
        return request.getMethod();
    }

    /** The path below the handler's context, e.g. {@code /Patient/123}. */
    public String path() {
        return path;
    }

    public String header(String name) {
        return request.getHeaders().get(name);
    }

    public List<String> headers(String name) {
        return request.getHeaders().getValuesList(name);
    }

    /** Query parameters in order, each with all its values (repeated parameters kept apart). */
    public Map<String, List<String>> query() {
        if (query == null) {
            Map<String, List<String>> q = new LinkedHashMap<>();
            Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
            for (Fields.Field f : fields) {
                q.computeIfAbsent(f.getName(), k -> new ArrayList<>()).addAll(f.getValues());
            }
            query = Collections.unmodifiableMap(q);
        }
        return query;
    }

    public String queryParam(String name) {
        List<String> values = query().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The full request URL as the client sent it (scheme, host, path and query). */
    public String requestUrl() {
        return request.getHttpURI().asString();
    }

    public String remoteAddress() {
        return Request.getRemoteAddr(request);
    }

    public Request jettyRequest() {
        return request;
    }

    /**
     * Reads the whole body, refusing more than {@code limit} bytes with a 413 so a client cannot
     * make the server buffer without bound.
     */
    public byte[] body(long limit) throws IOException {
        long declared = request.getLength();
        if (declared > limit) {
            throw new HttpError(413, "too-costly", "The request body is " + declared + " bytes; the limit is " + limit);
        }
        bodyRead = true;
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw new HttpError(413, "too-costly", "The request body exceeds the limit of " + limit + " bytes");
            }
            return bytes;
        }
    }

    public void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    public void addHeader(String name, String value) {
        response.getHeaders().add(name, value);
    }

    public void respond(int status, String contentType, byte[] body) {
        answered = true;
        response.setStatus(status);
        closeIfBodyUnread();
        if (body != null && contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType + (contentType.contains("charset") ? "" : ";charset=utf-8"));
        }
        if (body == null || body.length == 0 || "HEAD".equals(method())) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body == null ? 0 : body.length);
            response.write(true, null, callback);
        } else {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }

    /**
     * A request answered without reading its body (refused before it was needed) leaves bytes on
     * the connection, which the server then closes, possibly after the client has sent its next
     * request on it ("header parser received no bytes"). Saying so lets the client open a new one.
     */
    private void closeIfBodyUnread() {
        boolean hasBody = request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (hasBody && !bodyRead) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    public void respondStatus(int status) {
        respond(status, null, null);
    }

    /** Answers with an OperationOutcome of one error issue. */
    public void fail(int status, String issueCode, String diagnostics) {
        respond(status, FHIR_JSON, OperationOutcomes.error(issueCode, diagnostics));
    }

    /**
     * Starts a streamed response; the caller writes the body and closes the stream, which
     * completes the exchange.
     */
    public OutputStream stream(int status, String contentType, long contentLength) {
        answered = true;
        response.setStatus(status);
        closeIfBodyUnread();
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        if (contentLength >= 0) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, contentLength);
        }
        return new CallbackCompletingStream(Content.Sink.asOutputStream(response), callback);
    }

    public boolean answered() {
        return answered;
    }

    public Callback callback() {
        return callback;
    }

    public Response jettyResponse() {
        return response;
    }

    /** Closing the body stream ends the response: the callback succeeds, or fails on error. */
    private static final class CallbackCompletingStream extends OutputStream {
        private final OutputStream out;
        private final Callback callback;
        private boolean closed;

        CallbackCompletingStream(OutputStream out, Callback callback) {
            this.out = out;
            this.callback = callback;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                out.close();
                callback.succeeded();
            } catch (IOException | RuntimeException e) {
                callback.failed(e);
                throw e;
            }
        }
    }
}
