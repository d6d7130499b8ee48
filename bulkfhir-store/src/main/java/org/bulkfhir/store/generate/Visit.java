package org.bulkfhir.store.generate;

import java.util.ArrayList;
import java.util.List;

import static org.bulkfhir.store.generate.Vocabulary.Acute;
import static org.bulkfhir.store.generate.Vocabulary.Admission;
import static org.bulkfhir.store.generate.Vocabulary.Chronic;
import static org.bulkfhir.store.generate.Vocabulary.Emergency;

/** One planned encounter of a patient's timeline, before anything is written. */
final class Visit {
    enum Kind { WELLNESS, FOLLOW_UP, ACUTE, DIAGNOSIS, EMERGENCY, INPATIENT }

    final Kind kind;
    final long start;
    final long end;
    /** Long-term conditions first recorded at this visit. */
    final List<Chronic> diagnoses = new ArrayList<>(1);
    /** Index into the well-baby schedule, or -1. */
    int wellChildSlot = -1;
    Acute acute;
    Emergency emergency;
    Admission admission;
    /** The admission the patient dies in. */
    boolean terminal;

    Visit(Kind kind, long start, long end) {
        this.kind = kind;
        this.start = start;
        this.end = end;
    }
}
