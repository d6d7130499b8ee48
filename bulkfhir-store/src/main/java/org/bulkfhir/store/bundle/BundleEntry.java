package org.bulkfhir.store.bundle;

/** One entry of an incoming Bundle, as raw parts. {@code resource} is compact JSON or null. */
record BundleEntry(int index, String fullUrl, String method, String url, byte[] resource, String resourceType,
                   String resourceId) {
}
