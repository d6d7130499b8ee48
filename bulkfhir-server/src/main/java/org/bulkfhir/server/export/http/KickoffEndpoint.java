package org.bulkfhir.server.export.http;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.bulkfhir.core.export.ExportLevel;
import org.bulkfhir.core.export.ExportRequest;
import org.bulkfhir.core.export.InvalidExportRequestException;
import org.bulkfhir.core.fhir.OperationOutcomes;
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
    private final ClientIdentity clients;
    private final long maxBodyBytes;

    public KickoffEndpoint(ExportEngine engine, ResourceStore store, BaseUrls urls, ClientIdentity clients,
                           long maxBodyBytes) {
        this.engine = engine;
        this.store = store;
        this.urls = urls;
        this.clients = clients;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(Router fhir) {
        fhir.add("GET,POST", "/\\$export/?", (ex, m) -> kickoff(ex, ExportLevel.SYSTEM, null));
        fhir.add("GET,POST", "/Patient/\\$export/?", (ex, m) -> kickoff(ex, ExportLevel.PATIENT, null));
        fhir.add("GET,POST", "/Group/" + ID + "/\\$export/?", this::group);
    }

    private void group(Exchange ex, Matcher m) throws Exception {
        String id = m.group(1);
        if (store.read("Group", id).isEmpty()) {
            throw HttpError.notFound("Group/" + id + " does not exist");
        }
        kickoff(ex, ExportLevel.GROUP, id);
    }

    static boolean lenient(Exchange ex) {
        for (String prefer : ex.headers("Prefer")) {
            for (String token : prefer.split("[,;]")) {
                if (token.trim().equalsIgnoreCase("handling=lenient")) {
                    return true;
                }
            }
        }
        return false;
    }

    private void kickoff(Exchange ex, ExportLevel level, String groupId) throws Exception {
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
        JobRow job;
        try {
            job = engine.kickoff(request, clients.of(ex), requestUrl);
        } catch (ExportEngine.TooManyJobs e) {
            throw new HttpError(429, "throttled", e.getMessage(),
                    Map.of("Retry-After", Integer.toString(TOO_MANY_JOBS_RETRY_SECONDS)));
        }
        ex.setHeader("Content-Location", StatusEndpoint.statusUrl(urls.fhirBase(ex), job.id()));
        ex.respond(202, Exchange.FHIR_JSON, OperationOutcomes.of(OperationOutcomes.Issue.information("informational",
                "Export accepted; poll the Content-Location URL for its status")));
    }
}
