package org.bulkfhir.server.auth;

/** A limit on requests per key. */
public interface RequestLimiter {
    /** @return 0 when the request may go ahead, else the whole seconds to wait (for Retry-After) */
    long acquire(String key);
}
