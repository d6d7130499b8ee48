package org.bulkfhir.server.export.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.List;
import org.bulkfhir.core.export.ExportOptions;
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
import org.bulkfhir.store.export.ExportJobRepository;
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
    private final StatusHold hold;

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
        this.hold = new StatusHold(engine.config().statusHold());
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
        ExportOptions options = ExportOptions.fromJson(job.options());
        Reply reply = new Reply(ex, options.separateExportStatus());
        Integer page = page(ex, options);
        long now = System.currentTimeMillis();
        if (job.status().active()) {
            if (page == null) {
                long wait = throttle.tooEarly(id, now);
                if (wait > 0) {
                    throw new HttpError(429, "throttled", "Polling too often; honour Retry-After",
                            Map.of("Retry-After", Long.toString((wait + 999) / 1000)));
                }
            }
            // A client that followed `next` polls its last page: held the same way, so it hears of
            // the next page and of the job's end as soon as the status URL's pollers would.
            int asked = page == null ? 1 : page;
            job = hold.await(job, this::existing,
                    options.allowPartialManifests() ? () -> engine.jobs().pageHasNews(id, asked) : null,
                    (j, t) -> Progress.remainingMillis(j, t, engine.config().expectedRowsPerSecond()));
            now = System.currentTimeMillis();
        }
        String filesBase = urls.root(ex) + FileEndpoint.CONTEXT + "/" + id + "/";
        // Pre-signed URLs are signed afresh on every fetch, so a client whose links lapsed gets
        // working ones by fetching the manifest again (S-74).
        Instant notAfter = Instant.ofEpochMilli(job.expiresAt() != null ? job.expiresAt()
                : System.currentTimeMillis() + engine.config().expiry().toMillis());
        Function<String, String> urlOf = name -> engine.output().directUrl(id, name, notAfter).orElse(filesBase + name);
        switch (job.status()) {
            case ACCEPTED, RUNNING -> {
                Progress p = Progress.of(job, now, engine.config().minPollInterval().toMillis());
                if (page == null) {
                    throttle.answered(id, now, p.retryAfterSeconds() * 1000L);
                }
                ex.setHeader("X-Progress", p.text());
                ex.setHeader("Retry-After", Integer.toString(p.retryAfterSeconds()));
                // S-43, S-57: while running, the files sealed so far, on pages that never change once served.
                var frozen = options.allowPartialManifests()
                        ? engine.jobs().manifestPage(id, page == null ? 1 : page, engine.config().manifestPageSize())
                        : java.util.Optional.<ExportJobRepository.ManifestPage>empty();
                if (frozen.isPresent()) {
                    reply.send(202, Exchange.JSON, manifest(ex, job, frozen.get(), urlOf));
                } else if (page != null && page > 1) {
                    throw HttpError.notFound("Manifest page " + page + " of export " + id + " does not exist yet");
                } else {
                    reply.send(202, null, null);
                }
            }
            case FAILED -> {
                throttle.forget(id);
                reply.send(500, Exchange.FHIR_JSON, OperationOutcomes.error("exception",
                        job.error() == null ? "The export failed" : job.error()));
            }
            case COMPLETED -> {
                throttle.forget(id);
                byte[] body;
                if (options.allowPartialManifests()) {
                    var frozen = engine.jobs().manifestPage(id, page == null ? 1 : page,
                            engine.config().manifestPageSize());
                    if (frozen.isEmpty() && page != null && page > 1) {
                        throw HttpError.notFound("Export " + id + " has no manifest page " + page);
                    }
                    body = frozen.isPresent() ? manifest(ex, job, frozen.get(), urlOf)
                            : ManifestWriter.write(ManifestBuilder.build(job, List.of(), urlOf, requiresAccessToken && !presigned,
                                    null), job.since() != null);
                } else {
                    body = ManifestWriter.write(ManifestBuilder.build(job, engine.files(id), urlOf,
                            requiresAccessToken && !presigned, null), job.since() != null);
                }
                ex.setHeader("Expires", HTTP_DATE.format(Instant.ofEpochMilli(job.expiresAt())));
                reply.send(200, Exchange.JSON, body);
            }
            default -> throw HttpError.notFound("No export job " + id);
        }
    }

    /** The {@code page} query parameter (manifest pages exist only with allowPartialManifests). */
    private static Integer page(Exchange ex, ExportOptions options) {
        List<String> values = ex.query().get("page");
        if (values == null || values.isEmpty()) {
            return null;
        }
        int page;
        try {
            page = Integer.parseInt(values.get(0));
        } catch (NumberFormatException e) {
            page = 0;
        }
        if (page < 1 || !options.allowPartialManifests()) {
            throw HttpError.notFound("No manifest page '" + values.get(0) + "'");
        }
        return page;
    }

    private byte[] manifest(Exchange ex, JobRow job, ExportJobRepository.ManifestPage page, Function<String, String> urlOf) {
        String next = page.more() ? statusUrl(urls.fhirBase(ex), job.id()) + "?page=" + (page.page() + 1) : null;
        return ManifestWriter.write(ManifestBuilder.build(job, page.files(), urlOf, requiresAccessToken && !presigned, next),
                job.since() != null);
    }

    /**
     * Sends the job's status as the HTTP status, or, with separate-export-status (S-44, S-56),
     * as {@code X-Export-Status} on a 200, the HTTP status then being the poll's own.
     */
    private record Reply(Exchange ex, boolean separate) {
        void send(int status, String contentType, byte[] body) {
            int http = status;
            if (separate) {
                ex.setHeader("X-Export-Status", status + " " + reason(status));
                http = 200;
            }
            if (body == null) {
                ex.respondStatus(http);
            } else {
                ex.respond(http, contentType, body);
            }
        }

        static String reason(int status) {
            return switch (status) {
                case 200 -> "OK";
                case 202 -> "Accepted";
                case 500 -> "Internal Server Error";
                default -> "";
            };
        }
    }
}
