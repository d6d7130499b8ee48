package org.bulkfhir.server.export;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.bulkfhir.core.export.ExportLevel;
import org.bulkfhir.core.export.PatientCompartment;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.store.export.JobRow;

/**
 * The resource types a job exports, resolved from its {@code _type} (or the level's default):
 * system level every type that has data; Patient/Group level the compartment types, plus the
 * context types added when referenced.
 */
record JobTypes(List<String> output, List<String> context) {

    static JobTypes of(JobRow job) {
        ExportLevel level = ExportLevel.ofCode(job.level());
        List<String> requested = job.types() == null ? null : Arrays.asList(job.types().split(","));
        if (level == ExportLevel.SYSTEM) {
            return new JobTypes(requested != null ? sorted(requested) : sorted(Fhir.r4().getResourceTypes()), List.of());
        }
        List<String> output = new ArrayList<>();
        List<String> context = new ArrayList<>();
        for (String t : requested != null ? requested : union()) {
            if (PatientCompartment.isCompartmentType(t)) {
                output.add(t);
            } else if (PatientCompartment.isContextType(t)) {
                context.add(t);
            }
        }
        return new JobTypes(sorted(output), sorted(context));
    }

    /**
     * Default Patient/Group-level types. Group is left out although Group.member puts a Group
     * in its members' compartments: a Group lists other patients, and a client after Groups
     * reads them directly (it can still ask for them with {@code _type}).
     */
    private static List<String> union() {
        TreeSet<String> all = new TreeSet<>(PatientCompartment.TYPES);
        all.remove("Group");
        all.addAll(PatientCompartment.CONTEXT_TYPES);
        return new ArrayList<>(all);
    }

    private static List<String> sorted(java.util.Collection<String> types) {
        return new ArrayList<>(new TreeSet<>(types));
    }
}
