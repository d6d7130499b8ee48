package org.bulkfhir.core.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.PerformanceOptionsEnum;

/**
 * The one R4 {@link FhirContext} of the process. Building a context scans every model class
 * (hundreds of milliseconds), so everything shares this one; it is thread-safe.
 */
public final class Fhir {
    private static final FhirContext R4 = create();

    private Fhir() {
    }

    public static FhirContext r4() {
        return R4;
    }

    private static FhirContext create() {
        FhirContext ctx = FhirContext.forR4();
        // Model classes are scanned lazily per type instead of all at start.
        ctx.setPerformanceOptions(PerformanceOptionsEnum.DEFERRED_MODEL_SCANNING);
        return ctx;
    }
}
