package org.bulkfhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The load's key filter never forgets a key and rarely claims one it never saw (issue 2 load performance). */
class KeyFilterTest {
    @Test
    void everyAddedKeyIsFoundAndFewOthersAre() {
        KeyFilter filter = new KeyFilter();
        int keys = 300_000; // several filters: it grows past its first capacity twice
        for (int i = 0; i < keys; i++) {
            filter.add(i % 2 == 0 ? "Observation" : "Patient", "id-" + i);
        }
        for (int i = 0; i < keys; i++) {
            assertThat(filter.mightContain(i % 2 == 0 ? "Observation" : "Patient", "id-" + i)).isTrue();
        }
        int falsePositives = 0;
        for (int i = 0; i < 100_000; i++) {
            if (filter.mightContain("Observation", "other-" + i) || filter.mightContain("Observation", "id-" + (2 * i + 1))) {
                falsePositives++;
            }
        }
        assertThat(falsePositives).isLessThan(2_000);
    }
}
