package org.bulkfhir.store.generate;

import java.util.List;
import java.util.SplittableRandom;

import static org.bulkfhir.store.generate.FhirTime.DAY;
import static org.bulkfhir.store.generate.FhirTime.HOUR;

/**
 * The financial side of a chart: Coverage per insured period, and for each encounter a Claim
 * from the hospital and the payer's ExplanationOfBenefit adjudicating it.
 */
final class ClaimWriter {
    /** One billed line: what was provided and its charge. */
    record Item(Code productOrService, long cents) {
    }

    private ClaimWriter() {
    }

    static void coverage(ResourceWriter w, SharedResources shared, Person p, String patientId,
                         Person.CoverageSpan c) {
        SharedResources.Payer payer = shared.payer(c.payer());
        boolean child = p.age(c.start()) < 18 && !payer.government();
        w.begin("Coverage", c.id());
        w.startArray("identifier");
        w.identifier(Vocabulary.MEMBER_ID_SYSTEM, "P" + c.payer() + "-" + c.memberId());
        w.endArray();
        w.string("status", c.end() == 0 ? "active" : "cancelled");
        w.concept("type", payer.government() ? Vocabulary.COVERAGE_PUBLIC : Vocabulary.COVERAGE_COMMERCIAL);
        w.string("subscriberId", c.memberId());
        w.reference("beneficiary", "Patient", patientId, p.displayName());
        w.concept("relationship", child ? Vocabulary.RELATIONSHIP_CHILD : Vocabulary.RELATIONSHIP_SELF);
        w.startObject("period");
        w.date("start", c.start());
        if (c.end() > 0) {
            w.date("end", c.end());
        }
        w.endObject();
        w.startArray("payor");
        w.startObject();
        w.string("reference", "Organization/" + payer.id());
        w.string("display", payer.name());
        w.endObject();
        w.endArray();
        w.startArray("class");
        w.startObject();
        w.concept("type", Vocabulary.COVERAGE_CLASS_PLAN);
        w.string("value", payer.government() ? "MEDICARE-AB" : "PLAN-" + (char) ('A' + c.payer()));
        w.string("name", payer.government() ? "Medicare Parts A and B" : payer.name() + " PPO");
        w.endObject();
        w.endArray();
        w.end();
    }

    static void claimAndBenefit(ResourceWriter w, SharedResources shared, Person p, String patientId, Visit v,
                                String encounterId, SharedResources.Practitioner clinician,
                                SharedResources.Hospital hospital, Person.CoverageSpan coverage, List<Item> items,
                                List<String> diagnosisIds, SplittableRandom r) {
        SharedResources.Payer payer = shared.payer(coverage.payer());
        boolean institutional = v.kind == Visit.Kind.INPATIENT || v.kind == Visit.Kind.EMERGENCY;
        Code type = institutional ? Vocabulary.CLAIM_INSTITUTIONAL : Vocabulary.CLAIM_PROFESSIONAL;
        // Billing lags care, but nothing is dated after the population's "today".
        long created = Math.min(v.end + HOUR * (1 + r.nextInt(48)), FhirTime.REFERENCE);
        long total = 0;
        for (Item i : items) {
            total += i.cents();
        }

        String claimId = w.begin("Claim");
        w.string("status", "active");
        w.concept("type", type);
        w.string("use", "claim");
        w.reference("patient", "Patient", patientId);
        w.period("billablePeriod", v.start, v.end);
        w.dateTime("created", created);
        w.reference("insurer", "Organization", payer.id(), payer.name());
        w.reference("provider", "Organization", hospital.id(), hospital.name());
        w.concept("priority", Vocabulary.PRIORITY_NORMAL);
        w.reference("facility", "Location", v.kind == Visit.Kind.EMERGENCY ? hospital.emergencyId()
                : v.kind == Visit.Kind.INPATIENT ? hospital.wardId() : hospital.clinicId());
        careTeam(w, clinician);
        diagnoses(w, diagnosisIds);
        insurance(w, coverage);
        w.startArray("item");
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            w.startObject();
            w.integer("sequence", i + 1);
            w.intArray("careTeamSequence", 1);
            if (!diagnosisIds.isEmpty()) {
                w.intArray("diagnosisSequence", 1);
            }
            w.concept("productOrService", item.productOrService());
            w.date("servicedDate", v.start);
            w.money("net", item.cents());
            w.referenceArray("encounter", "Encounter", encounterId);
            w.endObject();
        }
        w.endArray();
        w.money("total", total);
        w.end();

