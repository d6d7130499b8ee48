package org.bulkfhir.core.export;

/**
 * A kick-off that cannot be accepted: names the parameter at fault so the server's 400
 * OperationOutcome tells the client what to change (S-24, S-25).
 */
public final class InvalidExportRequestException extends RuntimeException {
    private final String parameter;

    public InvalidExportRequestException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    /** The offending parameter, or null when the request as a whole is at fault (e.g. the body). */
    public String parameter() {
        return parameter;
    }
}
