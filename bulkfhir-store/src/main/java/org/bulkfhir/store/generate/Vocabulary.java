package org.bulkfhir.store.generate;

import java.util.List;

/**
 * The code tables the generator draws from: SNOMED CT, LOINC, RxNorm, CVX and the HL7
 * terminology code systems, plus names and places. Codes and displays are the published ones
 * as far as we know them; the clinical logic that picks them lives in {@link PatientGenerator}.
 */
final class Vocabulary {
    static final String SNOMED = "http://snomed.info/sct";
    static final String LOINC = "http://loinc.org";
    static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    static final String CVX = "http://hl7.org/fhir/sid/cvx";
    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    static final String MRN_SYSTEM = "http://hospital.example.org/mrn";
    static final String NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi";
    static final String GROUP_SYSTEM = "http://bulkfhir.example.org/groups";
    static final String MEMBER_ID_SYSTEM = "http://bulkfhir.example.org/member-id";

    private Vocabulary() {
    }

    static Code snomed(String code, String display) {
        return new Code(SNOMED, code, display);
    }

    static Code loinc(String code, String display) {
        return new Code(LOINC, code, display);
    }

    static Code rxnorm(String code, String display) {
        return new Code(RXNORM, code, display);
    }

    static Code cvx(String code, String display) {
        return new Code(CVX, code, display);
    }

    // ---- encounters ------------------------------------------------------------------------

    static final Code CLASS_AMB = new Code(ACT_CODE, "AMB", "ambulatory");
    static final Code CLASS_EMER = new Code(ACT_CODE, "EMER", "emergency");
    static final Code CLASS_IMP = new Code(ACT_CODE, "IMP", "inpatient encounter");

    static final Code ENC_CHECKUP = snomed("185349003", "Encounter for check up (procedure)");
    static final Code ENC_WELL_CHILD = snomed("410620009", "Well child visit (procedure)");
    static final Code ENC_FOLLOW_UP = snomed("390906007", "Follow-up encounter (procedure)");
    static final Code ENC_SYMPTOM = snomed("185345009", "Encounter for symptom (procedure)");
    static final Code ENC_PROBLEM = snomed("185347001", "Encounter for problem (procedure)");
    static final Code ENC_EMERGENCY = snomed("50849002", "Emergency room admission (procedure)");
    static final Code ENC_ADMISSION = snomed("32485007", "Hospital admission (procedure)");

    static final Code PRIMARY_PERFORMER = new Code(
            "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PPRF", "primary performer");
    static final Code DISCHARGE_HOME = new Code(
            "http://terminology.hl7.org/CodeSystem/discharge-disposition", "home", "Home");
    static final Code DISCHARGE_EXPIRED = new Code(
            "http://terminology.hl7.org/CodeSystem/discharge-disposition", "exp", "Expired");
    static final Code ADMIT_EMERGENCY = new Code(
            "http://terminology.hl7.org/CodeSystem/admit-source", "emd", "From accident/emergency department");

    // ---- conditions ------------------------------------------------------------------------

    static final String CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    static final String CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    static final Code CAT_ENCOUNTER_DIAGNOSIS = new Code(
            "http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis", "Encounter Diagnosis");
    static final Code CAT_PROBLEM_LIST = new Code(
            "http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item");

    static final Code DIABETES = snomed("44054006", "Diabetes mellitus type 2 (disorder)");

    /** Long-term conditions: who gets them, what treats them and how they are followed. */
    enum Chronic {
        OBESITY(snomed("162864005", "Body mass index 30+ - obesity (finding)"), 5, null, null, false),
        DIABETES(Vocabulary.DIABETES, 18, Meds.METFORMIN,
                snomed("698360004", "Diabetes self management plan (record artifact)"), true),
        HYPERTENSION(snomed("38341003", "Hypertensive disorder, systemic arterial (disorder)"), 18,
                Meds.LISINOPRIL, snomed("443402002", "Lifestyle education regarding hypertension (procedure)"), true),
        HYPERLIPIDEMIA(snomed("55822004", "Hyperlipidemia (disorder)"), 20, Meds.SIMVASTATIN,
                snomed("736285004", "Hyperlipidemia clinical management plan (record artifact)"), true),
        CKD(snomed("40055000", "Chronic renal insufficiency (disorder)"), 30, Meds.LISINOPRIL,
                snomed("734163000", "Care plan (record artifact)"), true),
        HYPOTHYROIDISM(snomed("40930008", "Hypothyroidism (disorder)"), 20, Meds.LEVOTHYROXINE, null, true),
        ASTHMA(snomed("195967001", "Asthma (disorder)"), 3, Meds.ALBUTEROL,
                snomed("699728000", "Asthma self management (procedure)"), true),
        DEPRESSION(snomed("35489007", "Depressive disorder (disorder)"), 14, Meds.SERTRALINE,
                snomed("734163000", "Care plan (record artifact)"), true),
        OSTEOARTHRITIS(snomed("239873007", "Osteoarthritis of knee (disorder)"), 45, Meds.NAPROXEN, null, false);

