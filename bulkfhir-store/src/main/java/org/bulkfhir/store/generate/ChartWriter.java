package org.bulkfhir.store.generate;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.bulkfhir.store.generate.FhirTime.DAY;
import static org.bulkfhir.store.generate.FhirTime.HOUR;
import static org.bulkfhir.store.generate.FhirTime.MINUTE;
import static org.bulkfhir.store.generate.FhirTime.REFERENCE;
import static org.bulkfhir.store.generate.FhirTime.years;
import static org.bulkfhir.store.generate.Vocabulary.Chronic;
import static org.bulkfhir.store.generate.Vocabulary.Lab;
import static org.bulkfhir.store.generate.Vocabulary.Med;
import static org.bulkfhir.store.generate.Vocabulary.Meds;
import static org.bulkfhir.store.generate.Vocabulary.Panel;

/**
 * Writes one patient's chart: the Patient, their Coverage, and for each planned visit the
 * Encounter with everything recorded at it (conditions, vital signs, labs and their reports,
 * procedures, immunizations, prescriptions, a clinical note, the claim and its adjudication,
 * and a Provenance for the clinical resources). Holds only this patient's state.
 */
final class ChartWriter {
    private final ResourceWriter w;
    private final SharedResources shared;
    private final Person p;
    private final SplittableRandom r;
    final String patientId;

    private final Map<Chronic, String> conditionIds = new EnumMap<>(Chronic.class);
    private final List<Course> courses = new ArrayList<>();
    private final Map<Chronic, List<Course>> chronicCourses = new EnumMap<>(Chronic.class);

    // Immunization history.
    private int fluSeason = Integer.MIN_VALUE;
    private int covidYear = Integer.MIN_VALUE;
    private long lastTdap;
    private boolean childBoostersDone;
    private boolean adolescentDone;
    private boolean pneumococcalDone;
    private boolean zosterDone;

    // The visit being written.
    private Visit visit;
    private String encounterId;
    private SharedResources.Practitioner clinician;
    private SharedResources.Hospital hospital;
    private String locationId;
    private final List<String> targets = new ArrayList<>();
    private final List<ClaimWriter.Item> items = new ArrayList<>();
    private final List<String> diagnosisIds = new ArrayList<>();
    private final StringBuilder noteVitals = new StringBuilder();
    private final List<String> noteAssessment = new ArrayList<>();
    private final List<String> notePlan = new ArrayList<>();
    private final List<String> noteResults = new ArrayList<>();
    private double feverBump;

    ChartWriter(ResourceWriter w, SharedResources shared, Person p, SplittableRandom r, String patientId) {
        this.w = w;
        this.shared = shared;
        this.p = p;
        this.r = r;
        this.patientId = patientId;
        this.hospital = shared.hospitals.get(p.hospital);
        // Adults arrive with an unknown tetanus history: some are due for a booster.
        this.lastTdap = p.age(p.start) >= 19 ? p.start - (long) (r.nextDouble() * years(12)) : p.birth;
    }

    String mrn() {
        return String.format("MRN%07d", 1_000_001 + p.index);
    }

    // ---- patient-level resources -----------------------------------------------------------

    void writePatient() {
        w.begin("Patient", patientId);
        w.startArray("identifier");
        w.startObject();
        w.string("use", "usual");
        w.concept("type", Vocabulary.MR_TYPE);
        w.string("system", Vocabulary.MRN_SYSTEM);
        w.string("value", mrn());
        w.endObject();
        w.endArray();
        w.bool("active", p.death == 0);
        w.startArray("name");
        w.startObject();
        w.string("use", "official");
        w.string("family", p.family);
        w.stringArray("given", p.given);
        double age = p.age(REFERENCE);
        if (age >= 18) {
            w.stringArray("prefix", !p.female ? "Mr." : p.marital == Vocabulary.MARRIED ? "Mrs." : "Ms.");
        }
        w.endObject();
        w.endArray();
        w.startArray("telecom");
        w.startObject();
        w.string("system", "phone");
        w.string("value", p.phone);
        w.string("use", "home");
        w.endObject();
        if (p.email != null) {
            w.startObject();
            w.string("system", "email");
            w.string("value", p.email);
            w.string("use", "home");
            w.endObject();
        }
        w.endArray();
        w.string("gender", p.female ? "female" : "male");
        w.date("birthDate", p.birth);
        if (p.death > 0) {
            w.dateTime("deceasedDateTime", p.death);
        }
        SharedResources.address(w, p.street, p.town, "home");
        w.concept("maritalStatus", p.marital);
        w.startArray("communication");
        w.startObject();
        w.concept("language", new Code("urn:ietf:bcp:47", p.language.code(), p.language.display()));
        w.bool("preferred", true);
        w.endObject();
        w.endArray();
        SharedResources.Practitioner gp = shared.practitioners.get(p.practitioner);
        w.startArray("generalPractitioner");
        w.reference("Practitioner", gp.id());
        w.endArray();
        w.reference("managingOrganization", "Organization", hospital.id(), hospital.name());
        w.end();
    }

    void writeCoverages() {
        for (Person.CoverageSpan c : p.coverages) {
            ClaimWriter.coverage(w, shared, p, patientId, c);
        }
    }

    private void writeAllergies(long t) {
        for (Vocabulary.Allergen a : p.allergies) {
            String id = w.begin("AllergyIntolerance");
            w.concept("clinicalStatus", new Code(
                    "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active"));
            w.concept("verificationStatus", new Code(
                    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed",
                    "Confirmed"));
            w.string("type", "allergy");
            w.stringArray("category", a.category());
            w.string("criticality", a.criticality());
            w.conceptWithText("code", a.code());
            w.reference("patient", "Patient", patientId);
            w.reference("encounter", "Encounter", encounterId);
            w.date("onsetDateTime", p.birth + (long) (r.nextDouble() * Math.max(DAY, t - p.birth)));
            w.dateTime("recordedDate", t);
            w.reference("recorder", "Practitioner", clinician.id());
            w.startArray("reaction");
            w.startObject();
            w.startArray("manifestation");
            w.concept(a.reaction());
            w.endArray();
            w.string("severity", "high".equals(a.criticality()) ? "severe" : "mild");
            w.endObject();
            w.endArray();
            w.end();
            targets.add("AllergyIntolerance/" + id);
            noteAssessment.add("Allergy: " + stripTag(a.code().display()) + " (" + stripTag(a.reaction().display())
                    + ")");
        }
    }

    // ---- visits ----------------------------------------------------------------------------

