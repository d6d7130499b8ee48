package org.bulkfhir.store.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.bulkfhir.store.generate.Vocabulary.Med;

/**
 * The resources every patient's record points at, written once: hospitals with their clinics,
 * emergency departments and wards, the payers, the practitioners, and a Medication for each
 * drug so that some prescriptions can use {@code medicationReference}.
 */
final class SharedResources {
    static final String ORG_TYPES = "http://terminology.hl7.org/CodeSystem/organization-type";
    static final String ROLE_CODES = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";

    /** A hospital, with the Location ids of its outpatient clinic, emergency department and ward. */
    record Hospital(int index, String id, String name, Vocabulary.Town town,
                    String clinicId, String emergencyId, String wardId) {
    }

    /** A payer; {@code index} 1 is the one whose members form the payer Group. */
    record Payer(int index, String id, String name, boolean government) {
    }

    record Practitioner(String id, String display, int hospital) {
    }

    private static final String[][] HOSPITALS = {
            {"Riverside General Hospital", "0"}, {"Northfield Community Hospital", "4"},
            {"St. Agnes Medical Center", "2"}};
    private static final String[] PAYERS = {"Harborview Health Plan", "Summit Mutual Insurance", "Medicare"};

    final List<Hospital> hospitals = new ArrayList<>();
    final List<Payer> payers = new ArrayList<>();
    final List<Practitioner> practitioners = new ArrayList<>();
    /** Practitioners' indexes in {@link #practitioners}, per hospital. */
    final List<List<Integer>> staff = new ArrayList<>();
    final String[] medicationIds = new String[Vocabulary.Meds.ALL.size()];

    /** One practitioner per twenty patients, at least five (so each hospital has staff). */
    static int practitionerCount(int patients) {
        return Math.max(5, (patients + 19) / 20);
    }

    SharedResources(ResourceWriter w, long seed, int patients) {
        SplittableRandom r = new SplittableRandom(Ids.mix(seed, 0x5a5a, 1));
        for (int i = 0; i < HOSPITALS.length; i++) {
            Vocabulary.Town town = Vocabulary.TOWNS[Integer.parseInt(HOSPITALS[i][1])];
            String orgId = w.newId("Organization");
            Hospital h = new Hospital(i, orgId, HOSPITALS[i][0], town,
                    w.newId("Location"), w.newId("Location"), w.newId("Location"));
            hospitals.add(h);
            staff.add(new ArrayList<>());
            writeHospital(w, h, r);
        }
        for (int i = 0; i < PAYERS.length; i++) {
            Payer p = new Payer(i + 1, w.newId("Organization"), PAYERS[i], i == 2);
            payers.add(p);
            writePayer(w, p, r);
        }
        int n = practitionerCount(patients);
        for (int i = 0; i < n; i++) {
            int hospital = i % hospitals.size();
            practitioners.add(writePractitioner(w, r, i, hospital));
            staff.get(hospital).add(i);
        }
        for (Med m : Vocabulary.Meds.ALL) {
            medicationIds[m.index()] = writeMedication(w, m);
        }
    }

    Payer payer(int index) {
        return payers.get(index - 1);
    }

    private static void writeHospital(ResourceWriter w, Hospital h, SplittableRandom r) {
        String phone = phone(r);
        String street = (10 + r.nextInt(990)) + " " + Vocabulary.STREETS[r.nextInt(Vocabulary.STREETS.length)];
        w.begin("Organization", h.id());
        w.startArray("identifier");
        w.identifier("http://hospital.example.org/organizations", "HOSP-" + (h.index() + 1));
        w.endArray();
        w.bool("active", true);
        w.startArray("type");
        w.concept(new Code(ORG_TYPES, "prov", "Healthcare Provider"));
        w.endArray();
        w.string("name", h.name());
        telecom(w, "phone", phone, "work");
        address(w, street, h.town(), "work");
        w.end();

        location(w, h, h.clinicId(), h.name() + " Primary Care Clinic",
                new Code(ROLE_CODES, "OF", "Outpatient facility"), street, phone);
        location(w, h, h.emergencyId(), h.name() + " Emergency Department",
                new Code(ROLE_CODES, "ER", "Emergency room"), street, phone);
        location(w, h, h.wardId(), h.name() + " Inpatient Ward",
                new Code(ROLE_CODES, "HOSP", "Hospital"), street, phone);
    }