        final Code code;
        final int minAge;
        final Med firstLine;
        final Code carePlan;
        /** Whether it brings the patient back for regular follow-up visits. */
        final boolean followedUp;

        Chronic(Code code, int minAge, Med firstLine, Code carePlan, boolean followedUp) {
            this.code = code;
            this.minAge = minAge;
            this.firstLine = firstLine;
            this.carePlan = carePlan;
            this.followedUp = followedUp;
        }
    }

    /** Activities listed in a CarePlan for a condition. */
    static List<Code> carePlanActivities(Chronic c) {
        return switch (c) {
            case DIABETES -> List.of(snomed("160670007", "Diabetic diet (finding)"),
                    snomed("229065009", "Exercise therapy (regime/therapy)"));
            case HYPERTENSION -> List.of(snomed("386463000", "Prescribed activity/exercise education (procedure)"),
                    snomed("413473000", "Counseling about alcohol consumption (procedure)"));
            case HYPERLIPIDEMIA -> List.of(snomed("183063000", "Low fat diet education (procedure)"),
                    snomed("229065009", "Exercise therapy (regime/therapy)"));
            case ASTHMA -> List.of(snomed("406162001", "Asthma education (procedure)"),
                    snomed("710081004", "Smoking cessation therapy (procedure)"));
            case CKD -> List.of(snomed("183063000", "Low fat diet education (procedure)"),
                    snomed("386463000", "Prescribed activity/exercise education (procedure)"));
            case DEPRESSION -> List.of(snomed("385724002", "Coping support management (procedure)"));
            default -> List.of();
        };
    }

    /** A short-lived problem seen at an office visit, with what is typically done about it. */
    record Acute(Code code, int minAge, int maxAge, boolean femaleOnly, int weight, int days,
                 boolean fever, Code procedure, Med med, Med penicillinAllergyMed) {
    }

    static final List<Acute> ACUTE = List.of(
            new Acute(snomed("195662009", "Acute viral pharyngitis (disorder)"), 2, 120, false, 30, 10, true,
                    snomed("117015009", "Throat culture (procedure)"), Meds.PENICILLIN_V, Meds.AZITHROMYCIN),
            new Acute(snomed("10509002", "Acute bronchitis (disorder)"), 2, 120, false, 25, 14, true,
                    snomed("399208008", "Plain X-ray of chest (procedure)"), Meds.ACETAMINOPHEN, Meds.ACETAMINOPHEN),
            new Acute(snomed("444814009", "Viral sinusitis (disorder)"), 5, 120, false, 25, 14, false,
                    null, Meds.AMOXICILLIN, Meds.AZITHROMYCIN),
            new Acute(snomed("65363002", "Otitis media (disorder)"), 0, 12, false, 30, 10, true,
                    null, Meds.AMOXICILLIN, Meds.AZITHROMYCIN),
            new Acute(snomed("68566005", "Urinary tract infectious disease (disorder)"), 16, 120, true, 15, 7, false,
                    snomed("117010004", "Urine culture (procedure)"), Meds.CIPROFLOXACIN, Meds.CIPROFLOXACIN),
            new Acute(snomed("44465007", "Sprain of ankle (disorder)"), 8, 80, false, 10, 21, false,
                    null, Meds.IBUPROFEN, Meds.IBUPROFEN));

