package org.bulkfhir.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import org.bulkfhir.store.export.JobRow;
import org.bulkfhir.store.export.JobStatus;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private static JobRow running(long startedAt, long plannedRows, long doneRows) {
        return new JobRow("j", "c", "system", null, "/$export", "application/fhir+ndjson", null, null, null, 0,
                JobStatus.RUNNING, startedAt, startedAt, null, null, null, 10, 2, plannedRows, doneRows, doneRows, null);
    }

    @Test
    void anEarlyEstimateNeverAsksForMoreThanTheJobHasRun() {
        // 0.4% done after 100 ms extrapolates to 25 s; the job may well end in the next 300 ms.
        Progress p = Progress.of(running(0, 1_000_000, 4_000), 100, 500);
        assertThat(p.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void aLongJobGetsItsEstimateOnceItHasRunThatLong() {
        // 50% after 20 s: 20 s more.
        assertThat(Progress.of(running(0, 100, 50), 20_000, 500).retryAfterSeconds()).isEqualTo(20);
        // 10% after 30 s: the estimate says 270 s; capped by the time run so far.
        assertThat(Progress.of(running(0, 100, 10), 30_000, 500).retryAfterSeconds()).isEqualTo(30);
        // 10% after 10 min: capped by the maximum.
        assertThat(Progress.of(running(0, 100, 10), 600_000, 500).retryAfterSeconds()).isEqualTo(60);
    }

    /** S-47: the status hold's estimate of the time left: unknown before progress, then extrapolated. */
    @Test
    void remainingTimeIsExtrapolatedFromProgress() {
        assertThat(Progress.remainingMillis(running(0, 100, 25), 1_000)).isEqualTo(3_000);
        assertThat(Progress.remainingMillis(running(0, 100, 100), 1_000)).isZero();
        assertThat(Progress.remainingMillis(running(0, 100, 0), 1_000)).isEqualTo(Long.MAX_VALUE);
    }

    /** S-47: early on, the rows left at the expected rate bound the estimate (the first task is a small one). */
    @Test
    void remainingTimeIsBoundedByTheRowsLeftAtTheExpectedRate() {
        // 1% after 1 s extrapolates to 99 s; 99 rows left at 10 rows/s is 9.9 s.
        assertThat(Progress.remainingMillis(running(0, 100, 1), 1_000, 10)).isEqualTo(9_900);
        assertThat(Progress.remainingMillis(running(0, 100, 50), 1_000, 10)).isEqualTo(1_000);
        assertThat(Progress.remainingMillis(running(0, 100, 0), 1_000, 100)).isEqualTo(1_000);
        assertThat(Progress.remainingMillis(running(0, 100, 1), 1_000, 0)).isEqualTo(99_000);
    }

    /**
     * S-43, S-47: a Patient or Group job (no planned rows) counts its progress in tasks, and its
     * first tasks are small: until half are done its time left is unknown, so a held poll answers
     * as soon as it has a file to list.
     */
    @Test
    void aPatientJobsTimeLeftIsUnknownUntilHalfItsTasksAreDone() {
        assertThat(Progress.remainingMillis(patientJob(27, 2), 100, 100_000)).isEqualTo(Long.MAX_VALUE);
        assertThat(Progress.remainingMillis(patientJob(4, 1), 100, 100_000)).isEqualTo(Long.MAX_VALUE);
        assertThat(Progress.remainingMillis(patientJob(4, 2), 100, 100_000)).isEqualTo(100);
        assertThat(Progress.remainingMillis(patientJob(4, 3), 300, 100_000)).isEqualTo(100);
    }

    private static JobRow patientJob(int tasksTotal, int tasksDone) {
        return new JobRow("j", "c", "patient", null, "/Patient/$export", "application/fhir+ndjson", null, null, null, 0,
                JobStatus.RUNNING, 0L, 0L, null, null, null, tasksTotal, tasksDone, 0, 0, 0, null);
    }
}