    void writeVisit(Visit v, boolean first) {
        visit = v;
        encounterId = w.newId("Encounter");
        targets.clear();
        items.clear();
        diagnosisIds.clear();
        noteVitals.setLength(0);
        noteAssessment.clear();
        notePlan.clear();
        noteResults.clear();
        feverBump = 0;

        List<Integer> staff = shared.staff.get(p.hospital);
        boolean ownDoctor = v.kind != Visit.Kind.EMERGENCY && v.kind != Visit.Kind.INPATIENT && Rand.chance(r, 0.85);
        clinician = shared.practitioners.get(ownDoctor ? p.practitioner : staff.get(r.nextInt(staff.size())));
        locationId = switch (v.kind) {
            case EMERGENCY -> hospital.emergencyId();
            case INPATIENT -> hospital.wardId();
            default -> hospital.clinicId();
        };

        for (Chronic c : v.diagnoses) {
            String id = w.newId("Condition");
            conditionIds.put(c, id);
            diagnosisIds.add(id);
        }
        String eventConditionId = v.acute != null || v.emergency != null || v.admission != null
                ? w.newId("Condition") : null;
        if (eventConditionId != null) {
            diagnosisIds.add(0, eventConditionId);
        }
        List<String> reasons = new ArrayList<>(diagnosisIds);
        if (v.kind == Visit.Kind.FOLLOW_UP) {
            for (Chronic c : Chronic.values()) {
                if (c.followedUp && p.has(c, v.start) && conditionIds.containsKey(c)) {
                    reasons.add(conditionIds.get(c));
                }
            }
        }

        writeEncounter(v, reasons);
        targets.add("Encounter/" + encounterId);
        items.add(new ClaimWriter.Item(encounterType(v), encounterPrice(v)));

        if (eventConditionId != null) {
            writeEventCondition(v, eventConditionId);
        }
        for (Chronic c : v.diagnoses) {
            writeChronicCondition(c, v);
        }
        if (first) {
            writeAllergies(v.start);
        }
        writeVitals(v);
        writeLabs(v);
        writeProcedures(v);
        writeImmunizations(v);
        prescribe(v);
        writeNotes(v);
        ClaimWriter.claimAndBenefit(w, shared, p, patientId, v, encounterId, clinician, hospital,
                p.coverageAt(v.start), items, diagnosisIds, r);
        writeProvenance(v);
    }

    private Code encounterType(Visit v) {
        return switch (v.kind) {
            case WELLNESS -> p.age(v.start) < 18 ? Vocabulary.ENC_WELL_CHILD : Vocabulary.ENC_CHECKUP;
            case FOLLOW_UP -> Vocabulary.ENC_FOLLOW_UP;
            case ACUTE -> Vocabulary.ENC_SYMPTOM;
            case DIAGNOSIS -> Vocabulary.ENC_PROBLEM;
            case EMERGENCY -> Vocabulary.ENC_EMERGENCY;
            case INPATIENT -> Vocabulary.ENC_ADMISSION;
        };
    }

    private static long encounterPrice(Visit v) {
        return switch (v.kind) {
            case WELLNESS -> 18_500;
            case FOLLOW_UP -> 12_500;
            case ACUTE -> 11_000;
            case DIAGNOSIS -> 14_500;
            case EMERGENCY -> 98_000;
            case INPATIENT -> 420_000 + 185_000 * Math.max(1, (v.end - v.start) / DAY);
        };
    }

    private void writeEncounter(Visit v, List<String> reasons) {
        Code type = encounterType(v);
        w.begin("Encounter", encounterId);
        w.string("status", "finished");
        w.field("class");
        w.coding(switch (v.kind) {
            case EMERGENCY -> Vocabulary.CLASS_EMER;
            case INPATIENT -> Vocabulary.CLASS_IMP;
            default -> Vocabulary.CLASS_AMB;
        });
        w.conceptArray("type", type);
        w.reference("subject", "Patient", patientId, p.displayName());
        w.startArray("participant");
        w.startObject();
        w.conceptArray("type", Vocabulary.PRIMARY_PERFORMER);
        w.period("period", v.start, v.end);
        w.reference("individual", "Practitioner", clinician.id(), clinician.display());
        w.endObject();
        w.endArray();
        w.period("period", v.start, v.end);
        if (!reasons.isEmpty()) {
            w.startArray("reasonReference");
            for (String id : reasons) {
                w.reference("Condition", id);
            }
            w.endArray();
        }
        if (v.kind == Visit.Kind.INPATIENT) {
            w.startObject("hospitalization");
            w.concept("admitSource", Vocabulary.ADMIT_EMERGENCY);
            w.concept("dischargeDisposition", v.terminal ? Vocabulary.DISCHARGE_EXPIRED : Vocabulary.DISCHARGE_HOME);
            w.endObject();
        }
        w.startArray("location");
        w.startObject();
        w.reference("location", "Location", locationId);
        w.endObject();
        w.endArray();
        w.reference("serviceProvider", "Organization", hospital.id(), hospital.name());
        w.end();
    }

    // ---- conditions ------------------------------------------------------------------------

    private void writeEventCondition(Visit v, String id) {
        Code code;
        int days;
        boolean lasting = false;
        if (v.acute != null) {
            code = v.acute.code();
            days = v.acute.days();
            feverBump = v.acute.fever() && Rand.chance(r, 0.6) ? Rand.uniform(r, 0.9, 2.3) : 0;
        } else if (v.emergency != null) {
            code = v.emergency.code();
            days = code.code().equals("16114001") ? 56 : 10;
        } else {
            code = v.admission.code();
            days = (int) ((v.end - v.start) / DAY) + 21;
            lasting = code.code().equals("84114007");
            feverBump = v.admission.infection() ? Rand.uniform(r, 1.0, 2.2) : 0;
        }
        long onset = Math.max(p.birth, v.start - DAY * r.nextInt(v.acute != null ? 4 : 2) - HOUR * r.nextInt(12));
        long abatement = onset + DAY * days;
        boolean resolved = !lasting && abatement < p.end && abatement < REFERENCE;
        w.begin("Condition", id);
        w.concept("clinicalStatus", new Code(Vocabulary.CONDITION_CLINICAL, resolved ? "resolved" : "active",
                resolved ? "Resolved" : "Active"));
        w.concept("verificationStatus", new Code(Vocabulary.CONDITION_VERIFICATION, "confirmed", "Confirmed"));
        w.startArray("category");
        w.concept(Vocabulary.CAT_ENCOUNTER_DIAGNOSIS);
        w.endArray();
        w.conceptWithText("code", code);
        w.reference("subject", "Patient", patientId);
        w.reference("encounter", "Encounter", encounterId);
        w.dateTime("onsetDateTime", onset);
        if (resolved) {
            w.dateTime("abatementDateTime", abatement);
        }
        w.dateTime("recordedDate", v.start + MINUTE * 20);
        w.reference("recorder", "Practitioner", clinician.id());
        w.end();
        targets.add("Condition/" + id);
        noteAssessment.add(stripTag(code.display()));
    }

