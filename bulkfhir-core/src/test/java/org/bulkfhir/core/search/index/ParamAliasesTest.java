package org.bulkfhir.core.search.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.search.SearchParamKind;
import org.bulkfhir.core.search.SearchParameters;
import org.junit.jupiter.api.Test;

class ParamAliasesTest {

    @Test
    void patientIsSubjectOfTypePatientWhereTheDefinitionsSaySo() {
        for (String type : List.of("Observation", "Encounter", "DocumentReference", "Condition", "Procedure")) {
            assertThat(ParamAliases.of(type, "patient")).as(type)
                    .isEqualTo(new ParamAliases.Alias(List.of("subject"), "Patient"));
        }
    }

    @Test
    void comboParametersAreTheUnionOfTheirParts() {
        assertThat(ParamAliases.of("Observation", "combo-code"))
                .isEqualTo(new ParamAliases.Alias(List.of("code", "component-code"), null));
        assertThat(ParamAliases.of("Observation", "combo-value-quantity"))
                .isEqualTo(new ParamAliases.Alias(List.of("component-value-quantity", "value-quantity"), null));
    }

    @Test
    void parametersWithTheirOwnPathAreNotAliases() {
        // Claim.patient and AllergyIntolerance.patient are elements of their own.
        assertThat(ParamAliases.of("Claim", "patient")).isNull();
        assertThat(ParamAliases.of("AllergyIntolerance", "patient")).isNull();
        assertThat(ParamAliases.of("Observation", "subject")).isNull();
        assertThat(ParamAliases.of("Observation", "code")).isNull();
        assertThat(ParamAliases.forType("NoSuchType")).isEmpty();
    }

    @Test
    void everyAliasRestsOnParametersOfItsKindThatKeepTheirRows() {
        int aliases = 0;
        for (String type : Fhir.r4().getResourceTypes()) {
            for (Map.Entry<String, ParamAliases.Alias> a : ParamAliases.forType(type).entrySet()) {
                aliases++;
                SearchParamKind kind = SearchParameters.kind(type, a.getKey());
                assertThat(kind).as(type + "." + a.getKey()).isNotNull();
                for (String base : a.getValue().bases()) {
                    assertThat(SearchParameters.kind(type, base)).as(type + "." + a.getKey() + " on " + base).isEqualTo(kind);
                    assertThat(ParamAliases.of(type, base)).isNull();
                }
            }
        }
        assertThat(aliases).isGreaterThan(10);
    }
}
