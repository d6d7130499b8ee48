package org.bulkfhir.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Client ids are unguessable and safe on a command line: one base64url id in 64 starts with '-',
 * which `bulkfhir clients show ID` then read as an option (seen in CI).
 */
class ClientIdTest {
    @Test
    void idsAreRandomBase64UrlThatNeverStartWithADashOrUnderscore() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            String id = ClientRegistry.newClientId();
            assertThat(id).matches("[A-Za-z0-9][A-Za-z0-9_-]{21}");
            seen.add(id);
        }
        assertThat(seen).hasSize(5_000);
    }
}
