package org.bulkfhir.store.write;

/** What a {@link Write} did: the version it made (or found, for a no-op delete). */
public record WriteResult(String type, String id, int version, long lastUpdated, Outcome outcome, byte[] json) {

    public enum Outcome { CREATED, UPDATED, DELETED, NOT_FOUND }

    public String reference() {
        return type + "/" + id;
    }
}
