package org.bulkfhir.store.write;

import java.util.List;
import org.bulkfhir.core.json.StampTemplate;
import org.bulkfhir.core.search.index.ResourceIndex;

/**
 * One change, validated and indexed, ready for {@link org.bulkfhir.store.ResourceStore#write}.
 * {@code body} is the resource cut open for its stamp ({@code meta.versionId} and
 * {@code meta.lastUpdated} are only known inside the write transaction); null for a delete.
 */
public record Write(Kind kind, String type, String id, StampTemplate body, ResourceIndex index, List<Member> groupMembers) {

    public enum Kind {
        /** A new resource under a server-assigned id (already chosen, a random UUID). */
        CREATE,
        /** Create or update under a client-chosen id (PUT semantics). */
        UPSERT,
        /** Delete (a tombstone version); deleting what does not exist is a no-op. */
        DELETE
    }

    /** A Group member reference, for the membership index. */
    public record Member(String type, String id) {
    }

    public static Write delete(String type, String id) {
        return new Write(Kind.DELETE, type, id, null, null, List.of());
    }

    public String reference() {
        return type + "/" + id;
    }
}