    private void writeChronicCondition(Chronic c, Visit v) {
        String id = conditionIds.get(c);
        long onset = p.onset.get(c);
        boolean confirmed = !(c == Chronic.DEPRESSION && Rand.chance(r, 0.1));
        w.begin("Condition", id);
        w.concept("clinicalStatus", new Code(Vocabulary.CONDITION_CLINICAL, "active", "Active"));
        w.concept("verificationStatus", new Code(Vocabulary.CONDITION_VERIFICATION,
                confirmed ? "confirmed" : "provisional", confirmed ? "Confirmed" : "Provisional"));
        w.startArray("category");
        w.concept(Vocabulary.CAT_PROBLEM_LIST);
        w.endArray();
        w.conceptWithText("code", c.code);
        w.reference("subject", "Patient", patientId);
        w.reference("encounter", "Encounter", encounterId);
        // Conditions that began before the record did carry only the date the patient gave.
        if (onset < v.start - DAY) {
            w.date("onsetDateTime", onset);
        } else {
            w.dateTime("onsetDateTime", v.start);
        }
        w.dateTime("recordedDate", v.start + MINUTE * 25);
        w.reference("recorder", "Practitioner", clinician.id());
        w.end();
        targets.add("Condition/" + id);
        noteAssessment.add(stripTag(c.code.display()) + (onset < v.start - DAY ? " (known history)" : " (new)"));
        startChronicTreatment(c, v);
        if (c.carePlan != null) {
            writeCarePlan(c, v);
        }
    }

    private void writeCarePlan(Chronic c, Visit v) {
        String id = w.begin("CarePlan");
        w.string("status", p.death > 0 ? "completed" : "active");
        w.string("intent", "plan");
        w.conceptArray("category", c.carePlan);
        w.string("title", stripTag(c.code.display()) + " care plan");
        w.reference("subject", "Patient", patientId);
        w.reference("encounter", "Encounter", encounterId);
        w.period("period", v.start, p.death);
        w.dateTime("created", v.start + MINUTE * 30);
        w.reference("author", "Practitioner", clinician.id());
        w.referenceArray("addresses", "Condition", conditionIds.get(c));
        List<Code> activities = Vocabulary.carePlanActivities(c);
        if (!activities.isEmpty()) {
            w.startArray("activity");
            for (Code a : activities) {
                w.startObject();
                w.startObject("detail");
                w.concept("code", a);
                w.string("status", p.death > 0 ? "completed" : "in-progress");
                w.reference("location", "Location", hospital.clinicId());
                w.endObject();
                w.endObject();
            }
            w.endArray();
        }
        w.end();
        targets.add("CarePlan/" + id);
        notePlan.add("Care plan started: " + stripTag(c.code.display()) + ".");
    }

    // ---- vital signs -----------------------------------------------------------------------

    private void writeVitals(Visit v) {
        long t = v.start + MINUTE * 5;
        double age = p.age(t);
        switch (v.kind) {
            case WELLNESS -> {
                double h = p.height(t) + Rand.normal(r, 0, 0.3);
                double bmi = p.bmi(t) + Rand.normal(r, 0, 0.5);
                double kg = bmi * (h / 100) * (h / 100);
                vital(Vocabulary.BODY_HEIGHT, h, 1, "cm", "cm", t);
                vital(Vocabulary.BODY_WEIGHT, kg, 1, "kg", "kg", t);
                if (age >= 2) {
                    vital(Vocabulary.BMI, kg / (h / 100) / (h / 100), 1, "kg/m2", "kg/m2", t);
                }
                bloodPressure(t, age);
                heartRate(t, age);
                respiratoryRate(t, age);
                temperature(t);
            }
            case FOLLOW_UP, DIAGNOSIS -> {
                bloodPressure(t, age);
                heartRate(t, age);
                double h = p.height(t);
                vital(Vocabulary.BODY_WEIGHT, (p.bmi(t) + Rand.normal(r, 0, 0.5)) * (h / 100) * (h / 100), 1,
                        "kg", "kg", t);
            }
            case ACUTE -> {
                temperature(t);
                heartRate(t, age);
                respiratoryRate(t, age);
                bloodPressure(t, age);
            }
            case EMERGENCY, INPATIENT -> {
                temperature(t);
                heartRate(t, age);
                respiratoryRate(t, age);
                bloodPressure(t, age);
                boolean lungs = v.admission != null && v.admission.infection() && v.admission.code().code()
                        .equals("233604007");
                vital(Vocabulary.OXYGEN_SATURATION, lungs ? Rand.uniform(r, 88, 94) : Rand.uniform(r, 95, 100), 0,
                        "%", "%", t);
                if (v.kind == Visit.Kind.INPATIENT) {
                    // Recovery: recheck on the day of discharge.
                    long later = v.end - HOUR * 3;
                    feverBump = 0;
                    temperature(later);
                    heartRate(later, age);
                    bloodPressure(later, age);
                }
            }
        }
    }

    private void temperature(long t) {
        vital(Vocabulary.BODY_TEMPERATURE, Rand.uniform(r, 36.4, 37.2) + feverBump, 1, "Cel", "Cel", t);
    }

    private void heartRate(long t, double age) {
        double base = age < 1 ? 130 : age < 3 ? 115 : age < 6 ? 100 : age < 12 ? 88 : p.restingHeartRate;
        vital(Vocabulary.HEART_RATE, base + Rand.normal(r, 0, 5) + feverBump * 10, 0, "/min", "/min", t);
    }

    private void respiratoryRate(long t, double age) {
        double rr = age < 1 ? Rand.uniform(r, 30, 40) : age < 6 ? Rand.uniform(r, 22, 28)
                : age < 12 ? Rand.uniform(r, 18, 24) : Rand.uniform(r, 12, 18);
        vital(Vocabulary.RESPIRATORY_RATE, rr + feverBump * 2, 0, "/min", "/min", t);
    }

