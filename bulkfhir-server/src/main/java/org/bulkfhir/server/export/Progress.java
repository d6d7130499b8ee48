package org.bulkfhir.server.export;

import org.bulkfhir.store.export.JobRow;
import org.bulkfhir.store.export.JobStatus;

/**
 * What the status endpoint says about a running job: a short text for {@code X-Progress} and a
 * {@code Retry-After} from the rate seen so far, so clients poll about when the job is done.
 */
public record Progress(String text, int retryAfterSeconds) {
    private static final int MAX_RETRY_AFTER = 60;
    /**
     * Rows per second an unthrottled export job reads on a small machine (the bench here: 57k/s
     * at Patient and Group level, 168k-214k/s at system level): the prior the hold's estimate
     * falls back on while the job's own progress says little.
     */
    public static final double UNTHROTTLED_ROWS_PER_SECOND = 100_000;

    public static Progress of(JobRow job, long now, long minPollMillis) {
        int min = (int) Math.max(1, (minPollMillis + 999) / 1000);
        if (job.status() == JobStatus.ACCEPTED || job.startedAt() == null) {
            return new Progress("queued", min);
        }
        if (job.tasksDone() == 0) {
            return new Progress("planning", min);
        }
        double fraction = fraction(job);
        long elapsed = Math.max(1, now - job.startedAt());
        int retry = min;
        if (fraction > 0) {
            double remainingMs = elapsed * (1 - fraction) / fraction;
            // An estimate from the first percent is mostly noise (a 0.4 s job once said 25 s).
            // Never ask for a wait longer than the job has run so far: a job that ends sooner than
            // estimated is then seen within twice its running time, and a long job still gets
            // its full estimate once it has run that long.
            double capMs = Math.max(min * 1000.0, elapsed);
            retry = (int) Math.max(min, Math.min(MAX_RETRY_AFTER, Math.ceil(Math.min(remainingMs, capMs) / 1000.0)));
        }
        String text = String.format("%d%% complete (%d of %d tasks, %d resources)", (int) Math.floor(fraction * 100),
                job.tasksDone(), job.tasksTotal(), job.resources());
        return new Progress(text.length() < 100 ? text : text.substring(0, 99), retry);
    }

    private static double fraction(JobRow job) {
        return job.plannedRows() > 0
                ? Math.min(1.0, (double) job.doneRows() / job.plannedRows())
                : (double) job.tasksDone() / Math.max(1, job.tasksTotal());
    }

    /**
     * The smaller of the extrapolation and the planned rows left at {@code rowsPerSecond}. Right
     * after planning the extrapolation is mostly noise: the first task is a small one, and a
     * 35,000-resource job that ended 0.5 s later was estimated at a minute, so its client was
     * answered with a first file and saw the rest a Retry-After later, not in the same poll.
     */
    public static long remainingMillis(JobRow job, long now, double rowsPerSecond) {
        long extrapolated = remainingMillis(job, now);
        if (job.plannedRows() <= 0) {
            // Patient and Group jobs: only task counts tell their progress, and the first tasks are
            // the small ones (TaskRamp). 2 of 27 tasks done after 0.1 s said 1.2 s were left of a
            // 39 s job, so its client's first file waited out the whole hold. Until half the
            // tasks are done, the time left is taken as unknown.
            return 2L * job.tasksDone() < job.tasksTotal() ? Long.MAX_VALUE : extrapolated;
        }
        if (rowsPerSecond <= 0) {
            return extrapolated;
        }
        long byRate = (long) Math.ceil(Math.max(0, job.plannedRows() - job.doneRows()) * 1000.0 / rowsPerSecond);
        return Math.min(extrapolated, byRate);
    }

    /**
     * How long a running job will still take, extrapolated from its progress so far; unknown
     * (Long.MAX_VALUE) until it has been planned and made some progress.
     */
    public static long remainingMillis(JobRow job, long now) {
        if (job.status() != JobStatus.RUNNING || job.startedAt() == null || job.tasksDone() == 0) {
            return Long.MAX_VALUE;
        }
        double fraction = fraction(job);
        if (fraction <= 0) {
            return Long.MAX_VALUE;
        }
        long elapsed = Math.max(1, now - job.startedAt());
        return (long) Math.ceil(elapsed * (1 - fraction) / fraction);
    }
}
