package org.bulkfhir.core.export;

import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.bulkfhir.core.fhir.Fhir;

/**
 * Which resource types a Patient- or Group-level export draws from: the R4 Patient compartment
 * (taken from HAPI's search-parameter definitions, so it is the specification's list and not a
 * hand copy) and the non-compartment "context" types that are added when an exported resource
 * references them.
 */
public final class PatientCompartment {
    /** The compartment types, Patient included. */
    public static final Set<String> TYPES = compartmentTypes();

    /**
     * Context types exported at Patient/Group level when referenced by an exported resource
     * (S-33). A fixed list, so that {@code _type} at these levels can be validated.
     */
    public static final Set<String> CONTEXT_TYPES = Collections.unmodifiableSet(new TreeSet<>(Set.of(
            "Practitioner", "PractitionerRole", "Organization", "Location", "Medication", "Device",
            "Endpoint", "HealthcareService", "Substance")));

    private PatientCompartment() {
    }

    public static boolean isCompartmentType(String type) {
        return TYPES.contains(type);
    }

    public static boolean isContextType(String type) {
        return CONTEXT_TYPES.contains(type);
    }

    private static Set<String> compartmentTypes() {
        Set<String> types = new TreeSet<>();
        types.add("Patient");
        for (String type : Fhir.r4().getResourceTypes()) {
            RuntimeResourceDefinition def = Fhir.r4().getResourceDefinition(type);
            for (RuntimeSearchParam sp : def.getSearchParams()) {
                Set<String> compartments = sp.getProvidesMembershipInCompartments();
                if (compartments != null && compartments.contains("Patient")) {
                    types.add(type);
                    break;
                }
            }
        }
        return Collections.unmodifiableSet(types);
    }
}