    private void bloodPressure(long t, double age) {
        if (age < 3) {
            return;
        }
        double sys;
        if (age < 13) {
            sys = Rand.uniform(r, 92, 110);
        } else {
            sys = 112 + 0.35 * Math.max(0, age - 30) + p.systolicOffset + Rand.normal(r, 0, 6);
            if (p.has(Chronic.HYPERTENSION, t)) {
                sys += 20;
                sys -= 12 * treatments(Chronic.HYPERTENSION, t);
            }
        }
        double dia = Rand.clamp(72 + 0.35 * (sys - 120) + Rand.normal(r, 0, 5), age < 13 ? 52 : 58, 110);
        String id = w.begin("Observation");
        w.string("status", "final");
        w.conceptArray("category", Vocabulary.CAT_VITAL_SIGNS);
        w.conceptWithText("code", Vocabulary.BP_PANEL);
        observationContext(t, t);
        w.startArray("component");
        w.startObject();
        w.concept("code", Vocabulary.SYSTOLIC);
        w.quantity("valueQuantity", sys, 0, "mm[Hg]", "mm[Hg]");
        w.endObject();
        w.startObject();
        w.concept("code", Vocabulary.DIASTOLIC);
        w.quantity("valueQuantity", dia, 0, "mm[Hg]", "mm[Hg]");
        w.endObject();
        w.endArray();
        w.end();
        targets.add("Observation/" + id);
        noteVitals.append("BP ").append(Math.round(sys)).append('/').append(Math.round(dia)).append(" mmHg; ");
    }

    private void vital(Code code, double value, int places, String unit, String ucum, long t) {
        String id = w.begin("Observation");
        w.string("status", "final");
        w.conceptArray("category", Vocabulary.CAT_VITAL_SIGNS);
        w.conceptWithText("code", code);
        observationContext(t, t);
        w.quantity("valueQuantity", value, places, unit, ucum);
        w.end();
        targets.add("Observation/" + id);
        noteVitals.append(stripParen(code.display())).append(' ').append(fixed(value, places)).append(' ')
                .append("Cel".equals(unit) ? "\u00b0C" : unit).append("; ");
    }

    private void observationContext(long effective, long issued) {
        w.reference("subject", "Patient", patientId);
        w.reference("encounter", "Encounter", encounterId);
        w.dateTime("effectiveDateTime", effective);
        w.dateTime("issued", issued);
        w.referenceArray("performer", "Practitioner", clinician.id());
    }

    /** How many active drug courses treat a condition at time t. */
    private int treatments(Chronic c, long t) {
        int n = 0;
        for (Course course : chronicCourses.getOrDefault(c, List.of())) {
            if (course.activeAt(t)) {
                n++;
            }
        }
        return n;
    }

    // ---- laboratory ------------------------------------------------------------------------

    private void writeLabs(Visit v) {
        long t = v.start;
        double age = p.age(t);
        List<Panel> panels = new ArrayList<>(3);
        switch (v.kind) {
            case WELLNESS -> {
                if (age >= 20 && Rand.chance(r, p.has(Chronic.HYPERLIPIDEMIA, t) ? 0.7 : 0.3)) {
                    panels.add(Vocabulary.LIPIDS);
                }
                if (age >= 40 && Rand.chance(r, 0.35)) {
                    panels.add(Vocabulary.METABOLIC);
                }
                if (age >= 18 && Rand.chance(r, 0.2)) {
                    panels.add(Vocabulary.CBC);
                }
                if (age >= 40 && !p.has(Chronic.DIABETES, t) && Rand.chance(r, 0.15)) {
                    panels.add(Vocabulary.A1C);
                }
            }
            case FOLLOW_UP -> {
                if (p.has(Chronic.DIABETES, t) && Rand.chance(r, 0.75)) {
                    panels.add(Vocabulary.A1C);
                }
                if ((p.has(Chronic.DIABETES, t) || p.has(Chronic.CKD, t)) && Rand.chance(r, 0.5)) {
                    panels.add(Vocabulary.METABOLIC);
                }
                if (p.has(Chronic.HYPERLIPIDEMIA, t) && Rand.chance(r, 0.3)) {
                    panels.add(Vocabulary.LIPIDS);
                }
                if (p.has(Chronic.CKD, t) && Rand.chance(r, 0.3)) {
                    panels.add(Vocabulary.CBC);
                }
                if (p.has(Chronic.HYPOTHYROIDISM, t) && Rand.chance(r, 0.35)) {
                    panels.add(Vocabulary.THYROID);
                }
            }
            case DIAGNOSIS -> {
                for (Chronic c : v.diagnoses) {
                    switch (c) {
                        case DIABETES -> {
                            panels.add(Vocabulary.A1C);
                            panels.add(Vocabulary.METABOLIC);
                        }
                        case HYPERLIPIDEMIA -> panels.add(Vocabulary.LIPIDS);
                        case CKD -> {
                            if (!panels.contains(Vocabulary.METABOLIC)) {
                                panels.add(Vocabulary.METABOLIC);
                            }
                            panels.add(Vocabulary.CBC);
                        }
                        case HYPOTHYROIDISM -> panels.add(Vocabulary.THYROID);
                        default -> {
                        }
                    }
                }
            }
            case EMERGENCY -> {
                if (Rand.chance(r, 0.7)) {
                    panels.add(Vocabulary.CBC);
                }
                if (Rand.chance(r, 0.6)) {
                    panels.add(Vocabulary.METABOLIC);
                }
            }
            case INPATIENT -> {
                panels.add(Vocabulary.CBC);
                panels.add(Vocabulary.METABOLIC);
            }
            case ACUTE -> {
            }
        }
        for (Panel panel : panels) {
            writePanel(panel, t + MINUTE * (15 + r.nextInt(40)));
        }
    }

    private void writePanel(Panel panel, long collected) {
        long issued = collected + HOUR * (2 + r.nextInt(30)) + MINUTE * r.nextInt(60);
        double x = r.nextDouble();
        // A few results are still preliminary or were corrected after release; any not yet
        // final on the population's "today" are preliminary.
        String status = x < 0.01 || issued > REFERENCE ? "preliminary" : x < 0.04 ? "amended" : "final";
        issued = Math.min(issued, REFERENCE);
        List<String> ids = new ArrayList<>(panel.labs().size());
        double cholesterol = 0;
        double hdl = 0;
        double triglycerides = 0;
        StringBuilder summary = new StringBuilder();
        for (Lab lab : panel.labs()) {
            double value;
            if (lab == Vocabulary.LDL) {
                // Keep the panel internally consistent (Friedewald).
                value = Math.max(35, cholesterol - hdl - triglycerides / 5 + Rand.normal(r, 0, 4));
            } else {
                value = labValue(lab, collected);
            }
            if (lab == Vocabulary.CHOLESTEROL) {
                cholesterol = value;
            } else if (lab == Vocabulary.HDL) {
                hdl = value;
            } else if (lab == Vocabulary.TRIGLYCERIDES) {
                triglycerides = value;
            }
            ids.add(labObservation(lab, value, collected, issued, status));
            summary.append(stripParen(lab.code().display())).append(' ').append(fixed(value, lab.places()))
                    .append(' ').append(lab.unit()).append("; ");
        }
        String id = w.begin("DiagnosticReport");
        w.string("status", status);
        w.conceptArray("category", Vocabulary.DR_CAT_LAB);
        w.conceptWithText("code", panel.code());
        w.reference("subject", "Patient", patientId);
        w.reference("encounter", "Encounter", encounterId);
        w.dateTime("effectiveDateTime", collected);
        w.dateTime("issued", issued);
        w.referenceArray("performer", "Organization", hospital.id());
        w.startArray("result");
        for (String obs : ids) {
            w.reference("Observation", obs);
        }
        w.endArray();
        w.end();
        targets.add("DiagnosticReport/" + id);
        items.add(new ClaimWriter.Item(panel.code(), panel.priceCents()));
        noteResults.add(stripTag(panel.code().display()) + ": " + summary.substring(0, summary.length() - 2));
    }

