package org.bulkfhir.server.export;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.bulkfhir.core.export.ExportLevel;
import org.bulkfhir.core.export.ExportOptions;
import org.bulkfhir.core.export.PatientCompartment;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.store.export.JobRow;
import org.bulkfhir.store.export.SnapshotReader.ProvenanceRule;

/**
 * The resource types a job exports, resolved from its {@code _type} (or the level's default):
 * system level every type that has data; Patient/Group level the compartment types, plus the
 * context types added when referenced.
 *
 * <p>{@code provenance} says how Provenance are found when they are not simply read as one more
 * type: at Patient/Group level by the default rule (S-37: those targeting a compartment resource,
 * since most Provenance point at an Encounter or an Observation rather than at the Patient), or at
 * any level as the associated data of what was exported (S-40). Provenance is then left out of
 * {@code output} and collected for the context task instead. Organized output has blocks of
 * compartment resources only, so neither context resources nor collected Provenance.
 */
public record JobTypes(List<String> output, List<String> context, ProvenanceRule provenance) {


    static JobTypes of(JobRow job, ExportOptions options) {
        ExportLevel level = ExportLevel.ofCode(job.level());
        List<String> requested = job.types() == null ? null : Arrays.asList(job.types().split(","));
        ExportOptions.Provenance mode = options.provenance();
        ProvenanceRule associated = mode == ExportOptions.Provenance.RELEVANT ? ProvenanceRule.RELEVANT
                : mode == ExportOptions.Provenance.LATEST ? ProvenanceRule.LATEST : null;
        if (level == ExportLevel.SYSTEM) {
            List<String> output = requested != null ? sorted(requested) : sorted(Fhir.r4().getResourceTypes());
            if (associated != null) {
                output.remove("Provenance");
            }
            return new JobTypes(output, List.of(), associated);
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
        output = sorted(output);
        if (options.organizeOutputBy() != null) {
            return new JobTypes(output, List.of(), null);
        }
        ProvenanceRule rule = associated;
        if (rule == null && output.contains("Provenance")) {
            rule = ProvenanceRule.TARGETS_COMPARTMENT;
        }
        if (rule != null) {
            output.remove("Provenance");
        }
        return new JobTypes(output, sorted(context), rule);
    }

    /** The types a job at this level exports when the client names none. */
    public static List<String> defaults(ExportLevel level) {
        return level == ExportLevel.SYSTEM ? sorted(Fhir.r4().getResourceTypes()) : union();
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
