package org.bulkfhir.client;

/**
 * A failure a user can act on. The message is one or two sentences that say what happened and
 * what to check; it never contains a token, a key or resource content.
 */
public class BulkDataException extends RuntimeException {
    /** What kind of failure it is; the command line maps each to its own exit code. */
    public enum Kind {
        /** Bad input on our side (parameters, key file, output directory). */
        USAGE,
        /** Discovery, token request or a 401/403 from the server. */
        AUTHORIZATION,
        /** The server refused the kick-off or is not a Bulk Data server. */
        REJECTED,
        /** The export job failed on the server, or vanished. */
        EXPORT_FAILED,
        /** Files could not be downloaded or did not verify. */
        DOWNLOAD_FAILED,
        /** The network or the server kept failing after every retry. */
        UNAVAILABLE,
        /**
         * No trusted TLS connection: the certificate is not trusted, expired or names another
         * host, or the server offers nothing newer than TLS 1.1 (C-1). Retrying cannot help.
         */
        TLS,
        /** Stopped on request (Ctrl-C); the state is kept for a resume. */
        INTERRUPTED
    }

    private final Kind kind;

    public BulkDataException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public BulkDataException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
