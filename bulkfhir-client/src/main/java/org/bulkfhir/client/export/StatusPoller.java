package org.bulkfhir.client.export;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.BulkDataException.Kind;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.http.Pacing;
import org.bulkfhir.client.http.Responses;
import org.bulkfhir.client.manifest.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a job until its manifest is complete (C-21…C-27, C-30). Completion is decided by the
 * status code (or {@code X-Export-Status}), never by {@code X-Progress}. Each manifest page is
 * handed over as soon as it arrives, so downloads of a partial manifest start while the job runs.
 */
public final class StatusPoller {
    private static final Logger LOG = LoggerFactory.getLogger(StatusPoller.class);
    /** 429 means "slower", not "failed"; this only stops a server that never lets us in. */
    private static final int MAX_RATE_LIMITED = 1000;

    private final Http http;
    private final Pacing pacing;
    private final ExportListener listener;

    public StatusPoller(Http http, Pacing pacing, ExportListener listener) {
        this.http = http;
        this.pacing = pacing;
        this.listener = listener;
    }

    /** Receives every manifest page, partial (202) or final (200), with the URL it came from. */
    @FunctionalInterface
    public interface PageSink {
        void page(Manifest page, URI from, boolean complete);
    }

    /** Polls until the last page of the complete manifest; returns every page received. */
    public List<Manifest> await(URI statusUrl, PageSink sink) throws IOException, InterruptedException {
        List<Manifest> pages = new ArrayList<>();
        URI cursor = statusUrl;
        int waiting = 0;
        int rateLimited = 0;
        int transientFailures = 0;
        while (true) {
            HttpResponse<byte[]> r;
            try {
                r = fetch(cursor);
            } catch (IOException e) {
                transientFailures = transientOrFail(transientFailures, "cannot reach the status URL: " + e);
                continue;
            }
            int s = r.statusCode();
            String retryAfter = r.headers().firstValue("Retry-After").orElse(null);
            int effective = s;
            String exportStatus = r.headers().firstValue("X-Export-Status").orElse(null);
            if (s == 200 && exportStatus != null) {
                effective = leadingCode(exportStatus); // separate-export-status (C-27)
            }
            if (effective == 202) {
                transientFailures = 0;
                r.headers().firstValue("X-Progress").ifPresent(p -> listener.serverProgress(p.length() > 100 ? p.substring(0, 100) : p));
                Manifest partial = partialManifest(r, cursor);
                if (partial != null) {
                    pages.add(partial);
                    sink.page(partial, cursor, false);
                    if (partial.next() != null && !partial.next().equals(cursor)) {
                        cursor = partial.next();
                        waiting = 0;
                        continue;
                    }
                }
                pacing.pause(pacing.delay(retryAfter, waiting++));
                continue;
            }
            if (effective == 200) {
                Manifest page = Manifest.parse(r.body(), cursor);
                pages.add(page);
                sink.page(page, cursor, page.next() == null);
                if (page.next() == null) {
                    return pages;
                }
                cursor = page.next();
                waiting = 0;
                continue;
            }
            if (s == 429 && ++rateLimited < MAX_RATE_LIMITED) {
                Duration d = pacing.delay(retryAfter, Math.min(rateLimited, 10));
                LOG.debug("Polling too fast (429); waiting {} ms", d.toMillis());
                pacing.pause(d);
                continue;
            }
            boolean fhirError = !Responses.issues(r.body()).isEmpty();
            if ((Responses.isTransientOutcome(r.body()) || (effective >= 500 && !fhirError))
                    && transientFailures < pacing.transientRetries()) {
                // The poll failed, not necessarily the job: a transient code, or a gateway's bare 5xx (C-26).
                LOG.info("Status request failed transiently ({}); retrying", Responses.describe(r));
                pacing.pause(pacing.delay(retryAfter, transientFailures++));
                continue;
            }
            throw failure(r, effective, cursor.equals(statusUrl));
        }
    }

    private HttpResponse<byte[]> fetch(URI url) throws IOException, InterruptedException {
        return http.send(Http.Call.get(url).header("Accept", "application/json"), HttpResponse.BodyHandlers.ofByteArray());
    }

    private int transientOrFail(int failures, String message) {
        if (failures >= pacing.transientRetries()) {
            throw new BulkDataException(Kind.UNAVAILABLE, message + " (gave up after " + failures + " retries;"
                    + " the job may still be running: use --resume)");
        }
        pacing.pause(pacing.backoff(failures));
        return failures + 1;
    }

    /** A 202 may carry a partial manifest (3.0 allowPartialManifests); anything else in the body is ignored. */
    private static Manifest partialManifest(HttpResponse<byte[]> r, URI from) {
        var json = Responses.json(r.body());
        if (json == null || !json.isObject() || !json.has("output")) {
            return null;
        }
        return Manifest.parse(r.body(), from);
    }

    static int leadingCode(String xExportStatus) {
        String t = xExportStatus.trim();
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        return i == 3 ? Integer.parseInt(t.substring(0, 3)) : 500;
    }

    private BulkDataException failure(HttpResponse<byte[]> r, int effective, boolean atStatusUrl) {
        String detail = Responses.describe(r);
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            return new BulkDataException(Kind.AUTHORIZATION, "the server refused the status request (" + detail + ")");
        }
        if (r.statusCode() == 404 || r.statusCode() == 410) {
            return new BulkDataException(Kind.EXPORT_FAILED, (atStatusUrl ? "the export job" : "a manifest page")
                    + " no longer exists (" + detail + "): it was cancelled, expired or lost on the server; start a new export");
        }
        return new BulkDataException(Kind.EXPORT_FAILED, "the export failed on the server: " + detail
                + (effective != r.statusCode() ? " (X-Export-Status " + effective + ")" : ""));
    }

    /** Cancels a running job, or tells the server its files are no longer needed (C-40). */
    public boolean delete(URI statusUrl) {
        try {
            HttpResponse<byte[]> r = http.send(Http.Call.delete(statusUrl).header("Accept", "application/fhir+json"),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() / 100 == 2) {
                return true;
            }
            LOG.info("DELETE of the export job answered {}", Responses.describe(r));
        } catch (IOException e) {
            LOG.info("DELETE of the export job failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
