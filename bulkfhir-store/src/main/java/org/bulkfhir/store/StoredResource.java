package org.bulkfhir.store;

/**
 * One version of a resource as stored: its JSON carries {@code id}, {@code meta.versionId} and
 * {@code meta.lastUpdated} already, so it is served byte for byte.
 */
public record StoredResource(String type, String id, int version, long lastUpdated, boolean deleted, byte[] json) {

    public String reference() {
        return type + "/" + id;
    }
}
