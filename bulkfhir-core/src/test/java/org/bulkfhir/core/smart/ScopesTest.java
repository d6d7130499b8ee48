package org.bulkfhir.core.smart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bulkfhir.core.smart.Scope.Permission;
import org.junit.jupiter.api.Test;

/** SMART v1 and v2 system scopes in one model (S-96, S-97). */
class ScopesTest {

    @Test
    void v1ScopesMapToV2Permissions() {
        Scopes s = Scopes.parse("system/*.read system/Observation.write");
        assertThat(s.canRead("Patient")).isTrue();
        assertThat(s.canSearch("Patient")).isTrue();
        assertThat(s.canCreate("Patient")).isFalse();
        assertThat(s.canCreate("Observation")).isTrue();
        assertThat(s.canUpdate("Observation")).isTrue();
        assertThat(s.canDelete("Observation")).isTrue();
        assertThat(s.canReadAllTypes()).isTrue();
        assertThat(Scopes.parse("system/Patient.*").asList().get(0).permissions()).containsExactlyInAnyOrder(Permission.values());
    }

    @Test
    void v2LettersMustBeInCrudsOrder() {
        assertThat(Scope.parse("system/Observation.rs")).isPresent();
        assertThat(Scope.parse("system/Observation.cruds")).isPresent();
        assertThat(Scope.parse("system/Observation.cd")).isPresent();
        assertThat(Scope.parse("system/Observation.sr")).isEmpty();
        assertThat(Scope.parse("system/Observation.dus")).isEmpty();
        assertThat(Scope.parse("system/Observation.rr")).isEmpty();
        assertThat(Scope.parse("system/Observation.x")).isEmpty();
        assertThat(Scope.parse("system/observation.rs")).isEmpty();
    }

    @Test
    void patientAndUserScopesAreNotForBackendServices() {
        Scopes s = Scopes.parse("patient/*.read user/Observation.rs launch openid system/Patient.rs");
        assertThat(s.toString()).isEqualTo("system/Patient.rs");
        assertThat(Scopes.unsupported("patient/*.read system/Patient.rs launch"))
                .containsExactly("patient/*.read", "launch");
    }

    @Test
    void readableTypesAreTheIntersection() {
        Scopes s = Scopes.parse("system/Patient.rs system/Observation.read system/Condition.s system/Encounter.cud");
        assertThat(s.readableTypes(List.of("Patient", "Observation", "Condition", "Encounter", "Group")))
                .containsExactly("Patient", "Observation");
        assertThat(s.canReadAllTypes()).isFalse();
        assertThat(s.namedReadableTypes()).containsExactly("Observation", "Patient");
    }

    @Test
    void constraintsAreKeptButDoNotGrantPlainReads() {
        Scopes s = Scopes.parse("system/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory&status=final");
        Scope scope = s.asList().get(0);
        assertThat(scope.constrained()).isTrue();
        assertThat(scope.constraintParameters()).containsOnlyKeys("category", "status");
        assertThat(scope.constraintParameters().get("category"))
                .containsExactly("http://terminology.hl7.org/CodeSystem/observation-category|laboratory");
        assertThat(s.canRead("Observation")).isFalse();
        assertThat(s.constrainedFor("Observation", Permission.READ)).containsExactly(scope);
        assertThat(s.grantsAnyRead()).isTrue();
        assertThat(scope.toString()).startsWith("system/Observation.rs?category=");
    }

    @Test
    void narrowingKeepsWhatBothSidesShare() {
        Scopes allowed = Scopes.parse("system/Patient.rs system/Observation.rs");
        assertThat(Scopes.parse("system/*.read").narrowTo(allowed).toString())
                .isEqualTo("system/Patient.read system/Observation.read");
        assertThat(Scopes.parse("system/Patient.cruds").narrowTo(allowed).toString()).isEqualTo("system/Patient.rs");
        assertThat(Scopes.parse("system/Patient.*").narrowTo(allowed).toString()).isEqualTo("system/Patient.read");
        assertThat(Scopes.parse("system/Condition.rs").narrowTo(allowed).isEmpty()).isTrue();
        assertThat(Scopes.parse("system/Patient.r").narrowTo(Scopes.parse("system/*.read")).toString())
                .isEqualTo("system/Patient.r");
        // v1 read narrowed to only "r" cannot be said in v1
        assertThat(Scopes.parse("system/*.read").narrowTo(Scopes.parse("system/*.r")).toString()).isEqualTo("system/*.r");
        assertThat(Scopes.parse("system/*.read system/Patient.read").narrowTo(Scopes.parse("system/*.rs")).toString())
                .isEqualTo("system/*.read");
        assertThat(Scopes.parse("system/*.rs").narrowTo(Scopes.parse("system/*.rs")).toString()).isEqualTo("system/*.rs");
    }

    @Test
    void writeOnlyScopesGrantNoRead() {
        assertThat(Scopes.parse("system/*.write").grantsAnyRead()).isFalse();
        assertThat(Scopes.parse("system/*.cud").grantsAnyRead()).isFalse();
        assertThat(Scopes.parse("").isEmpty()).isTrue();
    }
}