    /** Why someone comes to the emergency department, and what is done there. */
    record Emergency(Code code, int minAge, int weight, Code procedure, Med med, boolean cardiac) {
    }

    static final List<Emergency> EMERGENCIES = List.of(
            new Emergency(snomed("29857009", "Chest pain (finding)"), 30, 30,
                    snomed("268400002", "12 lead electrocardiogram (procedure)"), Meds.ASPIRIN, true),
            new Emergency(snomed("284549007", "Laceration of hand (disorder)"), 3, 25,
                    snomed("288086009", "Suture open wound (procedure)"), null, false),
            new Emergency(snomed("16114001", "Fracture of ankle (disorder)"), 5, 15,
                    snomed("274474001", "Bone immobilization (procedure)"), Meds.IBUPROFEN, false),
            new Emergency(snomed("21522001", "Abdominal pain (finding)"), 5, 20,
                    snomed("45036003", "Ultrasonography of abdomen (procedure)"), null, false),
            new Emergency(snomed("62106007", "Concussion with no loss of consciousness (disorder)"), 3, 10,
                    null, Meds.ACETAMINOPHEN, false));

    /** Why someone is admitted. {@code minAge} keeps hip fractures and heart failure for the old. */
    record Admission(Code code, int minAge, int maxAge, int weight, int minDays, int maxDays,
                     Code procedure, Med med, boolean infection) {
    }

    static final List<Admission> ADMISSIONS = List.of(
            new Admission(snomed("233604007", "Pneumonia (disorder)"), 0, 120, 40, 2, 7,
                    snomed("371908008", "Oxygen administration by mask (procedure)"), Meds.AZITHROMYCIN, true),
            new Admission(snomed("5913000", "Fracture of neck of femur (disorder)"), 65, 120, 20, 3, 8,
                    snomed("52734007", "Total replacement of hip joint (procedure)"), Meds.ACETAMINOPHEN, false),
            new Admission(snomed("84114007", "Heart failure (disorder)"), 55, 120, 25, 3, 9,
                    snomed("268400002", "12 lead electrocardiogram (procedure)"), Meds.FUROSEMIDE, false),
            new Admission(snomed("74400008", "Appendicitis (disorder)"), 5, 60, 15, 1, 4,
                    snomed("80146002", "Appendectomy (procedure)"), Meds.ACETAMINOPHEN, true));

    // ---- procedures done at routine visits --------------------------------------------------

    static final Code PROC_MED_RECONCILIATION = snomed("430193006", "Medication reconciliation (procedure)");
    static final Code PROC_DEPRESSION_SCREENING = snomed("171207006", "Depression screening (procedure)");
    static final Code PROC_NEEDS_ASSESSMENT = snomed("710824005",
            "Assessment of health and social care needs (procedure)");
    static final Code PROC_EYE_EXAM = snomed("36228007", "Ophthalmic examination and evaluation (procedure)");
    static final Code PROC_SPIROMETRY = snomed("127783003", "Spirometry (procedure)");

    // ---- observations ----------------------------------------------------------------------

    static final Code CAT_VITAL_SIGNS = new Code(OBS_CATEGORY, "vital-signs", "Vital Signs");
    static final Code CAT_LABORATORY = new Code(OBS_CATEGORY, "laboratory", "Laboratory");
    static final Code DR_CAT_LAB = new Code("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB", "Laboratory");

    static final Code HEART_RATE = loinc("8867-4", "Heart rate");
    static final Code BP_PANEL = loinc("85354-9", "Blood pressure panel with all children optional");
    static final Code SYSTOLIC = loinc("8480-6", "Systolic blood pressure");
    static final Code DIASTOLIC = loinc("8462-4", "Diastolic blood pressure");
    static final Code BODY_WEIGHT = loinc("29463-7", "Body weight");
    static final Code BODY_HEIGHT = loinc("8302-2", "Body height");
    static final Code BMI = loinc("39156-5", "Body mass index (BMI) [Ratio]");
    static final Code BODY_TEMPERATURE = loinc("8310-5", "Body temperature");
    static final Code RESPIRATORY_RATE = loinc("9279-1", "Respiratory rate");
    static final Code OXYGEN_SATURATION = loinc("59408-5",
            "Oxygen saturation in Arterial blood by Pulse oximetry");

