package org.bulkfhir.client.output;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What the local {@code _typeFilter} check (C-18) did to the resources of one type: how many the
 * server sent, how many did not match and were removed, how many could not be checked and were
 * kept. Mutable and plain so that it is kept in {@link ExportState} as it is.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class FilterCounts {
    public long received;
    public long removed;
    public long unchecked;

    public void add(FilterCounts other) {
        received += other.received;
        removed += other.removed;
        unchecked += other.unchecked;
    }
}
