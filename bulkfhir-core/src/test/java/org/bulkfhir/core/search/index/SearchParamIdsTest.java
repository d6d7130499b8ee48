package org.bulkfhir.core.search.index;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.RuntimeSearchParam;
import java.util.HashMap;
import java.util.Map;
import org.bulkfhir.core.fhir.Fhir;
import org.junit.jupiter.api.Test;

class SearchParamIdsTest {

    @Test
    void idIsTheHashOfTypeDotName() {
        assertThat(SearchParamIds.of("Observation", "code")).isEqualTo("Observation.code".hashCode());
        assertThat(SearchParamIds.of("Provenance", "target")).isEqualTo("Provenance.target".hashCode());
        assertThat(SearchParamIds.of("A", "")).isEqualTo("A.".hashCode());
    }

    /** Index rows carry only the id: two parameters sharing one would answer each other's searches. */
    @Test
    void noTwoR4SearchParametersShareAnId() {
        Map<Integer, String> seen = new HashMap<>();
        for (String type : Fhir.r4().getResourceTypes()) {
            for (RuntimeSearchParam sp : ParamPaths.searchParams(Fhir.r4().getResourceDefinition(type))) {
                String name = type + "." + sp.getName();
                String other = seen.putIfAbsent(SearchParamIds.of(type, sp.getName()), name);
                assertThat(other == null || other.equals(name)).as(name + " collides with " + other).isTrue();
            }
        }
        assertThat(seen).hasSizeGreaterThan(1000);
    }
}
