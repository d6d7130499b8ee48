package org.bulkfhir.store;

/** No resource with this type and id exists (or it was deleted: see {@link #deleted()}). */
public class ResourceNotFoundException extends RuntimeException {
    private final boolean deleted;

    public ResourceNotFoundException(String type, String id, boolean deleted) {
        super(deleted ? type + "/" + id + " has been deleted" : type + "/" + id + " is not known");
        this.deleted = deleted;
    }

    public boolean deleted() {
        return deleted;
    }
}
