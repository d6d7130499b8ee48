package org.bulkfhir.cli;

/** Bad command-line input; exit code 2. The message says what to change. */
public final class UsageError extends RuntimeException {
    public UsageError(String message) {
        super(message);
    }
}
