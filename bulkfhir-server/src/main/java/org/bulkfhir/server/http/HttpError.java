package org.bulkfhir.server.http;

import java.util.Map;

/**
 * Thrown by an endpoint to answer with an OperationOutcome: an HTTP status, an IssueType code
 * and a message for the client. Extra headers (e.g. {@code Retry-After}, {@code WWW-Authenticate})
 * go with it.
 */
public class HttpError extends RuntimeException {
    private final int status;
    private final String issueCode;
    private final Map<String, String> headers;

    public HttpError(int status, String issueCode, String message) {
        this(status, issueCode, message, Map.of());
    }

    public HttpError(int status, String issueCode, String message, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.issueCode = issueCode;
        this.headers = headers;
    }

    public static HttpError badRequest(String message) {
        return new HttpError(400, "invalid", message);
    }

    public static HttpError notFound(String message) {
        return new HttpError(404, "not-found", message);
    }

    public int status() {
        return status;
    }

    public String issueCode() {
        return issueCode;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
