package org.bulkfhir.server.rest;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.search.SearchParamKind;
import org.bulkfhir.core.search.SearchParameters;
import org.bulkfhir.server.http.BaseUrls;
import org.bulkfhir.server.http.Exchange;
import org.bulkfhir.server.http.Router;
import org.bulkfhir.store.ResourceStore;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations;

/**
 * {@code GET [base]/metadata}: a CapabilityStatement that instantiates the Bulk Data IG's, puts
 * system export in {@code rest.operation} and Patient/Group export under their resources with
 * the operation name {@code export} (S-1, S-2, errata FHIR-34235), and lists every resource type
 * with the search parameters usable in {@code _typeFilter} (S-3), from the same table the
 * {@code _typeFilter} parser checks against. Built once per base URL.
 */
public final class CapabilityEndpoint {
    public static final String BULK_DATA_CAPABILITY = "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data";
    public static final String EXPORT_OP = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export";
    public static final String PATIENT_EXPORT_OP = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export";
    public static final String GROUP_EXPORT_OP = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export";

    private final Map<String, byte[]> byBase = new ConcurrentHashMap<>();
    private final BaseUrls urls;

    public CapabilityEndpoint(ResourceStore store, BaseUrls urls) {
        this.urls = urls;
    }

    public void register(Router router) {
        router.add("GET", "/metadata/?", this::metadata);
    }

    private void metadata(Exchange ex, Matcher m) {
        String base = urls.fhirBase(ex);
        ex.respond(200, Exchange.FHIR_JSON, byBase.computeIfAbsent(base, CapabilityEndpoint::build));
    }

    private static byte[] build(String base) {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE);
        cs.setDate(new Date());
        cs.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
        cs.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        cs.addFormat("application/fhir+json");
        cs.addFormat("json");
        cs.addInstantiates(BULK_DATA_CAPABILITY);
        cs.getSoftware().setName("bulkfhir");
        cs.getImplementation().setDescription("bulkfhir Bulk Data server").setUrl(base);
        CapabilityStatementRestComponent rest = cs.addRest();
        rest.setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.BATCH);
        rest.addOperation().setName("export").setDefinition(EXPORT_OP);
        for (String type : new TreeSet<>(Fhir.r4().getResourceTypes())) {
            CapabilityStatementRestResourceComponent resource = rest.addResource();
            resource.setType(type);
            for (TypeRestfulInteraction i : new TypeRestfulInteraction[] {TypeRestfulInteraction.READ,
                    TypeRestfulInteraction.VREAD, TypeRestfulInteraction.CREATE, TypeRestfulInteraction.UPDATE,
                    TypeRestfulInteraction.DELETE}) {
                resource.addInteraction().setCode(i);
            }
            resource.setVersioning(CapabilityStatement.ResourceVersionPolicy.VERSIONED);
            resource.setUpdateCreate(true);
            if (type.equals("Group")) {
                resource.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
                resource.addOperation().setName("export").setDefinition(GROUP_EXPORT_OP);
            }
            if (type.equals("Patient")) {
                resource.addOperation().setName("export").setDefinition(PATIENT_EXPORT_OP);
            }
            // Exactly the parameters the _typeFilter parser accepts for this type.
            for (Map.Entry<String, SearchParamKind> sp : SearchParameters.forType(type).entrySet()) {
                resource.addSearchParam().setName(sp.getKey())
                        .setType(Enumerations.SearchParamType.fromCode(sp.getValue().code()))
                        .setDocumentation(type.equals("Group") && Set.of("identifier", "name", "_id").contains(sp.getKey())
                                ? "Usable in Group search and in _typeFilter" : "Usable in _typeFilter");
            }
        }
        return Fhir.r4().newJsonParser().encodeResourceToString(cs).getBytes(StandardCharsets.UTF_8);
    }
}
