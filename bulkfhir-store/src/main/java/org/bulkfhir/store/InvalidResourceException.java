package org.bulkfhir.store;

/**
 * The input is not acceptable: malformed JSON, an unknown resourceType, an invalid id, a
 * Bundle entry that fails. The message says what and where, and is safe to show a user (it
 * never echoes resource content).
 */
public class InvalidResourceException extends RuntimeException {
    public InvalidResourceException(String message) {
        super(message);
    }

    public InvalidResourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