    /** A laboratory test with its UCUM unit and reference range (NaN for an open end). */
    record Lab(Code code, String unit, int places, double low, double high) {
    }

    static final Lab HBA1C = new Lab(loinc("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"), "%", 1, 4.0, 5.6);
    static final Lab GLUCOSE = new Lab(loinc("2339-0", "Glucose [Mass/volume] in Blood"), "mg/dL", 0, 70, 99);
    static final Lab CREATININE = new Lab(loinc("38483-4", "Creatinine [Mass/volume] in Blood"), "mg/dL", 2, 0.6, 1.2);
    static final Lab CHOLESTEROL = new Lab(loinc("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma"),
            "mg/dL", 0, Double.NaN, 200);
    static final Lab HDL = new Lab(loinc("2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma"),
            "mg/dL", 0, 40, Double.NaN);
    static final Lab LDL = new Lab(loinc("18262-6",
            "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay"), "mg/dL", 0, Double.NaN, 100);
    static final Lab TRIGLYCERIDES = new Lab(loinc("2571-8", "Triglyceride [Mass/volume] in Serum or Plasma"),
            "mg/dL", 0, Double.NaN, 150);
    static final Lab WBC = new Lab(loinc("6690-2", "Leukocytes [#/volume] in Blood by Automated count"),
            "10*3/uL", 1, 4.5, 11.0);
    static final Lab HEMOGLOBIN = new Lab(loinc("718-7", "Hemoglobin [Mass/volume] in Blood"), "g/dL", 1, 12.0, 17.5);
    static final Lab TSH = new Lab(loinc("3016-3", "Thyrotropin [Units/volume] in Serum or Plasma"),
            "m[IU]/L", 2, 0.4, 4.0);

    /** A DiagnosticReport code and the tests reported under it. */
    record Panel(Code code, List<Lab> labs, int priceCents) {
    }

    static final Panel METABOLIC = new Panel(loinc("24323-8", "Comprehensive metabolic 2000 panel - Serum or Plasma"),
            List.of(GLUCOSE, CREATININE), 4_200);
    static final Panel LIPIDS = new Panel(loinc("57698-3", "Lipid panel with direct LDL - Serum or Plasma"),
            List.of(CHOLESTEROL, HDL, LDL, TRIGLYCERIDES), 3_800);
    static final Panel CBC = new Panel(loinc("58410-2", "CBC panel - Blood by Automated count"),
            List.of(WBC, HEMOGLOBIN), 2_600);
    static final Panel A1C = new Panel(HBA1C.code(), List.of(HBA1C), 3_000);
    static final Panel THYROID = new Panel(TSH.code(), List.of(TSH), 3_500);

    static final Code HIGH = new Code(INTERPRETATION, "H", "High");
    static final Code LOW = new Code(INTERPRETATION, "L", "Low");
    static final Code NORMAL = new Code(INTERPRETATION, "N", "Normal");

    // ---- medications -----------------------------------------------------------------------

    /**
     * A drug as prescribed: {@code perDay} doses of one {@code form}; {@code supplyDays} is the
     * length of one fill (a course, for short treatments).
     */
    record Med(int index, Code code, String sig, int perDay, boolean asNeeded, String form, int supplyDays) {
    }

