package org.bulkfhir.server.export;


import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bulkfhir.core.export.ExportOptions;
import org.bulkfhir.core.export.ExportRequest;
import org.bulkfhir.core.export.InvalidExportRequestException;
import org.bulkfhir.core.export.PatientCompartment;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.server.export.output.LocalOutputStore;
import org.bulkfhir.server.export.output.OutputStore;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.export.ExportJobRepository;
import org.bulkfhir.store.export.FileRow;
import org.bulkfhir.store.export.JobRow;
import org.bulkfhir.store.export.JobStatus;
import org.bulkfhir.store.export.SnapshotReader;
import org.bulkfhir.store.export.TaskRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export engine of one node: accepts jobs, runs {@code workers} threads that claim tasks
 * from the database, keeps their leases alive and sweeps expired jobs. All job state is in the
 * database, so any node can answer for any job and a restarted node picks up where the
 * previous one stopped.
 */
public final class ExportEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExportEngine.class);

    private final ResourceStore store;
    private final ExportConfig config;
    private final ExportJobRepository jobs;
    private final OutputStore output;
    private final TaskRunner runner;
    private final SnapshotReader reader;
    private final DownloadTracker downloads;
    private final PollThrottle pollThrottle;
    private final Janitor janitor;
    private final String nodeId = UUID.randomUUID().toString().substring(0, 8);
    private final Object wakeUp = new Object();
    private final Set<Claim> claims = ConcurrentHashMap.newKeySet();
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledExecutorService scheduler;
    private volatile boolean stopping;

    /** An engine writing to the local directory {@code config.filesDir()}. */
    public ExportEngine(ResourceStore store, ExportConfig config) {
        this(store, config, new LocalOutputStore(config.filesDir()));
    }

    /** An engine writing to {@code output}, which it closes when it is closed. */
    public ExportEngine(ResourceStore store, ExportConfig config, OutputStore output) {
        this.store = store;
        this.config = config;
        this.jobs = new ExportJobRepository(store.database());
        this.output = output;
        this.reader = new SnapshotReader(store.database());
        this.runner = new TaskRunner(reader, new ExportPlanner(reader, config));
        this.downloads = new DownloadTracker(jobs, config.lease().toMillis());
        this.pollThrottle = new PollThrottle(jobs, config.minPollInterval().toMillis());
        this.janitor = new Janitor(jobs, output, downloads);
        this.scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "bulkfhir-export-keeper");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the workers, the lease keeper and the janitor. */
    public void start() throws IOException {
        output.open();
        long beat = Math.max(100, config.lease().toMillis() / 3);
        scheduler.scheduleWithFixedDelay(this::extendLeases, beat, beat, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(() -> downloads.renew(System.currentTimeMillis()), beat, beat,
                TimeUnit.MILLISECONDS);
        long sweep = config.janitorInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, sweep, sweep, TimeUnit.MILLISECONDS);
        // What the first kick-off and the first plan would otherwise set up while their client
        // waits (S-43): the Patient-compartment types are read from HAPI's definitions of every
        // R4 type, a scan of one to two seconds, and the shared JSON mapper takes a few tenths.
        Thread warmUp = new Thread(() -> {
            PatientCompartment.TYPES.size();
            ExportOptions.fromJson(ExportOptions.NONE.withPatients(List.of("warm-up")).toJson());
        }, "bulkfhir-export-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        for (int i = 0; i < config.workers(); i++) {
            Thread t = new Thread(this::workLoop, "bulkfhir-export-worker-" + i);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
    }

    public ExportConfig config() {
        return config;
    }

    /** This node's name in task leases ({@code lease_owner} starts with it). */
    public String nodeId() {
        return nodeId;
    }

    public ExportJobRepository jobs() {
        return jobs;
    }

    /** Where files go. */
    public OutputStore output() {
        return output;
    }

    /** The files directory, when files are kept in one. */
    public ExportFiles files() {
        if (output instanceof LocalOutputStore local) {
            return local.files();
        }
        throw new IllegalStateException("export files are not in a directory but in " + output.describe());
    }

    public DownloadTracker downloads() {
        return downloads;
    }

    public PollThrottle pollThrottle() {
        return pollThrottle;
    }

    public Janitor janitor() {
        return janitor;
    }

    /** Thrown when a client already has the maximum of running jobs. */
    public static final class TooManyJobs extends RuntimeException {
        public TooManyJobs(String message) {
            super(message);
        }
    }

    /**
     * Accepts a validated request: fixes its transactionTime at the store's snapshot fence and
     * stores the job. The export itself runs on the workers.
     */
    public JobRow kickoff(ExportRequest request, String clientId, String requestUrl, boolean lenient) {
        if (jobs.activeJobs(clientId) >= config.maxActiveJobsPerClient()) {
            throw tooMany();
        }
        long t = store.snapshotTime();
        request = checkPatients(request, t, lenient);
        String ignored = null;
        if (!request.ignored().isEmpty()) {
            try {
                ignored = Json.MAPPER.writeValueAsString(request.ignored().stream()
                        .map(i -> Map.of("parameter", i.parameter(), "reason", i.reason())).toList());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        JobRow job = new JobRow(UUID.randomUUID().toString(), clientId, request.level().code(), request.groupId(),
                requestUrl, request.outputFormat(), request.since(),
                request.hasTypes() ? String.join(",", request.types()) : null, ignored, t, JobStatus.ACCEPTED,
                System.currentTimeMillis(), null, null, null, null, 1, 0, 0, 0, 0,
                request.options().isEmpty() ? null : request.options().toJson());
        // Checked again where it counts: atomically with the insert, whichever node the other kick-offs hit.
        if (!jobs.createWithin(job, config.maxActiveJobsPerClient())) {
            throw tooMany();
        }
        wake();
        return job;
    }

    /**
     * The {@code patient} parameter names patients that exist at T and, at Group level, are
     * members at T (S-39). Under lenient handling the others are dropped and reported; if none
     * is left the request is refused all the same, since dropping them all would export everyone.
     */
    private ExportRequest checkPatients(ExportRequest request, long t, boolean lenient) {
        List<String> patients = request.options().patients();
        if (patients.isEmpty()) {
            return request;
        }
        List<String> bad;
        String why;
        try {
            bad = reader.unknownPatients(patients, t);
            why = "unknown";
            if (bad.isEmpty() && request.groupId() != null) {
                bad = reader.nonMembers(request.groupId(), patients, t);
                why = "not members of Group/" + request.groupId();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (bad.isEmpty()) {
            return request;
        }
        String names = bad.stream().map(id -> "Patient/" + id).collect(java.util.stream.Collectors.joining(", "));
        if (!lenient || bad.size() == patients.size()) {
            throw new InvalidExportRequestException("patient", "patient: " + names + (bad.size() == 1 ? " is " : " are ")
                    + why);
        }
        List<ExportRequest.Ignored> ignored = new ArrayList<>(request.ignored());
        for (String id : bad) {
            ignored.add(new ExportRequest.Ignored("patient", "patient: Patient/" + id + " is " + why.replace("not members",
                    "not a member") + "; skipped"));
        }
        List<String> dropped = bad;
        List<String> kept = patients.stream().filter(id -> !dropped.contains(id)).toList();
        return request.withOptions(request.options().withPatients(kept), ignored);
    }

    private TooManyJobs tooMany() {
        return new TooManyJobs("This client already has " + config.maxActiveJobsPerClient()
                + " exports running; wait for one to finish or cancel one");
    }

    public Optional<JobRow> job(String id) {
        return jobs.job(id);
    }

    public List<FileRow> files(String jobId) {
        return jobs.files(jobId);
    }

    /**
     * Cancels a running job or, once complete, releases its files (S-79, S-81). Returns false
     * when there is no such job (or it already ended).
     */
    public boolean delete(String jobId) {
        if (!jobs.end(jobId, JobStatus.CANCELLED)) {
            return false;
        }
        try {
            output.deleteJob(jobId);
        } catch (IOException e) {
            LOG.warn("could not remove the files of export {}: {}", jobId, e.getMessage());
        }
        return true;
    }

    private void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    // -------------------------------------------------------------- workers

    private void workLoop() {
        while (!stopping) {
            try {
                long now = System.currentTimeMillis();
                String token = nodeId + "-" + UUID.randomUUID().toString().substring(0, 12);
                Optional<TaskRow> task = jobs.claim(token, now, now + config.lease().toMillis());
                if (task.isEmpty()) {
                    synchronized (wakeUp) {
                        if (!stopping) {
                            wakeUp.wait(500);
                        }
                    }
                    continue;
                }
                run(task.get());
                wake();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | LinkageError e) {
                if (!stopping) {
                    LOG.error("export worker loop failed; continuing", e);
                    pause();
                }
            }
        }
    }

    private void pause() {
        synchronized (wakeUp) {
            try {
                wakeUp.wait(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run(TaskRow task) {
        Claim claim = new Claim(task, () -> stopping, config.resourcesPerSecondPerWorker());
        claims.add(claim);
        try {
            JobRow job = jobs.job(task.jobId()).orElse(null);
            if (job == null || !job.status().active()) {
                return;
            }
            String attempt = task.leaseOwner().substring(task.leaseOwner().lastIndexOf('-') + 1);
            try (NdjsonFileWriter out = new NdjsonFileWriter(output, job.id(), task.seq(), attempt,
                    config.fileSplitBytes(), config.sha256())) {
                long started = System.nanoTime();
                var completion = runner.run(job, claim, out);
                claim.check();
                long ran = System.nanoTime();
                boolean done = jobs.complete(task, completion, out::publish, System.currentTimeMillis(),
                        config.expiry().toMillis());
                if (LOG.isDebugEnabled()) {
                    LOG.debug("export {} task {} ({}): {} resources, ran {} ms, completed {} ms", job.id(), task.seq(),
                            task.kind(), completion.resources(), (ran - started) / 1_000_000,
                            (System.nanoTime() - ran) / 1_000_000);
                }
                if (!done) {
                    LOG.info("export {} task {} was not completed here: its claim was lost or the job ended",
                            job.id(), task.seq());
                }
            }
        } catch (Claim.Abandoned e) {
            if (e.stopping) {
                jobs.release(task.id(), task.leaseOwner());
            }
        } catch (Exception | LinkageError e) {
            // A class that failed to initialize fails its task (and after the attempts, its job)
            // with the reason, instead of ending the worker and leaving the job running for ever.
            if (DatabaseOutages.isOutage(e)) {
                LOG.warn("export {} task {}: database connection lost ({}); handing the task back", task.jobId(),
                        task.seq(), e.getMessage());
                handBack(task);
                return;
            }
            LOG.warn("export {} task {} failed (attempt {})", task.jobId(), task.seq(), task.attempts(), e);
            long now = System.currentTimeMillis();
            jobs.taskFailed(task, "Export task failed: " + e.getMessage(), config.maxAttempts(), now,
                    now + config.expiry().toMillis());
        } finally {
            claims.remove(claim);
        }
    }

    /**
     * Returns a task cut short by a database outage, uncounted. Tried a few times, as the pool may
     * still hand out connections the outage broke; if the database stays away, the lease runs
     * out and the task is claimed again all the same.
     */
    private void handBack(TaskRow task) {
        for (int i = 0; i < 5 && !stopping; i++) {
            try {
                jobs.release(task.id(), task.leaseOwner());
                pause();
                return;
            } catch (RuntimeException e) {
                pause();
            }
        }
    }

    private void extendLeases() {
        long until = System.currentTimeMillis() + config.lease().toMillis();
        for (Claim c : claims) {
            try {
                if (!jobs.extendLease(c.task.id(), c.task.leaseOwner(), until)) {
                    c.markLost();
                }
            } catch (RuntimeException e) {
                LOG.warn("could not extend the lease of export task {}: {}", c.task.id(), e.getMessage());
            }
        }
    }

    private void sweepQuietly() {
        try {
            janitor.sweep(System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.warn("export janitor sweep failed: {}", e.getMessage());
        }
    }

    /** Stops the workers; tasks they were running are handed back for another node or the next start. */
    @Override
    public void close() {
        stopping = true;
        wake();
        for (Thread t : workers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        scheduler.shutdownNow();
        output.close();
    }
}
