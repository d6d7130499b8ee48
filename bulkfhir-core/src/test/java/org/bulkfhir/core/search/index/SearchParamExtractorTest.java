package org.bulkfhir.core.search.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.search.index.ResourceIndex.DateEntry;
import org.bulkfhir.core.search.index.ResourceIndex.QuantityEntry;
import org.bulkfhir.core.search.index.ResourceIndex.ReferenceEntry;
import org.bulkfhir.core.search.index.ResourceIndex.StringEntry;
import org.bulkfhir.core.search.index.ResourceIndex.TokenEntry;
import org.bulkfhir.core.search.index.ResourceIndex.UriEntry;
import org.hl7.fhir.r4.model.Age;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Invoice;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SampledData;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Timing;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The index rows behind {@code _typeFilter} (S-41) and Patient/Group-level export through the
 * Patient compartment (S-33, IG §4.10).
 */
public class SearchParamExtractorTest {
    private static final String LOINC = "http://loinc.org";
    private static final String SNOMED = "http://snomed.info/sct";
    private static final String UCUM = "http://unitsofmeasure.org";

    final SearchParamExtractor extractor = new SearchParamExtractor();

    /** The index under test; {@link JsonIndexerTest} computes it from the resource's JSON instead. */
    ResourceIndex index(Resource resource) {
        return extractor.extract(resource);
    }

    // ------------------------------------------------------------ Observation

    private static Observation weight() {
        Observation o = new Observation();
        o.setId("obs1");
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory().addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/observation-category")
                .setCode("vital-signs").setDisplay("Vital Signs");
        o.getCode().addCoding().setSystem(LOINC).setCode("29463-7").setDisplay("Body Weight");
        o.setSubject(new Reference("Patient/p1"));
        o.setEncounter(new Reference("Encounter/e1"));
        o.setEffective(new DateTimeType("2020-03-01"));
        o.setValue(new Quantity().setValue(new BigDecimal("72.5")).setUnit("kg").setSystem(UCUM).setCode("kg"));
        return o;
    }

