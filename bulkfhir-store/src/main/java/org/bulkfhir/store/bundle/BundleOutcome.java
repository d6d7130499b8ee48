package org.bulkfhir.store.bundle;

import java.util.List;
import org.bulkfhir.store.write.WriteResult;

/**
 * What processing a Bundle did. For a transaction either every entry has a result or the
 * whole Bundle failed with an exception; for a batch or collection, each entry has a result or
 * an error. {@code warnings} are things the caller should know but that did not fail anything
 * (e.g. a {@code urn:uuid:} reference that matched nothing).
 */
public record BundleOutcome(String bundleType, List<EntryOutcome> entries, List<String> warnings) {

    /** Exactly one of {@code result} and {@code error} is set. */
    public record EntryOutcome(int index, WriteResult result, String error) {
    }

    public long succeeded() {
        return entries.stream().filter(e -> e.result() != null).count();
    }

    public List<EntryOutcome> failed() {
        return entries.stream().filter(e -> e.error() != null).toList();
    }
}
