package org.bulkfhir.server.export;

import java.io.IOException;
import java.time.Duration;
import org.bulkfhir.server.export.output.OutputStore;
import org.bulkfhir.store.export.ExportJobRepository;
import org.bulkfhir.store.export.JobRow;
import org.bulkfhir.store.export.JobStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the files of jobs past their expiry, except while a download of them is under way on
 * any node (it is retried on the next sweep), and forgets ended jobs after a day. Several nodes
 * may sweep at once: ending a job is one conditional update, and removing files twice is harmless.
 * Pre-signed downloads bypass the nodes; their URLs never outlive the job's expiry.
 */
public final class Janitor {
    private static final Logger LOG = LoggerFactory.getLogger(Janitor.class);
    private static final Duration KEEP_ENDED = Duration.ofDays(1);

    private final ExportJobRepository jobs;
    private final OutputStore files;
    private final DownloadTracker downloads;

    Janitor(ExportJobRepository jobs, OutputStore files, DownloadTracker downloads) {
        this.jobs = jobs;
        this.files = files;
        this.downloads = downloads;
    }

    /** One sweep; returns the number of jobs whose files were removed. */
    public int sweep(long now) {
        int removed = 0;
        for (JobRow job : jobs.expired(now)) {
            if (downloads.busy(job.id())) {
                LOG.debug("export {} expired but is being downloaded; keeping its files for now", job.id());
                continue;
            }
            if (jobs.end(job.id(), JobStatus.EXPIRED)) {
                removed++;
            }
            try {
                files.deleteJob(job.id());
            } catch (IOException e) {
                LOG.warn("could not remove the files of export {}: {}", job.id(), e.getMessage());
            }
        }
        jobs.purgeEnded(now - KEEP_ENDED.toMillis());
        return removed;
    }
}