        // The payer allows a share of the charge and the patient owes a copay on office visits.
        double allowedShare = payer.government() ? 0.55 : payer.index() == 1 ? 0.72 : 0.66;
        long copay = institutional ? 0 : payer.government() ? 0 : 2_500;
        long totalAllowed = 0;
        long totalBenefit = 0;
        w.begin("ExplanationOfBenefit");
        w.string("status", "active");
        w.concept("type", type);
        w.string("use", "claim");
        w.reference("patient", "Patient", patientId);
        w.period("billablePeriod", v.start, v.end);
        w.dateTime("created", Math.min(created + DAY * (3 + r.nextInt(25)), FhirTime.REFERENCE));
        w.reference("insurer", "Organization", payer.id(), payer.name());
        w.reference("provider", "Organization", hospital.id(), hospital.name());
        w.reference("claim", "Claim", claimId);
        w.string("outcome", "complete");
        careTeam(w, clinician);
        diagnoses(w, diagnosisIds);
        w.startArray("insurance");
        w.startObject();
        w.bool("focal", true);
        w.reference("coverage", "Coverage", coverage.id());
        w.endObject();
        w.endArray();
        w.startArray("item");
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            long allowed = Math.round(item.cents() * allowedShare);
            long itemCopay = i == 0 ? Math.min(copay, allowed) : 0;
            long benefit = allowed - itemCopay;
            totalAllowed += allowed;
            totalBenefit += benefit;
            w.startObject();
            w.integer("sequence", i + 1);
            w.concept("productOrService", item.productOrService());
            w.date("servicedDate", v.start);
            w.money("net", item.cents());
            w.startArray("adjudication");
            adjudication(w, Vocabulary.ADJ_SUBMITTED, item.cents());
            adjudication(w, Vocabulary.ADJ_ELIGIBLE, allowed);
            if (itemCopay > 0) {
                adjudication(w, Vocabulary.ADJ_COPAY, itemCopay);
            }
            adjudication(w, Vocabulary.ADJ_BENEFIT, benefit);
            w.endArray();
            w.endObject();
        }
        w.endArray();
        w.startArray("total");
        adjudication(w, Vocabulary.ADJ_SUBMITTED, total);
        adjudication(w, Vocabulary.ADJ_ELIGIBLE, totalAllowed);
        adjudication(w, Vocabulary.ADJ_BENEFIT, totalBenefit);
        w.endArray();
        w.startObject("payment");
        w.money("amount", totalBenefit);
        w.endObject();
        w.end();
    }

    private static void careTeam(ResourceWriter w, SharedResources.Practitioner clinician) {
        w.startArray("careTeam");
        w.startObject();
        w.integer("sequence", 1);
        w.reference("provider", "Practitioner", clinician.id(), clinician.display());
        w.bool("responsible", true);
        w.endObject();
        w.endArray();
    }

    private static void diagnoses(ResourceWriter w, List<String> diagnosisIds) {
        if (diagnosisIds.isEmpty()) {
            return;
        }
        w.startArray("diagnosis");
        for (int i = 0; i < diagnosisIds.size(); i++) {
            w.startObject();
            w.integer("sequence", i + 1);
            w.reference("diagnosisReference", "Condition", diagnosisIds.get(i));
            w.endObject();
        }
        w.endArray();
    }

    private static void insurance(ResourceWriter w, Person.CoverageSpan coverage) {
        w.startArray("insurance");
        w.startObject();
        w.integer("sequence", 1);
        w.bool("focal", true);
        w.reference("coverage", "Coverage", coverage.id());
        w.endObject();
        w.endArray();
    }

    private static void adjudication(ResourceWriter w, Code category, long cents) {
        w.startObject();
        w.concept("category", category);
        w.money("amount", cents);
        w.endObject();
    }
}