    /** Drugs, numbered so each has a Medication resource for medicationReference. */
    static final class Meds {
        static final Med METFORMIN = new Med(0, rxnorm("860975",
                "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet"),
                "Take 1 tablet by mouth once daily with the evening meal", 1, false, "tablet", 90);
        static final Med LISINOPRIL = new Med(1, rxnorm("314076", "lisinopril 10 MG Oral Tablet"),
                "Take 1 tablet by mouth once daily", 1, false, "tablet", 90);
        static final Med ATORVASTATIN = new Med(2, rxnorm("617312", "atorvastatin 10 MG Oral Tablet"),
                "Take 1 tablet by mouth once daily", 1, false, "tablet", 90);
        static final Med AMLODIPINE = new Med(3, rxnorm("308136", "amlodipine 2.5 MG Oral Tablet"),
                "Take 1 tablet by mouth once daily", 1, false, "tablet", 90);
        static final Med SIMVASTATIN = new Med(4, rxnorm("198211", "simvastatin 40 MG Oral Tablet"),
                "Take 1 tablet by mouth at bedtime", 1, false, "tablet", 90);
        static final Med PENICILLIN_V = new Med(5, rxnorm("834061", "penicillin V potassium 250 MG Oral Tablet"),
                "Take 1 tablet by mouth four times daily for 10 days", 4, false, "tablet", 10);
        static final Med AMOXICILLIN = new Med(6, rxnorm("308182", "amoxicillin 250 MG Oral Capsule"),
                "Take 2 capsules by mouth three times daily for 10 days", 3, false, "capsule", 10);
        static final Med AZITHROMYCIN = new Med(7, rxnorm("141918", "azithromycin 250 MG Oral Tablet"),
                "Take 2 tablets on day 1, then 1 tablet daily for 4 days", 1, false, "tablet", 5);
        static final Med CIPROFLOXACIN = new Med(8, rxnorm("309309", "ciprofloxacin 500 MG Oral Tablet"),
                "Take 1 tablet by mouth twice daily for 3 days", 2, false, "tablet", 3);
        static final Med IBUPROFEN = new Med(9, rxnorm("310965", "ibuprofen 200 MG Oral Tablet"),
                "Take 2 tablets by mouth every 6 hours as needed for pain", 4, true, "tablet", 14);
        static final Med ACETAMINOPHEN = new Med(10, rxnorm("313782", "acetaminophen 325 MG Oral Tablet"),
                "Take 2 tablets by mouth every 6 hours as needed for pain or fever", 4, true, "tablet", 10);
        static final Med LEVOTHYROXINE = new Med(11, rxnorm("966222", "levothyroxine sodium 0.075 MG Oral Tablet"),
                "Take 1 tablet by mouth every morning before breakfast", 1, false, "tablet", 90);
        static final Med ALBUTEROL = new Med(12, rxnorm("745679",
                "200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler"),
                "Inhale 2 puffs every 4 to 6 hours as needed for wheezing", 4, true, "puff", 30);
        static final Med SERTRALINE = new Med(13, rxnorm("312938", "sertraline 100 MG Oral Tablet"),
                "Take 1 tablet by mouth once daily", 1, false, "tablet", 90);
        static final Med NAPROXEN = new Med(14, rxnorm("849574", "naproxen sodium 220 MG Oral Tablet"),
                "Take 1 tablet by mouth twice daily as needed for joint pain", 2, true, "tablet", 30);
        static final Med HYDROCHLOROTHIAZIDE = new Med(15, rxnorm("310798", "hydrochlorothiazide 25 MG Oral Tablet"),
                "Take 1 tablet by mouth every morning", 1, false, "tablet", 90);
        static final Med ASPIRIN = new Med(16, rxnorm("243670", "aspirin 81 MG Oral Tablet"),
                "Chew 4 tablets once", 1, false, "tablet", 1);
        static final Med FUROSEMIDE = new Med(17, rxnorm("313988", "furosemide 40 MG Oral Tablet"),
                "Take 1 tablet by mouth once daily", 1, false, "tablet", 30);

        static final List<Med> ALL = List.of(METFORMIN, LISINOPRIL, ATORVASTATIN, AMLODIPINE, SIMVASTATIN,
                PENICILLIN_V, AMOXICILLIN, AZITHROMYCIN, CIPROFLOXACIN, IBUPROFEN, ACETAMINOPHEN, LEVOTHYROXINE,
                ALBUTEROL, SERTRALINE, NAPROXEN, HYDROCHLOROTHIAZIDE, ASPIRIN, FUROSEMIDE);

        private Meds() {
        }
    }

    // ---- immunizations ---------------------------------------------------------------------

    static final Code FLU = cvx("140", "Influenza, seasonal, injectable, preservative free");
    static final Code HEP_B = cvx("08", "Hep B, adolescent or pediatric");
    static final Code COVID = cvx("208",
            "SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, LNP, preservative free, 30 mcg/0.3mL dose");
    static final Code TDAP = cvx("115", "Tdap");
    static final Code PCV13 = cvx("133", "Pneumococcal conjugate PCV 13");
    static final Code ZOSTER = cvx("187", "zoster vaccine recombinant");
    static final Code DTAP = cvx("20", "DTaP");
    static final Code IPV = cvx("10", "IPV");
    static final Code MMR = cvx("03", "MMR");
    static final Code VARICELLA = cvx("21", "varicella");
    static final Code HPV = cvx("165", "HPV9");

