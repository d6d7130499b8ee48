package org.bulkfhir.server.export.http;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.bulkfhir.core.export.ExportLevel;
import org.bulkfhir.core.export.ExportRequest;
import org.bulkfhir.core.export.InvalidExportRequestException;
import org.bulkfhir.core.fhir.OperationOutcomes;
import org.bulkfhir.server.auth.AuditLog;
import org.bulkfhir.server.auth.Principal;
import org.bulkfhir.server.export.ExportEngine;
import org.bulkfhir.server.http.BaseUrls;
import org.bulkfhir.server.http.Exchange;
import org.bulkfhir.server.http.HttpError;
import org.bulkfhir.server.http.Router;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.export.JobRow;

/**
 * {@code GET|POST [base]/$export}, {@code [base]/Patient/$export} and
 * {@code [base]/Group/[id]/$export} (S-18…S-32). {@code Accept} and {@code Prefer: respond-async}
 * are not required: every kick-off is asynchronous and answers FHIR JSON (S-21, S-22).
 */
public final class KickoffEndpoint {
    private static final String ID = "([A-Za-z0-9\\-.]{1,64})";
    static final int TOO_MANY_JOBS_RETRY_SECONDS = 30;

    private final ExportEngine engine;
    private final ResourceStore store;
    private final BaseUrls urls;
    private final ExportAccess access;
    private final long maxBodyBytes;

    public KickoffEndpoint(ExportEngine engine, ResourceStore store, BaseUrls urls, ExportAccess access,
                           long maxBodyBytes) {
        this.engine = engine;
        this.store = store;
        this.urls = urls;
        this.access = access;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(Router fhir) {
        fhir.add("GET,POST", "/\\$export/?", (ex, m) -> kickoff(ex, ExportLevel.SYSTEM, null));
        fhir.add("GET,POST", "/Patient/\\$export/?", (ex, m) -> kickoff(ex, ExportLevel.PATIENT, null));
        fhir.add("GET,POST", "/Group/" + ID + "/\\$export/?", this::group);
    }

    private void group(Exchange ex, Matcher m) throws Exception {
        String id = m.group(1);
        // Authenticate before saying whether the Group exists.
        access.authenticate(ex);
        if (store.read("Group", id).isEmpty()) {
            throw HttpError.notFound("Group/" + id + " does not exist");
        }
        kickoff(ex, ExportLevel.GROUP, id);
    }

    static boolean lenient(Exchange ex) {
        return prefers(ex, "handling=lenient");
    }

    /** Whether a {@code Prefer} header (comma list, possibly repeated) holds {@code preference}. */
    static boolean prefers(Exchange ex, String preference) {
        for (String prefer : ex.headers("Prefer")) {
            for (String token : prefer.split("[,;]")) {
                if (token.trim().equalsIgnoreCase(preference)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void kickoff(Exchange ex, ExportLevel level, String groupId) throws Exception {
        Principal principal = access.authenticate(ex);
        boolean lenient = lenient(ex);
        ExportRequest request;
        String requestUrl = urls.fhirBase(ex) + ex.path();
        try {
            if (ex.method().equals("POST")) {
                byte[] body = ex.body(maxBodyBytes);
                if (body.length == 0) {
                    throw new InvalidExportRequestException(null, "A POST kick-off needs a FHIR Parameters body");
                }
                request = ExportRequest.fromParameters(level, groupId, body, lenient);
            } else {
                Map<String, List<String>> query = ex.query();
                request = ExportRequest.fromQuery(level, groupId, query, lenient);
                String raw = ex.jettyRequest().getHttpURI().getQuery();
                if (raw != null && !raw.isEmpty()) {
                    requestUrl += "?" + raw;
                }
            }
        } catch (InvalidExportRequestException e) {
            String p = e.parameter();
            boolean unsupported = p != null && !ExportRequest.SUPPORTED.contains(p);
            throw new HttpError(400, unsupported ? "not-supported" : "invalid", e.getMessage());
        }
        request = access.restrict(ex, principal, request, lenient);
        // S-44: the status URL then answers 200 and carries the job's status in X-Export-Status.
        boolean separateStatus = prefers(ex, "separate-export-status");
        if (separateStatus) {
            request = request.withOptions(request.options().withSeparateExportStatus(true), request.ignored());
        }
        JobRow job;
        try {
            job = engine.kickoff(request, access.owner(ex, principal), requestUrl, lenient);
        } catch (InvalidExportRequestException e) {
            throw new HttpError(400, "invalid", e.getMessage());
        } catch (ExportEngine.TooManyJobs e) {
            AuditLog.exportKickoff(principal, ex.remoteAddress(), null, level.code(), null, "429");
            throw new HttpError(429, "throttled", e.getMessage(),
                    Map.of("Retry-After", Integer.toString(TOO_MANY_JOBS_RETRY_SECONDS)));
        }
        AuditLog.exportKickoff(principal, ex.remoteAddress(), job.id(), level.code(),
                request.hasTypes() ? String.join(",", request.types()) : "default", "accepted");
        ex.setHeader("Content-Location", StatusEndpoint.statusUrl(urls.fhirBase(ex), job.id()));
        if (separateStatus) {
            ex.setHeader("Preference-Applied", "respond-async, separate-export-status");
        }
        ex.respond(202, Exchange.FHIR_JSON, OperationOutcomes.of(OperationOutcomes.Issue.information("informational",
                "Export accepted; poll the Content-Location URL for its status")));
    }
}
