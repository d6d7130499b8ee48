package org.bulkfhir.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** S-43: task sizes start at a sixteenth and double up to the configured size. */
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
    void startsAtASixteenthAndDoublesToTheFullSize() {
        assertThat(sizes(new TaskRamp(500), 8)).containsExactly(31, 62, 124, 248, 496, 500, 500, 500);
        assertThat(sizes(new TaskRamp(50_000), 6)).containsExactly(3125, 6250, 12_500, 25_000, 50_000, 50_000);
    }

    @Test
    void smallSizesStartAtOne() {
        assertThat(sizes(new TaskRamp(2), 3)).containsExactly(1, 2, 2);
        assertThat(sizes(new TaskRamp(1), 2)).containsExactly(1, 1);
        assertThat(sizes(new TaskRamp(0), 2)).containsExactly(1, 1);
    }
}