    private String labObservation(Lab lab, double value, long collected, long issued, String status) {
        String id = w.begin("Observation");
        w.string("status", status);
        w.conceptArray("category", Vocabulary.CAT_LABORATORY);
        w.conceptWithText("code", lab.code());
        observationContext(collected, issued);
        w.quantity("valueQuantity", value, lab.places(), lab.unit(), lab.unit());
        double low = lab.low();
        double high = lab.high();
        if (lab == Vocabulary.HEMOGLOBIN) {
            low = p.female ? 12.0 : 13.5;
            high = p.female ? 15.5 : 17.5;
        }
        double shown = round(value, lab.places());
        Code flag = !Double.isNaN(high) && shown > high ? Vocabulary.HIGH
                : !Double.isNaN(low) && shown < low ? Vocabulary.LOW : Vocabulary.NORMAL;
        w.startArray("interpretation");
        w.concept(flag);
        w.endArray();
        w.startArray("referenceRange");
        w.startObject();
        if (!Double.isNaN(low)) {
            w.quantity("low", low, lab.places(), lab.unit(), lab.unit());
        }
        if (!Double.isNaN(high)) {
            w.quantity("high", high, lab.places(), lab.unit(), lab.unit());
        }
        w.endObject();
        w.endArray();
        w.end();
        targets.add("Observation/" + id);
        return id;
    }

    private double labValue(Lab lab, long t) {
        boolean diabetic = p.has(Chronic.DIABETES, t);
        boolean diabetesTreated = treatments(Chronic.DIABETES, t) > 0;
        double age = p.age(t);
        if (lab == Vocabulary.HBA1C) {
            return diabetic ? (diabetesTreated ? Rand.uniform(r, 6.3, 8.0) : Rand.uniform(r, 7.2, 9.8))
                    : Rand.uniform(r, 4.7, 5.7);
        } else if (lab == Vocabulary.GLUCOSE) {
            return diabetic ? (diabetesTreated ? Rand.uniform(r, 105, 175) : Rand.uniform(r, 150, 240))
                    : Rand.uniform(r, 72, 102);
        } else if (lab == Vocabulary.CHOLESTEROL) {
            if (p.has(Chronic.HYPERLIPIDEMIA, t)) {
                return treatments(Chronic.HYPERLIPIDEMIA, t) > 0 ? Rand.uniform(r, 160, 205)
                        : Rand.uniform(r, 228, 295);
            }
            return Rand.uniform(r, 145, 205);
        } else if (lab == Vocabulary.HDL) {
            return p.hdlBase + Rand.normal(r, 0, 3);
        } else if (lab == Vocabulary.TRIGLYCERIDES) {
            boolean metabolic = diabetic || p.has(Chronic.OBESITY, t);
            return Rand.uniform(r, 70, 160) + (metabolic ? Rand.uniform(r, 30, 90) : 0);
        } else if (lab == Vocabulary.CREATININE) {
            if (p.has(Chronic.CKD, t)) {
                return Rand.uniform(r, 1.4, 2.7);
            }
            return age < 14 ? Rand.uniform(r, 0.3, 0.7)
                    : p.female ? Rand.uniform(r, 0.6, 1.0) : Rand.uniform(r, 0.75, 1.2);
        } else if (lab == Vocabulary.WBC) {
            boolean infection = visit.admission != null && visit.admission.infection();
            return infection ? Rand.uniform(r, 11.5, 17.5) : Rand.uniform(r, 4.8, 9.8);
        } else if (lab == Vocabulary.HEMOGLOBIN) {
            double hb = p.female ? Rand.uniform(r, 12.2, 14.9) : Rand.uniform(r, 13.8, 16.6);
            return p.has(Chronic.CKD, t) ? hb - 1.6 : hb;
        } else if (lab == Vocabulary.TSH) {
            if (p.has(Chronic.HYPOTHYROIDISM, t)) {
                return treatments(Chronic.HYPOTHYROIDISM, t) > 0 ? Rand.uniform(r, 1.0, 4.2)
                        : Rand.uniform(r, 6.0, 12.5);
            }
            return Rand.uniform(r, 0.6, 3.8);
        }
        throw new IllegalArgumentException(lab.code().code());
    }

    // ---- procedures ------------------------------------------------------------------------