    static final Code SITE_LEFT_ARM = new Code("http://terminology.hl7.org/CodeSystem/v3-ActSite", "LA", "left arm");
    static final Code SITE_RIGHT_THIGH = new Code("http://terminology.hl7.org/CodeSystem/v3-ActSite", "RT",
            "right thigh");
    static final Code ROUTE_IM = new Code("http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration", "IM",
            "Injection, intramuscular");

    // ---- allergies -------------------------------------------------------------------------

    /** An allergen with its category, the usual reaction and how often it is seen. */
    record Allergen(Code code, String category, Code reaction, String criticality, double prevalence) {
    }

    static final Allergen PENICILLIN_ALLERGY = new Allergen(snomed("764146007", "Penicillin (substance)"),
            "medication", snomed("247472004", "Wheal (finding)"), "high", 0.08);

    static final List<Allergen> ALLERGENS = List.of(
            PENICILLIN_ALLERGY,
            new Allergen(snomed("387458008", "Aspirin (substance)"), "medication",
                    snomed("271807003", "Eruption of skin (disorder)"), "low", 0.02),
            new Allergen(snomed("762952008", "Peanut (substance)"), "food",
                    snomed("39579001", "Anaphylaxis (disorder)"), "high", 0.03),
            new Allergen(snomed("735029006", "Shellfish (substance)"), "food",
                    snomed("418290006", "Itching (finding)"), "low", 0.03),
            new Allergen(snomed("256277009", "Grass pollen (substance)"), "environment",
                    snomed("21719001", "Allergic rhinitis caused by pollen (disorder)"), "low", 0.10),
            new Allergen(snomed("260147004", "House dust mite (organism)"), "environment",
                    snomed("49727002", "Cough (finding)"), "low", 0.07),
            new Allergen(snomed("111088007", "Latex (substance)"), "environment",
                    snomed("271807003", "Eruption of skin (disorder)"), "low", 0.02));

    // ---- documents, claims, coverage, care plans, provenance -------------------------------

    static final Code NOTE_HISTORY_PHYSICAL = loinc("34117-2", "History and physical note");
    static final Code NOTE_PROGRESS = loinc("11506-3", "Progress note");
    static final Code NOTE_DISCHARGE = loinc("18842-5", "Discharge summary");
    static final Code DOC_CLINICAL_NOTE = new Code(
            "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category", "clinical-note",
            "Clinical Note");

    static final String CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type";
    static final Code CLAIM_PROFESSIONAL = new Code(CLAIM_TYPE, "professional", "Professional");
    static final Code CLAIM_INSTITUTIONAL = new Code(CLAIM_TYPE, "institutional", "Institutional");
    static final Code PRIORITY_NORMAL = new Code("http://terminology.hl7.org/CodeSystem/processpriority",
            "normal", "Normal");
    static final String ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication";
    static final Code ADJ_SUBMITTED = new Code(ADJUDICATION, "submitted", "Submitted Amount");
    static final Code ADJ_ELIGIBLE = new Code(ADJUDICATION, "eligible", "Eligible Amount");
    static final Code ADJ_COPAY = new Code(ADJUDICATION, "copay", "CoPay");
    static final Code ADJ_BENEFIT = new Code(ADJUDICATION, "benefit", "Benefit Amount");

