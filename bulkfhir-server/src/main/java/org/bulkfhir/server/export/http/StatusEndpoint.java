package org.bulkfhir.server.export.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.regex.Matcher;
import org.bulkfhir.core.export.ManifestWriter;
import org.bulkfhir.core.fhir.OperationOutcomes;
import org.bulkfhir.server.auth.AuditLog;
import org.bulkfhir.server.auth.Principal;
import org.bulkfhir.server.export.ExportEngine;
import org.bulkfhir.server.export.PollThrottle;
import org.bulkfhir.server.export.Progress;
import org.bulkfhir.server.http.BaseUrls;
import org.bulkfhir.server.http.Exchange;
import org.bulkfhir.server.http.HttpError;
import org.bulkfhir.server.http.Router;
import org.bulkfhir.store.export.JobRow;

/**
 * {@code GET|DELETE [base]/$export-status/[id]}: 202 with progress while running, 200 with the
 * manifest when complete, the job's error when it failed, 404 once cancelled, deleted or
 * expired (S-47…S-53, S-79…S-81).
 */
public final class StatusEndpoint {
    static final String PATH = "/$export-status/";
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final ExportEngine engine;
    private final BaseUrls urls;
    private final PollThrottle throttle;
    private final ExportAccess access;
    private final boolean requiresAccessToken;
    private final boolean presigned;

    /**
     * With {@code requiresAccessToken}, the file endpoint wants the token; the manifest says so
     * unless the files are handed out as pre-signed URLs, which work with no token (S-60, S-72).
     */
    public StatusEndpoint(ExportEngine engine, BaseUrls urls, ExportAccess access, boolean requiresAccessToken) {
        this.engine = engine;
        this.urls = urls;
        this.access = access;
        this.requiresAccessToken = requiresAccessToken;
        this.presigned = engine.output().servesDirectly();
        this.throttle = engine.pollThrottle();
    }

    static String statusUrl(String fhirBase, String jobId) {
        return fhirBase + PATH + jobId;
    }

    public void register(Router fhir) {
        fhir.add("GET,DELETE", "/\\$export-status/([A-Za-z0-9\\-]{1,64})/?", this::handle);
    }

    private JobRow existing(String id) {
        JobRow job = engine.job(id).orElseThrow(() -> HttpError.notFound("No export job " + id));
        switch (job.status()) {
            case CANCELLED -> throw HttpError.notFound("Export job " + id + " was cancelled or deleted");
            case EXPIRED -> throw HttpError.notFound("Export job " + id + " has expired; its files were removed");
            default -> {
                return job;
            }
        }
    }

    private void handle(Exchange ex, Matcher m) {
        String id = m.group(1);
        Principal principal = access.authenticate(ex);
        JobRow job = existing(id);
        access.checkOwner(job, principal);
        if (ex.method().equals("DELETE")) {
            if (!engine.delete(id)) {
                throw HttpError.notFound("No export job " + id);
            }
            AuditLog.exportCancel(principal, ex.remoteAddress(), id, "accepted");
            throttle.forget(id);
            ex.respond(202, Exchange.FHIR_JSON, OperationOutcomes.of(OperationOutcomes.Issue.information(
                    "informational", "Export job " + id + " was cancelled and its files are being removed")));
            return;
        }
        AuditLog.exportStatus(principal, ex.remoteAddress(), id, job.status().code());
        long now = System.currentTimeMillis();
        switch (job.status()) {
            case ACCEPTED, RUNNING -> {
                long wait = throttle.tooEarly(id, now);
                if (wait > 0) {
                    throw new HttpError(429, "throttled", "Polling too often; honour Retry-After",
                            Map.of("Retry-After", Long.toString((wait + 999) / 1000)));
                }
                Progress p = Progress.of(job, now, engine.config().minPollInterval().toMillis());
                throttle.answered(id, now, p.retryAfterSeconds() * 1000L);
                ex.setHeader("X-Progress", p.text());
                ex.setHeader("Retry-After", Integer.toString(p.retryAfterSeconds()));
                ex.respondStatus(202);
            }
            case FAILED -> {
                throttle.forget(id);
                ex.respond(500, Exchange.FHIR_JSON, OperationOutcomes.error("exception",
                        job.error() == null ? "The export failed" : job.error()));
            }
            case COMPLETED -> {
                throttle.forget(id);
                String filesBase = urls.root(ex) + FileEndpoint.CONTEXT + "/" + id + "/";
                // Pre-signed URLs are signed afresh on every fetch, so a client whose links lapsed
                // gets working ones by fetching the manifest again (S-74).
                Instant expires = Instant.ofEpochMilli(job.expiresAt());
                var manifest = ManifestBuilder.build(job, engine.files(id),
                        f -> engine.output().directUrl(id, f.name(), expires).orElse(filesBase + f.name()),
                        requiresAccessToken && !presigned);
                ex.setHeader("Expires", HTTP_DATE.format(Instant.ofEpochMilli(job.expiresAt())));
                ex.respond(200, Exchange.JSON, ManifestWriter.write(manifest, job.since() != null));
            }
            default -> throw HttpError.notFound("No export job " + id);
        }
    }
}
