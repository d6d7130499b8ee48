package org.bulkfhir.core.search.index;

import java.util.Set;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.fhir.FhirIds;
import org.bulkfhir.core.search.index.ResourceIndex.ReferenceEntry;

/** What a reference string points at, as the index stores it. */
final class ReferenceTargets {
    private static final Set<String> RESOURCE_TYPES = Set.copyOf(Fhir.r4().getResourceTypes());

    private ReferenceTargets() {
    }

    /**
     * {@code Type/id} (optionally {@code /_history/n}) gives a local target; an absolute URL is
     * kept as the url, with the target too when it ends in {@code Type/id}. Contained
     * ({@code #x}) and unresolved conditional references give nothing.
     */
    static ReferenceEntry parse(String param, String reference) {
        if (reference == null) {
            return null;
        }
        String ref = reference.trim();
        if (ref.isEmpty() || ref.charAt(0) == '#') {
            return null;
        }
        // A logical id cannot contain ':', so any colon means a scheme (http:, urn:...).
        boolean absolute = ref.indexOf(':') >= 0;
        String path = ref;
        int query = path.indexOf('?');
        if (query >= 0) {
            if (!absolute) {
                return null; // a conditional reference the writer should have resolved
            }
            path = path.substring(0, query);
        }
        int history = path.lastIndexOf("/_history/");
        if (history >= 0) {
            path = path.substring(0, history);
        }
        String targetType = null;
        String targetId = null;
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
            int before = path.lastIndexOf('/', slash - 1);
            String type = path.substring(before + 1, slash);
            String id = path.substring(slash + 1);
            boolean shapeOk = absolute || before < 0;
            if (shapeOk && FhirIds.isValid(id) && RESOURCE_TYPES.contains(type)) {
                targetType = type;
                targetId = id;
            }
        }
        if (absolute) {
            return new ReferenceEntry(param, targetType, targetId, ref);
        }
        return targetType == null ? null : new ReferenceEntry(param, targetType, targetId, null);
    }

    /** The resource type a reference points at, or null; what {@code resolve() is T} tests. */
    static String targetType(String reference) {
        ReferenceEntry e = parse("", reference);
        return e == null ? null : e.targetType();
    }
}