    private static void location(ResourceWriter w, Hospital h, String id, String name, Code type,
                                 String street, String phone) {
        w.begin("Location", id);
        w.string("status", "active");
        w.string("name", name);
        w.string("mode", "instance");
        w.startArray("type");
        w.concept(type);
        w.endArray();
        telecom(w, "phone", phone, "work");
        address(w, street, h.town(), "work");
        w.concept("physicalType", new Code("http://terminology.hl7.org/CodeSystem/location-physical-type",
                "bu", "Building"));
        w.startObject("position");
        w.decimal("longitude", h.town().lon(), 4);
        w.decimal("latitude", h.town().lat(), 4);
        w.endObject();
        w.reference("managingOrganization", "Organization", h.id(), h.name());
        w.end();
    }

    private static void writePayer(ResourceWriter w, Payer p, SplittableRandom r) {
        w.begin("Organization", p.id());
        w.startArray("identifier");
        w.identifier("http://hospital.example.org/payers", "PAYER-" + p.index());
        w.endArray();
        w.bool("active", true);
        w.startArray("type");
        w.concept(new Code(ORG_TYPES, p.government() ? "govt" : "pay",
                p.government() ? "Government" : "Payer"));
        w.endArray();
        w.string("name", p.name());
        telecom(w, "phone", phone(r), "work");
        w.end();
    }

    private Practitioner writePractitioner(ResourceWriter w, SplittableRandom r, int i, int hospital) {
        boolean female = r.nextBoolean();
        String[] givenNames = female ? Vocabulary.GIVEN_FEMALE : Vocabulary.GIVEN_MALE;
        String given = givenNames[r.nextInt(givenNames.length)];
        String family = Vocabulary.FAMILY[r.nextInt(Vocabulary.FAMILY.length)];
        String id = w.begin("Practitioner");
        w.startArray("identifier");
        // 10 digits starting with 9: outside the range of real NPIs' issued prefixes.
        w.identifier(Vocabulary.NPI_SYSTEM, String.format("99%08d", 1000 + i * 7919L % 100_000_000L));
        w.endArray();
        w.bool("active", true);
        w.startArray("name");
        w.startObject();
        w.string("use", "official");
        w.string("family", family);
        w.stringArray("given", given);
        w.stringArray("prefix", "Dr.");
        w.endObject();
        w.endArray();
        String email = (ascii(given) + "." + ascii(family) + i + "@hospital.example.org").toLowerCase();
        telecom(w, "email", email, "work");
        Hospital h = hospitals.get(hospital);
        w.string("gender", female ? "female" : "male");
        w.startArray("qualification");
        w.startObject();
        w.concept("code", new Code("http://terminology.hl7.org/CodeSystem/v2-0360", "MD",
                "Doctor of Medicine"));
        w.reference("issuer", "Organization", h.id(), h.name());
        w.endObject();
        w.endArray();
        w.end();
        return new Practitioner(id, "Dr. " + given + " " + family, hospital);
    }

    private static String writeMedication(ResourceWriter w, Med m) {
        String id = w.begin("Medication");
        w.conceptWithText("code", m.code());
        w.string("status", "active");
        if ("puff".equals(m.form())) {
            // No dose-form code we are sure of for a metered-dose inhaler: text only.
            w.startObject("form");
            w.string("text", "Metered dose inhaler");
            w.endObject();
        } else {
            w.concept("form", "capsule".equals(m.form())
                    ? Vocabulary.snomed("385049006", "Capsule (basic dose form)")
                    : Vocabulary.snomed("385055001", "Tablet (basic dose form)"));
        }
        w.end();
        return id;
    }

    static void telecom(ResourceWriter w, String system, String value, String use) {
        w.startArray("telecom");
        w.startObject();
        w.string("system", system);
        w.string("value", value);
        w.string("use", use);
        w.endObject();
        w.endArray();
    }

    static void address(ResourceWriter w, String line, Vocabulary.Town town, String use) {
        w.startArray("address");
        w.startObject();
        w.string("use", use);
        w.stringArray("line", line);
        w.string("city", town.city());
        w.string("state", "MA");
        w.string("postalCode", town.zip());
        w.string("country", "US");
        w.endObject();
        w.endArray();
    }

    static String phone(SplittableRandom r) {
        // 555-01xx numbers are reserved for fiction.
        return "(" + (200 + r.nextInt(800)) + ") 555-01" + (10 + r.nextInt(90));
    }

    /** The name without accents or spaces, for e-mail addresses. */
    static String ascii(String s) {
        String n = java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD);
        return n.replaceAll("[^A-Za-z]", "");
    }
}
