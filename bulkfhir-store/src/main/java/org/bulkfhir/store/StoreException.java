package org.bulkfhir.store;

/** A failure of the store itself (database unreachable, migration failed), not of the input. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
