package org.bulkfhir.core.search;

/** A {@code _typeFilter} query this server cannot run; the message names what is wrong. */
public final class InvalidSearchException extends RuntimeException {
    public InvalidSearchException(String message) {
        super(message);
    }
}