    private void writeProcedures(Visit v) {
        long t = v.start + MINUTE * 10;
        double age = p.age(t);
        boolean onMeds = false;
        for (Course c : courses) {
            onMeds |= c.longTerm && c.activeAt(t);
        }
        String reason = diagnosisIds.isEmpty() ? null : diagnosisIds.get(0);
        switch (v.kind) {
            case WELLNESS -> {
                if (age >= 12 && Rand.chance(r, 0.45)) {
                    procedure(Vocabulary.PROC_DEPRESSION_SCREENING, t, t + MINUTE * 10, null, 4_200);
                }
                if (onMeds && Rand.chance(r, 0.5)) {
                    procedure(Vocabulary.PROC_MED_RECONCILIATION, t, t + MINUTE * 10, null, 3_100);
                }
                if (age >= 18 && Rand.chance(r, 0.25)) {
                    procedure(Vocabulary.PROC_NEEDS_ASSESSMENT, t, t + MINUTE * 15, null, 5_600);
                }
            }
            case FOLLOW_UP -> {
                if (onMeds && Rand.chance(r, 0.45)) {
                    procedure(Vocabulary.PROC_MED_RECONCILIATION, t, t + MINUTE * 10, null, 3_100);
                }
                if (p.has(Chronic.DIABETES, t) && Rand.chance(r, 0.2)) {
                    procedure(Vocabulary.PROC_EYE_EXAM, t, t + MINUTE * 20, conditionIds.get(Chronic.DIABETES),
                            12_000);
                }
                if (p.has(Chronic.ASTHMA, t) && Rand.chance(r, 0.2)) {
                    procedure(Vocabulary.PROC_SPIROMETRY, t, t + MINUTE * 20, conditionIds.get(Chronic.ASTHMA),
                            9_500);
                }
                if (p.has(Chronic.DEPRESSION, t) && Rand.chance(r, 0.3)) {
                    procedure(Vocabulary.PROC_DEPRESSION_SCREENING, t, t + MINUTE * 10,
                            conditionIds.get(Chronic.DEPRESSION), 4_200);
                }
            }
            case ACUTE -> {
                if (v.acute.procedure() != null && Rand.chance(r, 0.6)) {
                    procedure(v.acute.procedure(), t, t + MINUTE * 15, reason, 6_500);
                }
            }
            case EMERGENCY -> {
                if (v.emergency.procedure() != null) {
                    procedure(v.emergency.procedure(), v.start + HOUR, v.start + HOUR + MINUTE * 30, reason, 38_000);
                }
            }
            case INPATIENT -> {
                if (v.admission.procedure() != null) {
                    boolean surgery = v.admission.procedure().code().equals("52734007")
                            || v.admission.procedure().code().equals("80146002");
                    long at = v.start + HOUR * (3 + r.nextInt(12));
                    procedure(v.admission.procedure(), at, at + HOUR * (surgery ? 2 : 1), reason,
                            surgery ? 2_450_000 : 42_000);
                }
            }
            case DIAGNOSIS -> {
                if (v.diagnoses.contains(Chronic.ASTHMA)) {
                    procedure(Vocabulary.PROC_SPIROMETRY, t, t + MINUTE * 20, conditionIds.get(Chronic.ASTHMA),
                            9_500);
                }
                if (v.diagnoses.contains(Chronic.DEPRESSION)) {
                    procedure(Vocabulary.PROC_DEPRESSION_SCREENING, t, t + MINUTE * 10,
                            conditionIds.get(Chronic.DEPRESSION), 4_200);
                }
            }
        }
    }

    private void procedure(Code code, long start, long end, String reasonConditionId, long priceCents) {
        String id = w.begin("Procedure");
        w.string("status", "completed");
        w.conceptWithText("code", code);
        w.reference("subject", "Patient", patientId);
        w.reference("encounter", "Encounter", encounterId);
        w.period("performedPeriod", start, end);
        w.startArray("performer");
        w.startObject();
        w.reference("actor", "Practitioner", clinician.id(), clinician.display());
        w.reference("onBehalfOf", "Organization", hospital.id());
        w.endObject();
        w.endArray();
        w.reference("location", "Location", locationId);
        if (reasonConditionId != null) {
            w.referenceArray("reasonReference", "Condition", reasonConditionId);
        }
        w.end();
        targets.add("Procedure/" + id);
        items.add(new ClaimWriter.Item(code, priceCents));
        notePlan.add("Procedure: " + stripTag(code.display()) + ".");
    }

    // ---- immunizations ---------------------------------------------------------------------

    private static final Code[][] WELL_BABY_VACCINES = {
            {Vocabulary.HEP_B}, {Vocabulary.HEP_B, Vocabulary.DTAP, Vocabulary.IPV}, {Vocabulary.DTAP, Vocabulary.IPV},
            {Vocabulary.HEP_B, Vocabulary.DTAP, Vocabulary.IPV}, {}, {Vocabulary.MMR, Vocabulary.VARICELLA},
            {Vocabulary.DTAP}, {}, {}};

    private void writeImmunizations(Visit v) {
        if (v.kind != Visit.Kind.WELLNESS && v.kind != Visit.Kind.FOLLOW_UP) {
            return;
        }
        long t = v.start + MINUTE * 35;
        double age = p.age(t);
        if (v.wellChildSlot >= 0) {
            for (Code c : WELL_BABY_VACCINES[v.wellChildSlot]) {
                immunize(c, t, age);
            }
        }
        if (v.kind == Visit.Kind.WELLNESS && v.wellChildSlot < 0) {
            if (!childBoostersDone && age >= 4 && age < 7) {
                childBoostersDone = true;
                for (Code c : new Code[] {Vocabulary.DTAP, Vocabulary.IPV, Vocabulary.MMR, Vocabulary.VARICELLA}) {
                    immunize(c, t, age);
                }
            }
            if (!adolescentDone && age >= 11 && age < 14) {
                adolescentDone = true;
                lastTdap = t;
                immunize(Vocabulary.TDAP, t, age);
                immunize(Vocabulary.HPV, t, age);
            }
            if (age >= 19 && t - lastTdap > years(10)) {
                lastTdap = t;
                immunize(Vocabulary.TDAP, t, age);
            }
            if (!pneumococcalDone && age >= 65 && Rand.chance(r, 0.7)) {
                pneumococcalDone = true;
                immunize(Vocabulary.PCV13, t, age);
            }
            if (!zosterDone && age >= 50 && FhirTime.year(t) >= 2018 && Rand.chance(r, 0.35)) {
                zosterDone = true;
                immunize(Vocabulary.ZOSTER, t, age);
            }
        }
        int month = FhirTime.month(t);
        int season = month >= 9 ? FhirTime.year(t) : FhirTime.year(t) - 1;
        if ((month >= 9 || month <= 3) && season != fluSeason && age >= 0.5 && Rand.chance(r, 0.7)) {
            fluSeason = season;
            immunize(Vocabulary.FLU, t, age);
        }
        int year = FhirTime.year(t);
        boolean covidEligible = t >= FhirTime.epochDay(2021, 1, 15) * DAY
                && (age >= 12 || (age >= 5 && year >= 2022));
        if (covidEligible && covidYear != year && Rand.chance(r, 0.55)) {
            covidYear = year;
            immunize(Vocabulary.COVID, t, age);
        }
    }