    static final Code COVERAGE_COMMERCIAL = new Code(ACT_CODE, "HIP", "health insurance plan policy");
    static final Code COVERAGE_PUBLIC = new Code(ACT_CODE, "PUBLICPOL", "public healthcare");
    static final Code RELATIONSHIP_SELF = new Code(
            "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "self", "Self");
    static final Code RELATIONSHIP_CHILD = new Code(
            "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "child", "Child");
    static final Code COVERAGE_CLASS_PLAN = new Code(
            "http://terminology.hl7.org/CodeSystem/coverage-class", "plan", "Plan");

    static final String PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
    static final Code AGENT_AUTHOR = new Code(PROVENANCE_PARTICIPANT, "author", "Author");
    static final Code AGENT_CUSTODIAN = new Code(PROVENANCE_PARTICIPANT, "custodian", "Custodian");
    static final Code ACTIVITY_CREATE = new Code("http://terminology.hl7.org/CodeSystem/v3-DataOperation",
            "CREATE", "create");

    // ---- people and places -----------------------------------------------------------------

    static final String[] GIVEN_FEMALE = {"Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan",
            "Jessica", "Sarah", "Karen", "Nancy", "Lisa", "Margaret", "Sandra", "Ashley", "Emily", "Michelle",
            "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca", "Laura", "Helen", "Sharon", "Cynthia",
            "Kathleen", "Amy", "Anna", "Olivia", "Emma", "Sofía", "María José", "Chloé", "Zoë", "Aoife",
            "Mai", "Thanh", "Ana Luísa", "Renée"};
    static final String[] GIVEN_MALE = {"James", "Robert", "John", "Michael", "David", "William", "Richard",
            "Joseph", "Thomas", "Charles", "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Donald",
            "Steven", "Paul", "Andrew", "Joshua", "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald",
            "Jason", "Edward", "Jeffrey", "Ryan", "Liam", "Noah", "José", "Luis", "André", "Sean", "Minh",
            "Duc", "João", "François"};
    static final String[] FAMILY = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
            "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
            "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
            "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Nguyen",
            "Tran", "O'Brien", "Murphy", "Sullivan", "Kelly", "Silva", "Pereira", "Müller", "Núñez", "Peña",
            "Ibáñez", "Cohen", "Patel", "Kim", "Chen", "Rossi", "Kowalski", "Dubois", "Almeida"};
    static final String[] STREETS = {"Main St", "Maple Ave", "Oak St", "Elm St", "Pleasant St", "Washington St",
            "Park Ave", "Highland Ave", "Summer St", "School St", "Chestnut St", "Cedar Rd", "Prospect St",
            "Walnut St", "Church St", "Union St", "Pine St", "Spring St", "Water St", "Hillside Ave"};

    /** A town with its ZIP code and rough coordinates. */
    record Town(String city, String zip, double lat, double lon) {
    }

    static final Town[] TOWNS = {
            new Town("Boston", "02118", 42.3398, -71.0892), new Town("Cambridge", "02139", 42.3647, -71.1042),
            new Town("Worcester", "01609", 42.2751, -71.8110), new Town("Springfield", "01103", 42.1029, -72.5887),
            new Town("Lowell", "01852", 42.6334, -71.3162), new Town("Quincy", "02169", 42.2529, -71.0023),
            new Town("Newton", "02458", 42.3535, -71.1878), new Town("Somerville", "02143", 42.3876, -71.0995),
            new Town("Framingham", "01701", 42.2793, -71.4162), new Town("Salem", "01970", 42.5195, -70.8967),
            new Town("Plymouth", "02360", 41.9584, -70.6673), new Town("Pittsfield", "01201", 42.4501, -73.2454),
            new Town("Northampton", "01060", 42.3251, -72.6412), new Town("Brockton", "02301", 42.0834, -71.0184),
            new Town("Lynn", "01902", 42.4668, -70.9495)};

    /** Language as BCP 47 code, its name, and its share of patients (per thousand). */
    record Language(String code, String display, int perMille) {
    }

    static final Language[] LANGUAGES = {
            new Language("en-US", "English (United States)", 840), new Language("es", "Spanish", 100),
            new Language("pt", "Portuguese", 30), new Language("vi", "Vietnamese", 20),
            new Language("zh", "Chinese", 10)};

    static final String MARITAL_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus";
    static final Code NEVER_MARRIED = new Code(MARITAL_SYSTEM, "S", "Never Married");
    static final Code MARRIED = new Code(MARITAL_SYSTEM, "M", "Married");
    static final Code DIVORCED = new Code(MARITAL_SYSTEM, "D", "Divorced");
    static final Code WIDOWED = new Code(MARITAL_SYSTEM, "W", "Widowed");
    static final Code MR_TYPE = new Code("http://terminology.hl7.org/CodeSystem/v2-0203", "MR",
            "Medical Record Number");
}
