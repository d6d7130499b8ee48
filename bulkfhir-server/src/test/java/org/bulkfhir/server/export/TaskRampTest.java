package org.bulkfhir.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** S-43: task sizes start at a thirty-second and double up to the configured size. */
class TaskRampTest {
    static List<Integer> sizes(TaskRamp ramp, int n) {
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sizes.add(ramp.size());
            ramp.advance();
        }
        return sizes;
    }

    @Test
    void startsAtAThirtySecondAndDoublesToTheFullSize() {
        assertThat(sizes(new TaskRamp(500), 8)).containsExactly(15, 30, 60, 120, 240, 480, 500, 500);
        assertThat(sizes(new TaskRamp(50_000), 7)).containsExactly(1562, 3124, 6248, 12_496, 24_992, 49_984, 50_000);
    }

    @Test
    void smallSizesStartAtOne() {
        assertThat(sizes(new TaskRamp(2), 3)).containsExactly(1, 2, 2);
        assertThat(sizes(new TaskRamp(1), 2)).containsExactly(1, 1);
        assertThat(sizes(new TaskRamp(0), 2)).containsExactly(1, 1);
    }

    @Test
    void aJobThatFitsInOneTaskIsSharedBetweenTheWorkers() {
        assertThat(sizes(TaskRamp.forTotal(500, 100, 2), 2)).containsExactly(50, 100);
        assertThat(sizes(TaskRamp.forTotal(500, 500, 4), 1)).containsExactly(125);
        assertThat(sizes(TaskRamp.forTotal(500, 501, 2), 2)).containsExactly(3, 6);
        assertThat(sizes(TaskRamp.forTotal(500, 0, 2), 1)).containsExactly(3);
    }

    /** S-43: a Patient or Group job starts smaller than a system one; its first batch is cold work. */
    @Test
    void patientBatchesStartAtOneHundredTwentyEighth() {
        assertThat(sizes(TaskRamp.forTotal(500, 10_000, 2), 9)).containsExactly(3, 6, 12, 24, 48, 96, 192, 384, 500);
    }
}