    @Test
    void observationCodeCategoryAndStatusAreTokens_S41() {
        ResourceIndex ix = index(weight());

        assertThat(tokens(ix, "code")).containsExactly(new TokenEntry("code", LOINC, "29463-7", "body weight"));
        assertThat(tokens(ix, "category")).containsExactly(new TokenEntry("category",
                "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "vital signs"));
        assertThat(tokens(ix, "status")).containsExactly(new TokenEntry("status", null, "final", null));
        // _id and _lastUpdated are columns of the resource row; indexing them again would only cost.
        assertThat(tokens(ix, "_id")).isEmpty();
    }

    @Test
    void observationValueQuantity_S41() {
        ResourceIndex ix = index(weight());

        assertThat(quantities(ix, "value-quantity"))
                .containsExactly(new QuantityEntry("value-quantity", 72.5, UCUM, "kg", "kg"));
    }

    @Test
    void observationDateCoversThePrecisionOfEffectiveDateTime_S41() {
        ResourceIndex ix = index(weight());

        assertThat(dates(ix, "date")).containsExactly(new DateEntry("date",
                ms("2020-03-01T00:00:00Z"), ms("2020-03-01T23:59:59.999Z")));
    }

    @Test
    void dateTimeWithOffsetIsStoredInUtc() {
        Observation o = weight();
        o.setEffective(new DateTimeType("2020-03-01T10:15:00+02:00"));

        assertThat(dates(index(o), "date")).containsExactly(new DateEntry("date",
                ms("2020-03-01T08:15:00Z"), ms("2020-03-01T08:15:00.999Z")));
    }

    @Test
    void observationSubjectIsAReferenceAndPutsItInThePatientCompartment_S33() {
        ResourceIndex ix = index(weight());

        assertThat(refs(ix, "subject")).containsExactly(new ReferenceEntry("subject", "Patient", "p1", null));
        // `patient` is `subject.where(resolve() is Patient)`: resolve() must work without a database.
        assertThat(refs(ix, "patient")).containsExactly(new ReferenceEntry("patient", "Patient", "p1", null));
        assertThat(refs(ix, "encounter")).containsExactly(new ReferenceEntry("encounter", "Encounter", "e1", null));
        assertThat(ix.patientCompartments()).containsExactly("p1");
    }

    @Test
    void observationAboutAGroupIsNotMatchedByThePatientParameter() {
        Observation o = weight();
        o.setSubject(new Reference("Group/g1"));

        ResourceIndex ix = index(o);

        assertThat(refs(ix, "subject")).containsExactly(new ReferenceEntry("subject", "Group", "g1", null));
        assertThat(refs(ix, "patient")).isEmpty();
        assertThat(ix.patientCompartments()).isEmpty();
    }

    @Test
    void practitionerPerformerAddsNoCompartmentButPatientPerformerDoes_S33() {
        Observation o = weight();
        o.addPerformer(new Reference("Practitioner/dr1"));

        ResourceIndex ix = index(o);
        assertThat(refs(ix, "performer")).containsExactly(new ReferenceEntry("performer", "Practitioner", "dr1", null));
        assertThat(ix.patientCompartments()).containsExactly("p1");

        o.addPerformer(new Reference("Patient/p2"));
        assertThat(index(o).patientCompartments()).containsExactlyInAnyOrder("p1", "p2");
    }

    @Test
    void bloodPressureComponentsAreEachAQuantity() {
        // Two UCUM quantities in one union used to need a UCUM service to compare them.
        Observation o = weight();
        o.setValue(null);
        o.addComponent().setValue(new Quantity(120).setSystem(UCUM).setCode("mm[Hg]"))
                .getCode().addCoding().setSystem(LOINC).setCode("8480-6");
        o.addComponent().setValue(new Quantity(80).setSystem(UCUM).setCode("mm[Hg]"))
                .getCode().addCoding().setSystem(LOINC).setCode("8462-4");

        ResourceIndex ix = index(o);

        assertThat(quantities(ix, "component-value-quantity")).extracting(QuantityEntry::value)
                .containsExactlyInAnyOrder(120.0, 80.0);
        assertThat(quantities(ix, "combo-value-quantity")).hasSize(2);
        assertThat(tokens(ix, "component-code")).extracting(TokenEntry::code)
                .containsExactlyInAnyOrder("8480-6", "8462-4");
        assertThat(tokens(ix, "combo-code")).extracting(TokenEntry::code)
                .containsExactlyInAnyOrder("29463-7", "8480-6", "8462-4");
    }

    @Test
    void sampledDataValueIsNotAQuantityAndDoesNotBreakTheResource() {
        Observation o = weight();
        o.setValue(new SampledData().setOrigin(new Quantity(1)).setPeriod(10).setDimensions(1).setData("1 2 3"));

        ResourceIndex ix = index(o);

        assertThat(quantities(ix, "value-quantity")).isEmpty();
        assertThat(tokens(ix, "code")).hasSize(1);
    }

    // ------------------------------------------------------------ Condition

    @Test
    void conditionSnomedCode_S41() {
        Condition c = new Condition();
        c.setId("c1");
        c.getCode().addCoding().setSystem(SNOMED).setCode("44054006").setDisplay("Diabetes mellitus type 2");
        c.setSubject(new Reference("Patient/p1"));
        c.setOnset(new DateTimeType("2015-07-12T09:00:00Z"));

        ResourceIndex ix = index(c);

        assertThat(tokens(ix, "code")).extracting(TokenEntry::system, TokenEntry::code, TokenEntry::text)
                .containsExactly(tuple(SNOMED, "44054006", "diabetes mellitus type 2"));
        assertThat(dates(ix, "onset-date")).containsExactly(new DateEntry("onset-date",
                ms("2015-07-12T09:00:00Z"), ms("2015-07-12T09:00:00.999Z")));
        assertThat(ix.patientCompartments()).containsExactly("p1");
    }

    @Test
    void conditionOnsetAgeAndAbatementRangeUseAsFunction() {
        Condition c = new Condition();
        c.setId("c2");
        c.setOnset((Age) new Age().setValue(5).setSystem(UCUM).setCode("a").setUnit("years"));
        c.setAbatement(new Range().setLow(new Quantity(7).setSystem(UCUM).setCode("a"))
                .setHigh(new Quantity(9).setSystem(UCUM).setCode("a")));

        ResourceIndex ix = index(c);

        assertThat(quantities(ix, "onset-age")).containsExactly(new QuantityEntry("onset-age", 5, UCUM, "a", "years"));
        assertThat(quantities(ix, "abatement-age")).containsExactlyInAnyOrder(
                new QuantityEntry("abatement-age", 7, UCUM, "a", null),
                new QuantityEntry("abatement-age", 9, UCUM, "a", null));
    }

    @Test
    void codeableConceptWithOnlyTextGivesATextOnlyToken() {
        Condition c = new Condition();
        c.setId("c3");
        c.setCode(new CodeableConcept().setText("Headache"));

        assertThat(tokens(index(c), "code")).containsExactly(new TokenEntry("code", null, null, "headache"));
    }

    @Test
    void codingWithoutDisplayTakesTheConceptText() {
        Condition c = new Condition();
        c.setId("c4");
        c.setCode(new CodeableConcept().setText("Sugar diabetes"));
        c.getCode().addCoding().setSystem(SNOMED).setCode("44054006");

        assertThat(tokens(index(c), "code"))
                .containsExactly(new TokenEntry("code", SNOMED, "44054006", "sugar diabetes"));
    }

    // ------------------------------------------------------------ Patient

    private static Patient zoe() {
        Patient p = new Patient();
        p.setId("p1");
        p.addName().setFamily("Müller").addGiven("Zoë").addPrefix("Mrs.");
        p.setGender(AdministrativeGender.FEMALE);
        p.setBirthDateElement(new DateType("1970"));
        p.setActive(true);
        Identifier ssn = p.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-ssn").setValue("999-12-3456");
        ssn.getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode("SS")
                .setDisplay("Social Security Number");
        p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("555-1234");
        p.addAddress().addLine("12 Rue de l'Église").setCity("Québec").setPostalCode("G1R 4S9").setCountry("CA");
        return p;
    }

    @Test
    void patientNamesAreNormalizedAndKeptExact() {
        ResourceIndex ix = index(zoe());

        assertThat(strings(ix, "given")).containsExactly(new StringEntry("given", "zoe", "Zoë"));
        assertThat(strings(ix, "family")).containsExactly(new StringEntry("family", "muller", "Müller"));
        assertThat(strings(ix, "name")).containsExactlyInAnyOrder(
                new StringEntry("name", "zoe", "Zoë"),
                new StringEntry("name", "muller", "Müller"),
                new StringEntry("name", "mrs.", "Mrs."));
        assertThat(strings(ix, "address-city")).containsExactly(new StringEntry("address-city", "quebec", "Québec"));
        assertThat(strings(ix, "address")).extracting(StringEntry::normalized)
                .containsExactlyInAnyOrder("12 rue de l'eglise", "quebec", "g1r 4s9", "ca");
    }

    @Test
    void patientBirthdateGenderIdentifierAndTelecom_S41() {
        ResourceIndex ix = index(zoe());

        assertThat(dates(ix, "birthdate")).containsExactly(new DateEntry("birthdate",
                ms("1970-01-01T00:00:00Z"), ms("1970-12-31T23:59:59.999Z")));
        assertThat(tokens(ix, "gender")).containsExactly(new TokenEntry("gender", null, "female", null));
        assertThat(tokens(ix, "active")).containsExactly(new TokenEntry("active", null, "true", null));
        assertThat(tokens(ix, "identifier")).containsExactly(new TokenEntry("identifier",
                "http://hl7.org/fhir/sid/us-ssn", "999-12-3456", "social security number"));
        assertThat(tokens(ix, "phone")).containsExactly(new TokenEntry("phone", null, "555-1234", null));
        assertThat(tokens(ix, "email")).isEmpty();
        // `deceased` is a boolean expression, not an element.
        assertThat(tokens(ix, "deceased")).containsExactly(new TokenEntry("deceased", null, "false", null));
    }

    @Test
    void patientIsInItsOwnCompartmentAndInThoseOfLinkedPatients_S33() {
        Patient p = zoe();
        p.addLink().setOther(new Reference("Patient/p-old"));
        p.addLink().setOther(new Reference("RelatedPerson/rp1"));

        assertThat(index(p).patientCompartments()).containsExactlyInAnyOrder("p1", "p-old");
    }

    @Test
    void stringsAreTruncatedTo200Chars() {
        Patient p = new Patient();
        p.setId("long");
        p.addName().setFamily("É".repeat(250));

        StringEntry e = strings(index(p), "family").get(0);

        assertThat(e.exact()).hasSize(200).startsWith("ÉÉ");
        assertThat(e.normalized()).isEqualTo("e".repeat(200));
    }

    // ------------------------------------------------------------ MedicationRequest

    @Test
    void medicationRequestStatusIntentAuthoredOnAndCode_S41() {
        MedicationRequest m = new MedicationRequest();
        m.setId("mr1");
        m.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
        m.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
        m.setAuthoredOnElement(new DateTimeType("2021-06-15"));
        m.setMedication(new CodeableConcept(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "313782",
                "Acetaminophen 325 MG Oral Tablet")));
        m.setSubject(new Reference("Patient/p1"));
        m.setRequester(new Reference("Practitioner/dr1"));
        m.addDosageInstruction().setTiming(new Timing().addEvent(new Date(0)));

        ResourceIndex ix = index(m);

        assertThat(tokens(ix, "status")).containsExactly(new TokenEntry("status", null, "active", null));
        assertThat(tokens(ix, "intent")).containsExactly(new TokenEntry("intent", null, "order", null));
        assertThat(dates(ix, "authoredon")).containsExactly(new DateEntry("authoredon",
                ms("2021-06-15T00:00:00Z"), ms("2021-06-15T23:59:59.999Z")));
        assertThat(tokens(ix, "code")).extracting(TokenEntry::code).containsExactly("313782");
        assertThat(dates(ix, "date")).extracting(DateEntry::low).containsExactly(0L);
        assertThat(refs(ix, "requester")).containsExactly(new ReferenceEntry("requester", "Practitioner", "dr1", null));
        assertThat(ix.patientCompartments()).containsExactly("p1");
    }

    // ------------------------------------------------------------ Encounter, CarePlan

    @Test
    void encounterPeriodSpansStartToEnd() {
        Encounter e = new Encounter();
        e.setId("e1");
        e.setStatus(Encounter.EncounterStatus.FINISHED);
        e.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
        e.setSubject(new Reference("Patient/p1"));
        e.addParticipant().setIndividual(new Reference("Practitioner/dr1"));
        e.setPeriod(new Period().setStartElement(new DateTimeType("2020-01-01T10:00:00Z"))
                .setEndElement(new DateTimeType("2020-01-01T10:30:00Z")));

        ResourceIndex ix = index(e);

        assertThat(dates(ix, "date")).containsExactly(new DateEntry("date",
                ms("2020-01-01T10:00:00Z"), ms("2020-01-01T10:30:00.999Z")));
        assertThat(tokens(ix, "class")).containsExactly(new TokenEntry("class",
                "http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
        assertThat(refs(ix, "practitioner")).containsExactly(
                new ReferenceEntry("practitioner", "Practitioner", "dr1", null));
        assertThat(ix.patientCompartments()).containsExactly("p1");
    }

    @Test
    void openPeriodEndIsUnbounded() {
        Encounter e = new Encounter();
        e.setId("e2");
        e.setPeriod(new Period().setStartElement(new DateTimeType("2020-01-01")));

        assertThat(dates(index(e), "date")).containsExactly(
                new DateEntry("date", ms("2020-01-01T00:00:00Z"), Long.MAX_VALUE));
    }

    @Test
    void timingGivesEachEventAndItsBoundsPeriod() {
        CarePlan cp = new CarePlan();
        cp.setId("cp1");
        Timing t = new Timing();
        t.addEventElement().setValueAsString("2022-02-02");
        t.getRepeat().setBounds(new Period().setStartElement(new DateTimeType("2022-01"))
                .setEndElement(new DateTimeType("2022-03")));
        cp.addActivity().getDetail().setScheduled(t);

        assertThat(dates(index(cp), "activity-date")).containsExactlyInAnyOrder(
                new DateEntry("activity-date", ms("2022-02-02T00:00:00Z"), ms("2022-02-02T23:59:59.999Z")),
                new DateEntry("activity-date", ms("2022-01-01T00:00:00Z"), ms("2022-03-31T23:59:59.999Z")));
    }

    // ------------------------------------------------------------ Coverage, Claim, Invoice

    @Test
    void coverageBeneficiaryIsInTheCompartmentButAnOrganizationPayorIsNot_S33() {
        Coverage c = new Coverage();
        c.setId("cov1");
        c.setStatus(Coverage.CoverageStatus.ACTIVE);
        c.setBeneficiary(new Reference("Patient/p1"));
        c.addPayor(new Reference("Organization/org1"));

        ResourceIndex ix = index(c);

        assertThat(refs(ix, "beneficiary")).containsExactly(new ReferenceEntry("beneficiary", "Patient", "p1", null));
        assertThat(refs(ix, "payor")).containsExactly(new ReferenceEntry("payor", "Organization", "org1", null));
        assertThat(ix.patientCompartments()).containsExactly("p1");
    }

    @Test
    void coveragePaidByAPatientIsInThatPatientsCompartmentToo_S33() {
        Coverage c = new Coverage();
        c.setId("cov2");
        c.setBeneficiary(new Reference("Patient/child"));
        c.addPayor(new Reference("Patient/parent"));

        assertThat(index(c).patientCompartments()).containsExactlyInAnyOrder("child", "parent");
    }

    @Test
    void claimIsIndexedByPatientCreatedAndProvider() {
        Claim c = new Claim();
        c.setId("cl1");
        c.setStatus(Claim.ClaimStatus.ACTIVE);
        c.setUse(Claim.Use.CLAIM);
        c.setPatient(new Reference("Patient/p1"));
        c.setCreatedElement(new DateTimeType("2020-01-01T10:30:00Z"));
        c.setProvider(new Reference("Organization/org1"));
        c.setTotal(new Money().setValue(129.16).setCurrency("USD"));

        ResourceIndex ix = index(c);

        assertThat(refs(ix, "patient")).containsExactly(new ReferenceEntry("patient", "Patient", "p1", null));
        assertThat(refs(ix, "provider")).containsExactly(new ReferenceEntry("provider", "Organization", "org1", null));
        assertThat(dates(ix, "created")).hasSize(1);
        assertThat(tokens(ix, "use")).containsExactly(new TokenEntry("use", null, "claim", null));
        // R4 defines no search parameter on Claim.total; Money is covered by Invoice below.
        assertThat(ix.quantities()).isEmpty();
        assertThat(ix.patientCompartments()).containsExactly("p1");
    }

    @Test
    void moneyIsAQuantityInIso4217() {
        Invoice inv = new Invoice();
        inv.setId("inv1");
        inv.setTotalGross(new Money().setValue(129.16).setCurrency("USD"));

        assertThat(quantities(index(inv), "totalgross")).containsExactly(
                new QuantityEntry("totalgross", 129.16, "urn:iso:std:iso:4217", "USD", "USD"));
    }

    // ------------------------------------------------------------ meta, uris

    @Test
    void tagProfileAndSecurityComeFromMeta_S41() {
        Observation o = weight();
        o.getMeta().setLastUpdatedElement(new InstantType("2024-05-06T07:08:09.123Z"));
        o.getMeta().addTag("http://example.org/tags", "synthetic", "Synthetic data");
        o.getMeta().addSecurity("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "N", "normal");
        o.getMeta().addProfile("http://hl7.org/fhir/us/core/StructureDefinition/us-core-vital-signs");

        ResourceIndex ix = index(o);

        assertThat(tokens(ix, "_tag")).containsExactly(
                new TokenEntry("_tag", "http://example.org/tags", "synthetic", "synthetic data"));
        assertThat(tokens(ix, "_security")).containsExactly(new TokenEntry("_security",
                "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "N", "normal"));
        assertThat(ix.uris()).contains(
                new UriEntry("_profile", "http://hl7.org/fhir/us/core/StructureDefinition/us-core-vital-signs"));
        // The store stamps meta.lastUpdated itself and searches its own column; an index row from
        // the incoming value would be stale at once.
        assertThat(dates(ix, "_lastUpdated")).isEmpty();
    }

    @Test
    void documentReferenceAttachmentUrlIsAUri() {
        DocumentReference d = new DocumentReference();
        d.setId("doc1");
        d.setSubject(new Reference("Patient/p1"));
        d.addContent().setAttachment(new Attachment().setContentType("application/pdf")
                .setUrl("https://files.example.org/doc1.pdf"));

        ResourceIndex ix = index(d);

        assertThat(ix.uris()).contains(new UriEntry("location", "https://files.example.org/doc1.pdf"));
        assertThat(tokens(ix, "contenttype")).containsExactly(new TokenEntry("contenttype", null, "application/pdf", null));
        assertThat(ix.patientCompartments()).containsExactly("p1");
    }

    // ------------------------------------------------------------ reference forms

    @Test
    void absoluteReferenceKeepsTheUrlAndItsTargetButIsNotALocalCompartment() {
        Observation o = weight();
        o.setSubject(new Reference("https://other.example.org/fhir/Patient/p77/_history/3"));

        ResourceIndex ix = index(o);

        assertThat(refs(ix, "subject")).containsExactly(new ReferenceEntry("subject", "Patient", "p77",
                "https://other.example.org/fhir/Patient/p77/_history/3"));
        assertThat(ix.patientCompartments()).isEmpty();
    }

    @Test
    void versionedLocalReferenceDropsTheHistory() {
        Observation o = weight();
        o.setSubject(new Reference("Patient/p1/_history/4"));

        ResourceIndex ix = index(o);

        assertThat(refs(ix, "subject")).containsExactly(new ReferenceEntry("subject", "Patient", "p1", null));
        assertThat(ix.patientCompartments()).containsExactly("p1");
    }

    @Test
    void containedIdentifierOnlyAndUrnReferences() {
        Observation o = weight();
        o.setSubject(new Reference("#contained-patient"));
        o.addPerformer(new Reference().setIdentifier(new Identifier().setSystem("urn:npi").setValue("123")));
        o.addBasedOn(new Reference("urn:uuid:1c2a7a3e-3f3b-4a8e-9a57-0d5e3c1b2a99"));

        ResourceIndex ix = index(o);

        assertThat(refs(ix, "subject")).isEmpty();
        assertThat(refs(ix, "performer")).isEmpty();
        assertThat(refs(ix, "based-on")).containsExactly(new ReferenceEntry("based-on", null, null,
                "urn:uuid:1c2a7a3e-3f3b-4a8e-9a57-0d5e3c1b2a99"));
        assertThat(ix.patientCompartments()).isEmpty();
    }

    @Test
    void identicalEntriesAreStoredOnce() {
        Observation o = weight();
        o.addCategory(o.getCategoryFirstRep().copy());
        o.addPerformer(new Reference("Practitioner/dr1"));
        o.addPerformer(new Reference("Practitioner/dr1"));

        ResourceIndex ix = index(o);

        assertThat(tokens(ix, "category")).hasSize(1);
        assertThat(refs(ix, "performer")).hasSize(1);
    }

    // ------------------------------------------------------------ engine

    @Test
    void fhirPathEngineHandlesTypesExtensionsAndUnions() {
        Observation o = weight();
        o.addExtension("http://example.org/fhir/StructureDefinition/note", new StringType("hello"));
        Condition c = new Condition();
        c.setOnset(new Age().setValue(3));

        assertThat(values(o, "Resource.id")).containsExactly("obs1");
        assertThat(values(o, "DomainResource.extension('http://example.org/fhir/StructureDefinition/note').value"))
                .containsExactly("hello");
        assertThat(extractor.evaluate(o, "Observation.value.ofType(Quantity)")).hasSize(1);
        assertThat(extractor.evaluate(o, "Observation.value.ofType(SampledData)")).isEmpty();
        assertThat(extractor.evaluate(o, "(Observation.value as Quantity) | (Observation.value as SampledData)"))
                .hasSize(1);
        assertThat(extractor.evaluate(c, "Condition.onset.ofType(Age) | Condition.onset.as(Range)")).hasSize(1);
        assertThat(values(o, "Observation.subject.where(resolve() is Patient).reference")).containsExactly("Patient/p1");
        assertThat(values(o, "Observation.subject.where(resolve() is Group).reference")).isEmpty();
    }

    @Test
    void everyR4ResourceTypeCanBeIndexedEmpty() {
        for (String type : Fhir.r4().getResourceTypes()) {
            Resource r = org.hl7.fhir.r4.model.ResourceFactory.createResource(type);
            r.setId("x1");
            ResourceIndex ix = index(r);
            assertThat(tokens(ix, "_id")).as(type).isEmpty();
        }
    }

    @Test
    void concurrentCallersGetTheSameAnswerAsOne() throws Exception {
        List<Resource> resources = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Observation o = weight();
            o.setId("o" + i);
            o.setSubject(new Reference("Patient/p" + (i % 17)));
            resources.add(o);
            Patient p = zoe();
            p.setId("p" + i);
            resources.add(p);
        }
        List<ResourceIndex> expected = resources.stream().map(extractor::extract).toList();
        // A fresh extractor so that the per-type plans are built concurrently as well.
        SearchParamExtractor shared = new SearchParamExtractor();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<ResourceIndex>>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> resources.stream().map(shared::extract).toList()));
            }
            for (Future<List<ResourceIndex>> f : futures) {
                assertThat(f.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Real Synthea Bundles with their {@code urn:uuid:} references rewritten to {@code Type/id},
     * as the loader does: everything but Practitioners and Organizations lands in its patient's
     * compartment (S-33).
     */
    @Test
    void syntheaResourcesLandInTheirPatientsCompartment_S33() throws IOException {
        Path dir = syntheaSample();
        Assumptions.assumeTrue(dir != null, "shared/data/synthea-sample not found beside the project");
        Path file;
        try (Stream<Path> files = Files.list(dir)) {
            file = files.filter(f -> f.getFileName().toString().startsWith("Myles_Hoppe")).findFirst().orElseThrow();
        }
        Bundle bundle = localBundle(file);

        String patientId = null;
        int indexed = 0;
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            Resource r = e.getResource();
            r.setId(e.getFullUrl()); // rewritten above to Type/uuid
            if (r instanceof Patient) {
                patientId = r.getIdElement().getIdPart();
            }
        }
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            Resource r = e.getResource();
            ResourceIndex ix = index(r);
            indexed++;
            if (!(r.fhirType().equals("Practitioner") || r.fhirType().equals("Organization"))) {
                assertThat(ix.patientCompartments()).as(r.fhirType() + "/" + r.getIdPart()).containsExactly(patientId);
            }
        }
        assertThat(indexed).isGreaterThan(100);
    }

    /**
     * Alias parameters (Observation {@code patient} = {@code subject} of type Patient) are derived
     * from their base parameter's values, not evaluated: on every resource of the Synthea sample
     * and on references of every shape, the index must be what evaluating each path gives.
     */
    @Test
    void derivedAliasValuesEqualEvaluatedOnes() throws IOException {
        SearchParamExtractor evaluating = new SearchParamExtractor(false);
        List<Resource> resources = new ArrayList<>();
        Path dir = syntheaSample();
        if (dir != null) {
            try (Stream<Path> files = Files.list(dir)) {
                // Five patients' Bundles (the folder also holds a Group and the shared resources).
                for (Path f : files.filter(f -> f.toString().endsWith(".json") && f.getFileName().toString()
                        .matches("[A-Z][a-z]+_[A-Z].*")).sorted().limit(5).toList()) {
                    for (Bundle.BundleEntryComponent e : localBundle(f).getEntry()) {
                        e.getResource().setId(e.getFullUrl());
                        resources.add(e.getResource());
                    }
                }
            }
        }
        for (String subject : List.of("Patient/p1", "Group/g1", "http://other.example/fhir/Patient/p2",
                "Patient/p3/_history/2", "#contained", "urn:uuid:4f1c", "Patient?identifier=x|1")) {
            Observation o = new Observation();
            o.setId("Observation/o-" + resources.size());
            o.setSubject(new Reference(subject));
            o.addPerformer(new Reference(subject));
            resources.add(o);
        }
        int aliased = 0;
        for (Resource r : resources) {
            ResourceIndex derived = index(r);
            ResourceIndex evaluated = evaluating.extract(r);
            String what = r.fhirType() + "/" + r.getIdPart();
            assertThat(Set.copyOf(derived.references())).as(what).isEqualTo(Set.copyOf(evaluated.references()));
            assertThat(derived.patientCompartments()).as(what).isEqualTo(evaluated.patientCompartments());
            assertThat(derived.tokens()).as(what).isEqualTo(evaluated.tokens());
            if (derived.references().stream().anyMatch(e -> ParamAliases.of(r.fhirType(), e.param()) != null)) {
                aliased++;
            }
        }
        assertThat(aliased).as("resources with alias values").isGreaterThan(dir == null ? 1 : 100);
    }

    // ------------------------------------------------------------ helpers

    /** A Synthea Bundle with its {@code urn:uuid:} references rewritten to {@code Type/id}, as the loader does. */
    public static Bundle localBundle(Path file) throws IOException {
        IParser parser = Fhir.r4().newJsonParser();
        String json = Files.readString(file);
        Bundle bundle = parser.parseResource(Bundle.class, json);
        Map<String, String> local = new HashMap<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            String uuid = e.getFullUrl().substring("urn:uuid:".length());
            local.put(e.getFullUrl(), e.getResource().fhirType() + "/" + uuid);
        }
        for (Map.Entry<String, String> m : local.entrySet()) {
            json = json.replace("\"" + m.getKey() + "\"", "\"" + m.getValue() + "\"");
        }
        return parser.parseResource(Bundle.class, json);
    }

    private List<String> values(Resource r, String path) {
        return extractor.evaluate(r, path).stream().map(Base::primitiveValue).toList();
    }

    public static Path syntheaSample() {
        String configured = System.getProperty("bulkfhir.shared.dir");
        if (configured != null) {
            Path p = Path.of(configured, "data", "synthea-sample");
            return Files.isDirectory(p) ? p : null;
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("shared").resolve("data").resolve("synthea-sample");
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    private static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static List<TokenEntry> tokens(ResourceIndex ix, String param) {
        return ix.tokens().stream().filter(e -> e.param().equals(param)).toList();
    }

    private static List<StringEntry> strings(ResourceIndex ix, String param) {
        return ix.strings().stream().filter(e -> e.param().equals(param)).toList();
    }

    private static List<DateEntry> dates(ResourceIndex ix, String param) {
        return ix.dates().stream().filter(e -> e.param().equals(param)).toList();
    }

    private static List<ReferenceEntry> refs(ResourceIndex ix, String param) {
        return ix.references().stream().filter(e -> e.param().equals(param)).toList();
    }

    private static List<QuantityEntry> quantities(ResourceIndex ix, String param) {
        return ix.quantities().stream().filter(e -> e.param().equals(param)).toList();
    }
}
