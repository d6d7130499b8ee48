package org.bulkfhir.client.output;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bulkfhir.client.export.DroppedParameter;

/**
 * The summary's sentences about parameters the server did not honour as asked: types whose
 * {@code _typeFilter} the client had to apply itself (C-18), filters it could not check,
 * parameters dropped after a refusal and parameters a lenient server ignored (C-19).
 */
public final class ParameterReport {
    private ParameterReport() {
    }

    /**
     * @param counts per filtered type, summed over all files
     * @param unverifiable types whose filter cannot be checked locally, with the reason
     * @param localFilterOn whether the client re-applied {@code _typeFilter}
     */
    public static List<String> warnings(Map<String, FilterCounts> counts, Map<String, String> unverifiable,
                                        List<DroppedParameter> dropped, Map<String, String> ignored,
                                        boolean localFilterOn) {
        List<String> w = new ArrayList<>();
        boolean typeFilterDropped = dropped.stream().anyMatch(d -> d.name().equals("_typeFilter"));
        counts.forEach((type, c) -> {
            if (c.removed > 0) {
                // A refused-and-dropped filter was not ignored by the server: it was never sent.
                w.add(String.format(Locale.ROOT, typeFilterDropped
                        ? "_typeFilter (dropped at kick-off) applied locally to %s: %d of %d resources removed"
                        : "server ignored _typeFilter for %s: %d of %d resources removed locally",
                        type, c.removed, c.received));
            }
            if (c.unchecked > 0 && !unverifiable.containsKey(type)) {
                w.add(String.format(Locale.ROOT, "%d of %d %s resources could not be checked against _typeFilter"
                        + " locally (HAPI could not read them, or _elements subsetted them) and were kept",
                        c.unchecked, c.received, type));
            }
        });
        unverifiable.forEach((type, why) -> w.add("_typeFilter for " + type + " could not be verified locally (" + why
                + "); " + type + " resources are kept as the server sent them"));
        dropped.forEach(d -> w.add(d.describe()));
        ignored.forEach((name, text) -> w.add("the server ignored " + name + " (\"" + text + "\")"
                + (name.equals("_typeFilter") && localFilterOn ? "; it was re-applied locally" : "")));
        return w;
    }
}
