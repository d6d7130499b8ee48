package org.bulkfhir.store.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects Group membership while patients stream past and writes the three Groups at the
 * end. Only patient ids are kept, which is the one thing that grows with the population.
 */
final class GroupWriter {
    private final List<String> all = new ArrayList<>();
    private final List<String> diabetic = new ArrayList<>();
    private final List<String> payerOne = new ArrayList<>();

    void add(PatientGenerator.Facts f) {
        all.add(f.patientId());
        if (f.diabetic()) {
            diabetic.add(f.patientId());
        }
        if (f.payerOneMember()) {
            payerOne.add(f.patientId());
        }
    }

    void write(ResourceWriter w, SharedResources shared) {
        group(w, "all-patients", "All patients", null, all);
        group(w, "diabetes-cohort", "Patients with type 2 diabetes mellitus", Vocabulary.DIABETES, diabetic);
        SharedResources.Payer payer = shared.payer(1);
        group(w, "payer-1-members", "Members of " + payer.name(), null, payerOne);
    }

    private static void group(ResourceWriter w, String identifier, String name, Code code, List<String> members) {
        w.begin("Group");
        w.startArray("identifier");
        w.identifier(Vocabulary.GROUP_SYSTEM, identifier);
        w.endArray();
        w.bool("active", true);
        w.string("type", "person");
        w.bool("actual", true);
        if (code != null) {
            w.concept("code", code);
        }
        w.string("name", name);
        w.integer("quantity", members.size());
        if (!members.isEmpty()) {
            w.startArray("member");
            for (String id : members) {
                w.startObject();
                w.reference("entity", "Patient", id);
                w.endObject();
            }
            w.endArray();
        }
        w.end();
    }
}
