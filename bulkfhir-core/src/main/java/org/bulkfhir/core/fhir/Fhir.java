package org.bulkfhir.core.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.PerformanceOptionsEnum;

/**
 * The one R4 {@link FhirContext} of the process. Building a context scans every model class
 * (hundreds of milliseconds), so everything shares this one; it is thread-safe once every
 * resource type has been scanned, which {@link #create} does before anyone can see it.
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
        // ...but all of them now, inside this class's initialization, which the JVM runs once while
        // other threads wait. Scanned lazily, a type's definition is visible to other threads
        // before it is complete: a server's warm-up thread read a null search-parameter list while
        // a request scanned the same type, its static initializer failed, and the export workers
        // that then needed the class died. Scanning every type takes 0.7-0.8 s, once per process.
        for (String type : ctx.getResourceTypes()) {
            ctx.getResourceDefinition(type);
        }
        return ctx;
    }
}