    private void immunize(Code vaccine, long t, double age) {
        String id = w.begin("Immunization");
        w.string("status", "completed");
        w.conceptWithText("vaccineCode", vaccine);
        w.reference("patient", "Patient", patientId);
        w.reference("encounter", "Encounter", encounterId);
        w.dateTime("occurrenceDateTime", t);
        w.dateTime("recorded", t + MINUTE * 5);
        w.bool("primarySource", true);
        w.reference("location", "Location", locationId);
        w.string("lotNumber", Integer.toString(10_000 + r.nextInt(90_000), 36).toUpperCase());
        w.concept("site", age < 3 ? Vocabulary.SITE_RIGHT_THIGH : Vocabulary.SITE_LEFT_ARM);
        w.concept("route", Vocabulary.ROUTE_IM);
        w.startArray("performer");
        w.startObject();
        w.reference("actor", "Practitioner", clinician.id());
        w.endObject();
        w.endArray();
        w.end();
        targets.add("Immunization/" + id);
        items.add(new ClaimWriter.Item(vaccine, 4_500 + r.nextInt(10) * 500L));
        notePlan.add("Immunization given: " + vaccine.display() + ".");
    }

    // ---- prescriptions ---------------------------------------------------------------------

    private void startChronicTreatment(Chronic c, Visit v) {
        Med med = c.firstLine;
        if (med == null) {
            return;
        }
        if (c == Chronic.HYPERTENSION && Rand.chance(r, 0.35)) {
            med = Meds.HYDROCHLOROTHIAZIDE;
        }
        if (c == Chronic.CKD && treatments(Chronic.HYPERTENSION, v.start) > 0) {
            return; // Already on an ACE inhibitor or thiazide for blood pressure.
        }
        if (c == Chronic.DEPRESSION && Rand.chance(r, 0.25)) {
            return; // Psychotherapy only.
        }
        startCourse(med, c, conditionIds.get(c), true, v.start + MINUTE * 30);
    }

    private Course startCourse(Med med, Chronic chronic, String reasonId, boolean longTerm, long t) {
        Course course = new Course(med, reasonId, longTerm, Rand.chance(r, 0.15));
        courses.add(course);
        if (chronic != null) {
            chronicCourses.computeIfAbsent(chronic, k -> new ArrayList<>(2)).add(course);
        }
        request(course, t);
        notePlan.add("Start " + med.code().display() + ": " + med.sig() + ".");
        return course;
    }

    private void request(Course course, long t) {
        String id = w.newId("MedicationRequest");
        course.requests.add(new Course.Request(id, encounterId, clinician.id(), t));
        targets.add("MedicationRequest/" + id);
    }

    private void prescribe(Visit v) {
        long t = v.start + MINUTE * 30;
        String reason = diagnosisIds.isEmpty() ? null : diagnosisIds.get(0);
        switch (v.kind) {
            case ACUTE -> {
                Med med = p.allergies.contains(Vocabulary.PENICILLIN_ALLERGY) ? v.acute.penicillinAllergyMed()
                        : v.acute.med();
                boolean penicillin = med == Meds.AMOXICILLIN || med == Meds.PENICILLIN_V;
                if (med != null && Rand.chance(r, penicillin ? 0.8 : 0.6)) {
                    startCourse(med, null, reason, false, t);
                    items.add(new ClaimWriter.Item(med.code(), 1_500 + r.nextInt(20) * 100L));
                }
            }
            case EMERGENCY -> {
                if (v.emergency.med() != null) {
                    startCourse(v.emergency.med(), null, reason, false, t);
                }
            }
            case INPATIENT -> {
                if (v.admission.med() != null) {
                    startCourse(v.admission.med(), null, reason, false, v.start + HOUR * 2);
                }
            }
            case FOLLOW_UP, WELLNESS -> {
                adjustTherapy(v, t);
                for (Course c : courses) {
                    if (c.longTerm && c.activeAt(t) && t - c.lastAuthored() > DAY * 330) {
                        request(c, t);
                        notePlan.add("Renewed " + c.med.code().display() + ".");
                    }
                }
            }
            case DIAGNOSIS -> {
            }
        }
    }

    /** Occasional changes a clinician makes: a second blood-pressure drug, a stronger statin. */
    private void adjustTherapy(Visit v, long t) {
        if (v.kind != Visit.Kind.FOLLOW_UP) {
            return;
        }
        if (p.has(Chronic.HYPERTENSION, t) && treatments(Chronic.HYPERTENSION, t) == 1 && Rand.chance(r, 0.08)) {
            startCourse(Meds.AMLODIPINE, Chronic.HYPERTENSION, conditionIds.get(Chronic.HYPERTENSION), true, t);
        }
        if (p.has(Chronic.HYPERLIPIDEMIA, t) && Rand.chance(r, 0.06)) {
            for (Course c : chronicCourses.getOrDefault(Chronic.HYPERLIPIDEMIA, List.of())) {
                if (c.med == Meds.SIMVASTATIN && c.activeAt(t) && t - c.requests.get(0).authoredOn() > DAY * 180) {
                    c.stoppedAt = t;
                    notePlan.add("Stop simvastatin; LDL above goal.");
                    startCourse(Meds.ATORVASTATIN, Chronic.HYPERLIPIDEMIA,
                            conditionIds.get(Chronic.HYPERLIPIDEMIA), true, t);
                    break;
                }
            }
        }
    }

    /** Writes every MedicationRequest of the patient, now that each one's fate is known. */
    void writePrescriptions() {
        for (Course c : courses) {
            for (int i = 0; i < c.requests.size(); i++) {
                Course.Request q = c.requests.get(i);
                boolean last = i == c.requests.size() - 1;
                String status;
                if (!last) {
                    status = "completed";
                } else if (c.stoppedAt > 0 || p.death > 0) {
                    status = c.longTerm || p.death > 0 && q.authoredOn() + DAY * c.med.supplyDays() > p.death
                            ? "stopped" : "completed";
                } else if (c.longTerm) {
                    status = "active";
                } else {
                    status = q.authoredOn() + DAY * c.med.supplyDays() < REFERENCE ? "completed" : "active";
                }
                writeRequest(c, q, status, i == 0 ? null : c.requests.get(i - 1).id());
            }
        }
    }

