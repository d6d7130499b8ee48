package org.bulkfhir.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DateRangesTest {

    @Test
    void yearMonthAndDayCoverTheWholePeriod() {
        assertThat(DateRanges.range("2020")).containsExactly(ms("2020-01-01T00:00:00Z"), ms("2020-12-31T23:59:59.999Z"));
        assertThat(DateRanges.range("2020-02")).containsExactly(ms("2020-02-01T00:00:00Z"), ms("2020-02-29T23:59:59.999Z"));
        assertThat(DateRanges.range("2021-12-31")).containsExactly(ms("2021-12-31T00:00:00Z"), ms("2021-12-31T23:59:59.999Z"));
    }

    @Test
    void timesCoverTheirPrecision() {
        assertThat(DateRanges.range("2020-02-03T04:05Z")).containsExactly(ms("2020-02-03T04:05:00Z"), ms("2020-02-03T04:05:59.999Z"));
        assertThat(DateRanges.range("2020-02-03T04:05:06Z")).containsExactly(ms("2020-02-03T04:05:06Z"), ms("2020-02-03T04:05:06.999Z"));
        assertThat(DateRanges.range("2020-02-03T04:05:06.7Z")).containsExactly(ms("2020-02-03T04:05:06.700Z"), ms("2020-02-03T04:05:06.799Z"));
        assertThat(DateRanges.range("2020-02-03T04:05:06.123456Z")).containsExactly(ms("2020-02-03T04:05:06.123Z"), ms("2020-02-03T04:05:06.123Z"));
    }

    @Test
    void offsetsAreConvertedToUtcAndNoOffsetMeansUtc() {
        assertThat(DateRanges.range("2020-02-03T04:05:06-05:00")).containsExactly(ms("2020-02-03T09:05:06Z"), ms("2020-02-03T09:05:06.999Z"));
        assertThat(DateRanges.range("2020-02-03T00:30:00+01:00")).containsExactly(ms("2020-02-02T23:30:00Z"), ms("2020-02-02T23:30:00.999Z"));
        assertThat(DateRanges.range("2020-02-03T04:05:06")).containsExactly(ms("2020-02-03T04:05:06Z"), ms("2020-02-03T04:05:06.999Z"));
    }

    @Test
    void malformedValuesGiveNothingAndOpenEnds() {
        assertThat(DateRanges.range("yesterday")).isNull();
        assertThat(DateRanges.range("2020-13")).isNull();
        assertThat(DateRanges.range("2020-02-30")).isNull();
        assertThat(DateRanges.range("2020-02-03T04:05:06+5")).isNull();
        assertThat(DateRanges.range(null)).isNull();
        assertThat(DateRanges.low("nonsense")).isEqualTo(Long.MIN_VALUE);
        assertThat(DateRanges.high("nonsense")).isEqualTo(Long.MAX_VALUE);
    }

    private static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }
}
