package org.bulkfhir.server.export;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.write.ResourcePreparer;
import org.bulkfhir.store.write.Write;

/**
 * A small population written through the store, with what each resource is declared to be:
 * which patients' compartments hold it and which context resources it references. Tests compute
 * the expected export from these declarations, not from the engine.
 */
final class Fixture {
    record Res(String type, String id, Set<String> patients, Set<String> refs, String json) {
        String ref() {
            return type + "/" + id;
        }
    }

    static final Set<String> CONTEXT = Set.of("Practitioner", "Organization", "Location", "Medication");

    final Map<String, Res> all = new LinkedHashMap<>();
    private final ResourcePreparer preparer = new ResourcePreparer();

    Fixture() {
        add("Organization", "org1", Set.of(), Set.of(), "{\"resourceType\":\"Organization\",\"id\":\"org1\",\"name\":\"Acme\"}");
        add("Practitioner", "dr1", Set.of(), Set.of(), "{\"resourceType\":\"Practitioner\",\"id\":\"dr1\"}");
        add("Practitioner", "dr2", Set.of(), Set.of(), "{\"resourceType\":\"Practitioner\",\"id\":\"dr2\"}");
        add("Medication", "med1", Set.of(), Set.of(), "{\"resourceType\":\"Medication\",\"id\":\"med1\"}");
        for (String p : List.of("p1", "p2", "p3", "p4")) {
            boolean linked = p.equals("p1");
            add("Patient", p, Set.of(p), linked ? Set.of("Practitioner/dr1", "Organization/org1") : Set.of(),
                    "{\"resourceType\":\"Patient\",\"id\":\"" + p + "\",\"gender\":\"female\""
                            + (linked ? ",\"generalPractitioner\":[{\"reference\":\"Practitioner/dr1\"}],"
                            + "\"managingOrganization\":{\"reference\":\"Organization/org1\"}" : "") + "}");
        }
        obs("o1", "p1", null);
        obs("o2", "p1", "dr1");
        obs("o3", "p2", null);
        obs("o4", "p3", "dr1");
        obs("o5", "p4", null);
        add("Encounter", "e1", Set.of("p1"), Set.of(), "{\"resourceType\":\"Encounter\",\"id\":\"e1\",\"status\":\"finished\","
                + "\"class\":{\"code\":\"AMB\"},\"subject\":{\"reference\":\"Patient/p1\"}}");
        add("Encounter", "e2", Set.of("p2"), Set.of(), "{\"resourceType\":\"Encounter\",\"id\":\"e2\",\"status\":\"finished\","
                + "\"class\":{\"code\":\"AMB\"},\"subject\":{\"reference\":\"Patient/p2\"}}");
        add("Condition", "c1", Set.of("p2"), Set.of(), "{\"resourceType\":\"Condition\",\"id\":\"c1\","
                + "\"subject\":{\"reference\":\"Patient/p2\"}}");
        add("MedicationRequest", "mr1", Set.of("p3"), Set.of("Medication/med1"), "{\"resourceType\":\"MedicationRequest\","
                + "\"id\":\"mr1\",\"status\":\"active\",\"intent\":\"order\",\"medicationReference\":{\"reference\":\"Medication/med1\"},"
                + "\"subject\":{\"reference\":\"Patient/p3\"}}");
        // One resource in two patients' compartments: exported once at Patient/Group level.
        add("Account", "acct1", Set.of("p1", "p2"), Set.of(), "{\"resourceType\":\"Account\",\"id\":\"acct1\","
                + "\"status\":\"active\",\"subject\":[{\"reference\":\"Patient/p1\"},{\"reference\":\"Patient/p2\"}]}");
        group("g1", List.of("p1", "p2"));
    }

    private void obs(String id, String patient, String performer) {
        add("Observation", id, Set.of(patient), performer == null ? Set.of() : Set.of("Practitioner/" + performer),
                "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
                        + "\"subject\":{\"reference\":\"Patient/" + patient + "\"}"
                        + (performer == null ? "" : ",\"performer\":[{\"reference\":\"Practitioner/" + performer + "\"}]") + "}");
    }

    void group(String id, List<String> members) {
        StringBuilder json = new StringBuilder("{\"resourceType\":\"Group\",\"id\":\"" + id
                + "\",\"type\":\"person\",\"actual\":true,\"member\":[");
        for (int i = 0; i < members.size(); i++) {
            json.append(i > 0 ? "," : "").append("{\"entity\":{\"reference\":\"Patient/").append(members.get(i)).append("\"}}");
        }
        json.append("]}");
        add("Group", id, Set.of(), Set.of(), json.toString());
    }

    Res add(String type, String id, Set<String> patients, Set<String> refs, String json) {
        Res r = new Res(type, id, patients, refs, json);
        all.put(r.ref(), r);
        return r;
    }

    void writeAll(ResourceStore store) {
        List<Write> writes = new ArrayList<>();
        for (Res r : all.values()) {
            writes.add(preparer.prepareUpsert(r.type(), r.id(), r.json().getBytes(StandardCharsets.UTF_8)));
        }
        store.write(writes);
    }

    void write(ResourceStore store, Res r) {
        all.put(r.ref(), r);
        store.write(List.of(preparer.prepareUpsert(r.type(), r.id(), r.json().getBytes(StandardCharsets.UTF_8))));
    }

    void delete(ResourceStore store, String type, String id) {
        all.remove(type + "/" + id);
        store.write(List.of(Write.delete(type, id)));
    }

    /** Every resource, by reference. */
    Set<String> system() {
        return new TreeSet<>(all.keySet());
    }

    /**
     * A Patient/Group-level export for {@code patients}: their compartment resources (Groups
     * excluded: the stand-in extractor does not index Group membership as compartment), their
     * Patient resources, and the context resources those reference.
     */
    Set<String> compartment(Set<String> patients) {
        Set<String> out = new TreeSet<>();
        Set<String> refs = new TreeSet<>();
        for (Res r : all.values()) {
            if (r.type().equals("Group")) {
                continue;
            }
            if (r.patients().stream().anyMatch(patients::contains)) {
                out.add(r.ref());
                refs.addAll(r.refs());
            }
        }
        for (String ref : refs) {
            if (all.containsKey(ref)) {
                out.add(ref);
            }
        }
        return out;
    }
}
