package org.bulkfhir.core.search.index;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bulkfhir.core.search.SearchParamKind;

/**
 * What to evaluate to index one resource type: each distinct top-level union branch of its
 * parameters' FHIRPath, with the parameters whose values it gives. A branch shared by several
 * parameters (Coverage {@code patient} and {@code beneficiary}, Observation {@code code} and
 * {@code combo-code}) is evaluated once; restricted-reference {@link ParamAliases aliases} are
 * not evaluated at all but derived from their base parameter's values.
 *
 * <p>Both extractors, the HAPI-model one and the JSON one, index from the same plan, so they
 * can only differ in how they evaluate a branch and convert its values.
 */
final class IndexPlan {
    private static final String PATIENT = "Patient";

    /** @param derived alias parameters whose values are this one's of their target type */
    record Param(String name, SearchParamKind kind, boolean patientCompartment, Derived[] derived) {
    }

    record Derived(String name, String targetType, boolean patientCompartment) {
    }

    record Branch(String path, Param[] params) {
    }

    private IndexPlan() {
    }

    /**
     * The branches of {@code type}'s parameters: all indexed ones when {@code only} is null, else
     * the named ones.
     */
    static List<Branch> of(FhirContext ctx, Set<String> resourceTypes, String type, Set<String> only,
            boolean deriveAliases) {
        List<RuntimeSearchParam> params = ParamPaths.searchParams(ctx.getResourceDefinition(type));
        Map<String, ParamAliases.Alias> aliases = deriveAliases ? ParamAliases.forType(type) : Map.of();
        Set<String> wanted = new LinkedHashSet<>();
        for (RuntimeSearchParam sp : params) {
            if (SearchParamKind.of(sp.getParamType()) != null
                    && (only == null ? !ParamPaths.ROW_COLUMNS.contains(sp.getName()) : only.contains(sp.getName()))) {
                wanted.add(sp.getName());
            }
        }
        Map<String, List<Derived>> derivedByBase = new LinkedHashMap<>();
        for (RuntimeSearchParam sp : params) {
            ParamAliases.Alias alias = aliases.get(sp.getName());
            // Unions need no derivation: their branches are shared with their parts' and evaluated once.
            if (alias != null && alias.targetType() != null && wanted.contains(sp.getName())
                    && wanted.contains(alias.bases().get(0))) {
                derivedByBase.computeIfAbsent(alias.bases().get(0), k -> new ArrayList<>())
                        .add(new Derived(sp.getName(), alias.targetType(), inPatientCompartment(sp)));
                wanted.remove(sp.getName());
            }
        }
        Map<String, List<Param>> byPath = new LinkedHashMap<>();
        for (RuntimeSearchParam sp : params) {
            if (!wanted.contains(sp.getName())) {
                continue;
            }
            SearchParamKind kind = SearchParamKind.of(sp.getParamType());
            Param param = new Param(sp.getName(), kind, kind == SearchParamKind.REFERENCE && inPatientCompartment(sp),
                    derivedByBase.getOrDefault(sp.getName(), List.of()).toArray(Derived[]::new));
            for (String branch : ParamPaths.branches(type, sp, resourceTypes)) {
                byPath.computeIfAbsent(branch, k -> new ArrayList<>()).add(param);
            }
        }
        List<Branch> branches = new ArrayList<>(byPath.size());
        byPath.forEach((path, ps) -> branches.add(new Branch(path, ps.toArray(Param[]::new))));
        return branches;
    }

    private static boolean inPatientCompartment(RuntimeSearchParam sp) {
        Set<String> compartments = sp.getProvidesMembershipInCompartments();
        return compartments != null && compartments.contains(PATIENT);
    }
}