    private void writeRequest(Course c, Course.Request q, String status, String priorId) {
        Med med = c.med;
        w.begin("MedicationRequest", q.id());
        w.string("status", status);
        if ("stopped".equals(status) && c.stoppedAt > 0) {
            w.startObject("statusReason");
            w.string("text", "Changed to a more effective agent");
            w.endObject();
        }
        w.string("intent", "order");
        if (c.byReference) {
            w.reference("medicationReference", "Medication", shared.medicationIds[med.index()]);
        } else {
            w.conceptWithText("medicationCodeableConcept", med.code());
        }
        w.reference("subject", "Patient", patientId, p.displayName());
        w.reference("encounter", "Encounter", q.encounterId());
        w.dateTime("authoredOn", q.authoredOn());
        w.reference("requester", "Practitioner", q.practitionerId());
        if (c.reasonConditionId != null) {
            w.referenceArray("reasonReference", "Condition", c.reasonConditionId);
        }
        w.concept("courseOfTherapyType", new Code(
                "http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy",
                c.longTerm ? "continuous" : "acute",
                c.longTerm ? "Continuous long term therapy" : "Short course (acute) therapy"));
        w.startArray("dosageInstruction");
        w.startObject();
        w.integer("sequence", 1);
        w.string("text", med.sig());
        w.startObject("timing");
        w.startObject("repeat");
        w.integer("frequency", med.perDay());
        w.integer("period", 1);
        w.string("periodUnit", "d");
        w.endObject();
        w.endObject();
        w.bool("asNeededBoolean", med.asNeeded());
        w.startArray("doseAndRate");
        w.startObject();
        w.startObject("doseQuantity");
        w.integer("value", med.sig().startsWith("Take 2") || med.sig().startsWith("Inhale 2") ? 2 : 1);
        w.string("unit", med.form());
        w.endObject();
        w.endObject();
        w.endArray();
        w.endObject();
        w.endArray();
        w.startObject("dispenseRequest");
        if (c.longTerm) {
            w.integer("numberOfRepeatsAllowed", 3);
        }
        w.startObject("quantity");
        w.integer("value", (long) med.perDay() * med.supplyDays());
        w.string("unit", med.form());
        w.endObject();
        w.quantity("expectedSupplyDuration", med.supplyDays(), 0, "days", "d");
        w.endObject();
        if (priorId != null) {
            w.reference("priorPrescription", "MedicationRequest", priorId);
        }
        w.end();
    }

    // ---- documents and provenance ----------------------------------------------------------

    private void writeNotes(Visit v) {
        Code type = v.kind == Visit.Kind.WELLNESS || v.kind == Visit.Kind.INPATIENT
                ? Vocabulary.NOTE_HISTORY_PHYSICAL : Vocabulary.NOTE_PROGRESS;
        document(type, v.start + MINUTE * 50, v);
        if (v.kind == Visit.Kind.INPATIENT) {
            document(Vocabulary.NOTE_DISCHARGE, v.end, v);
        }
    }

    private void document(Code type, long t, Visit v) {
        String text = noteText(type, v);
        String id = w.begin("DocumentReference");
        w.string("status", "current");
        w.string("docStatus", "final");
        w.concept("type", type);
        w.conceptArray("category", Vocabulary.DOC_CLINICAL_NOTE);
        w.reference("subject", "Patient", patientId);
        w.dateTime("date", t);
        w.startArray("author");
        w.reference("Practitioner", clinician.id());
        w.endArray();
        w.reference("custodian", "Organization", hospital.id());
        w.startArray("content");
        w.startObject();
        w.startObject("attachment");
        w.string("contentType", "text/plain");
        w.string("language", "en-US");
        w.string("data", Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
        w.string("title", type.display());
        w.dateTime("creation", t);
        w.endObject();
        w.endObject();
        w.endArray();
        w.startObject("context");
        w.referenceArray("encounter", "Encounter", encounterId);
        w.period("period", v.start, v.end);
        w.endObject();
        w.end();
        targets.add("DocumentReference/" + id);
    }

    private String noteText(Code type, Visit v) {
        StringBuilder b = new StringBuilder(512);
        b.append(type.display()).append(" - ").append(FhirTime.dateOnly(v.start)).append('\n');
        b.append("Patient: ").append(p.displayName()).append(", ").append((int) p.age(v.start)).append(" y, ")
                .append(p.female ? "female" : "male").append(". MRN: ").append(mrn()).append(".\n");
        b.append("Clinician: ").append(clinician.display()).append(", ").append(hospital.name()).append(".\n");
        b.append("Reason for visit: ").append(stripTag(encounterType(v).display())).append(".\n");
        if (!noteVitals.isEmpty()) {
            b.append("Vital signs: ").append(noteVitals, 0, noteVitals.length() - 2).append(".\n");
        }
        if (!noteResults.isEmpty()) {
            b.append("Results: ").append(String.join("; ", noteResults)).append(".\n");
        }
        b.append("Assessment: ");
        if (noteAssessment.isEmpty()) {
            b.append(v.kind == Visit.Kind.WELLNESS ? "Healthy, routine examination." : "Stable; no new problems.");
        } else {
            b.append(String.join("; ", noteAssessment)).append('.');
        }
        b.append('\n');
        b.append("Plan: ");
        if (notePlan.isEmpty()) {
            b.append("Continue current management. Return as needed.");
        } else {
            b.append(String.join(" ", notePlan));
        }
        if (type == Vocabulary.NOTE_DISCHARGE) {
            b.append(visit.terminal ? "\nOutcome: patient expired during this admission."
                    : "\nDisposition: discharged home in stable condition.");
        }
        b.append('\n');
        return b.toString();
    }

    private void writeProvenance(Visit v) {
        w.begin("Provenance");
        w.startArray("target");
        for (String t : targets) {
            w.startObject();
            w.string("reference", t);
            w.endObject();
        }
        w.endArray();
        w.period("occurredPeriod", v.start, v.end);
        w.dateTime("recorded", v.end + MINUTE * (10 + r.nextInt(120)));
        w.concept("activity", Vocabulary.ACTIVITY_CREATE);
        w.startArray("agent");
        w.startObject();
        w.concept("type", Vocabulary.AGENT_AUTHOR);
        w.reference("who", "Practitioner", clinician.id());
        w.reference("onBehalfOf", "Organization", hospital.id());
        w.endObject();
        w.startObject();
        w.concept("type", Vocabulary.AGENT_CUSTODIAN);
        w.reference("who", "Organization", hospital.id());
        w.endObject();
        w.endArray();
        w.end();
    }

    // ---- text helpers ----------------------------------------------------------------------

    /** "Asthma (disorder)" → "Asthma": the semantic tag is for terminologists, not notes. */
    static String stripTag(String display) {
        int i = display.lastIndexOf(" (");
        return i > 0 && display.endsWith(")") ? display.substring(0, i) : display;
    }

    /** "Glucose [Mass/volume] in Blood" → "Glucose": LOINC's axes are noise in a note. */
    private static String stripParen(String display) {
        int i = display.indexOf(" [");
        if (i < 0) {
            i = display.indexOf(" (");
        }
        return i > 0 ? display.substring(0, i) : display;
    }

    private static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }

    private static String fixed(double v, int places) {
        return places == 0 ? Long.toString(Math.round(v))
                : BigDecimal.valueOf(Math.round(v * Math.pow(10, places)), places).toPlainString();
    }
}
