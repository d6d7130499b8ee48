package org.bulkfhir.store.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * A medication course: the first prescription and its renewals. MedicationRequests are
 * written when the patient is finished, because a request's status (completed, active,
 * stopped) depends on what happened after it.
 */
final class Course {
    final Vocabulary.Med med;
    /** The Condition it treats, or null. */
    final String reasonConditionId;
    final boolean longTerm;
    final boolean byReference;
    final List<Request> requests = new ArrayList<>(4);
    /** When the course was stopped early (a switch of drug), or 0. */
    long stoppedAt;

    record Request(String id, String encounterId, String practitionerId, long authoredOn) {
    }

    Course(Vocabulary.Med med, String reasonConditionId, boolean longTerm, boolean byReference) {
        this.med = med;
        this.reasonConditionId = reasonConditionId;
        this.longTerm = longTerm;
        this.byReference = byReference;
    }

    long lastAuthored() {
        return requests.get(requests.size() - 1).authoredOn();
    }

    boolean activeAt(long t) {
        return !requests.isEmpty() && requests.get(0).authoredOn() <= t && (stoppedAt == 0 || t < stoppedAt);
    }
}
