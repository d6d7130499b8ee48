package org.bulkfhir.client.export;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import org.bulkfhir.client.BulkDataException;
import org.bulkfhir.client.BulkDataException.Kind;
import org.bulkfhir.client.auth.Urls;
import org.bulkfhir.client.http.Http;
import org.bulkfhir.client.http.Pacing;
import org.bulkfhir.client.http.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts an export job (C-14…C-20) and returns where to poll. */
public final class KickOff {
    private static final Logger LOG = LoggerFactory.getLogger(KickOff.class);

    private final Http http;
    private final Pacing pacing;
    private boolean typeFilterCheckedLocally;

    public KickOff(Http http, Pacing pacing) {
        this.http = http;
        this.pacing = pacing;
    }

    /**
     * Tells the kick-off that the caller re-applies {@code _typeFilter} to the files (C-18), which
     * makes {@code _typeFilter} one of the parameters {@code dropUnsupported} may drop.
     */
    public KickOff typeFilterCheckedLocally(boolean checked) {
        this.typeFilterCheckedLocally = checked;
        return this;
    }

    /**
     * @param statusUrl the exact polling URL
     * @param separateStatus the server applied {@code separate-export-status}
     * @param method GET or POST, as finally used
     * @param dropped parameters left out after the server refused them (C-19); empty normally
     */
    public record Accepted(URI statusUrl, boolean separateStatus, String method, List<DroppedParameter> dropped) {
        public Accepted {
            dropped = List.copyOf(dropped);
        }
    }

    /** How one kick-off ended: accepted, or refused with the last response and the method it answered. */
    private record Outcome(Accepted accepted, HttpResponse<byte[]> refusal, boolean post) {
    }

    public Accepted start(URI base, ExportLevel level, ExportParameters params) throws IOException, InterruptedException {
        URI endpoint = Urls.withTrailingSlash(base).resolve(level.path());
        Outcome first = attempt(endpoint, params);
        if (first.accepted != null) {
            return first.accepted;
        }
        int s = first.refusal.statusCode();
        if (!params.dropUnsupported || (s != 400 && s != 422)) {
            throw refusal(first.refusal, endpoint, first.post, params, "");
        }
        ParameterDrop.Decision d = ParameterDrop.decide(first.refusal.body(), params, typeFilterCheckedLocally);
        if (d.drop().isEmpty()) {
            throw refusal(first.refusal, endpoint, first.post, params,
                    "; --drop-unsupported did not resubmit: " + d.whyNot());
        }
        for (DroppedParameter p : d.drop()) {
            LOG.warn("C-19: {}", p.describe());
        }
        ExportParameters fewer = params.without(d.names());
        Outcome second = attempt(endpoint, fewer);
        if (second.accepted != null) {
            Accepted a = second.accepted;
            return new Accepted(a.statusUrl(), a.separateStatus(), a.method(), d.drop());
        }
        throw refusal(second.refusal, endpoint, second.post, fewer, " (after resubmitting without "
                + String.join(", ", d.names()) + ")");
    }

    /** One kick-off with its retries (POST→GET fallback, 429, transient failures). */
    private Outcome attempt(URI endpoint, ExportParameters params) throws IOException, InterruptedException {
        boolean post = params.post || params.requiresPost();
        int rateLimited = 0;
        int transientFailures = 0;
        while (true) {
            Http.Call call;
            if (post) {
                call = Http.Call.post(endpoint, "application/fhir+json", params.toParametersJson());
            } else {
                String q = params.toQuery();
                call = Http.Call.get(q.isEmpty() ? endpoint : URI.create(endpoint + "?" + q));
            }
            call.header("Accept", "application/fhir+json").header("Prefer", params.preferHeader());
            HttpResponse<byte[]> r;
            try {
                r = http.send(call, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (++transientFailures > pacing.transientRetries()) {
                    throw new BulkDataException(Kind.UNAVAILABLE, "cannot reach " + Http.safe(endpoint) + ": "
                            + (e instanceof java.net.ConnectException ? "connection refused; check --server and that"
                            + " the server is running" : String.valueOf(e.getMessage() == null ? e : e.getMessage())), e);
                }
                pacing.pause(pacing.backoff(transientFailures - 1));
                continue;
            }
            int s = r.statusCode();
            if (s == 202) {
                String location = r.headers().firstValue("Content-Location").orElse(null);
                if (location == null || location.isBlank()) {
                    throw new BulkDataException(Kind.REJECTED, "the server accepted the export (202) but sent no"
                            + " Content-Location to poll; it does not follow the Bulk Data protocol");
                }
                // Absolute per spec; resolved defensively against the request URL when a server sends a path (C-21).
                URI status = call.uri().resolve(location.trim());
                List<String> applied = r.headers().allValues("Preference-Applied");
                boolean separate = params.separateExportStatus
                        && String.join(",", applied).toLowerCase(Locale.ROOT).contains("separate-export-status");
                LOG.info("Export accepted ({} {}); polling {}", call.uri().getRawPath(), post ? "POST" : "GET",
                        Http.safe(status));
                return new Outcome(new Accepted(status, separate, post ? "POST" : "GET", List.of()), null, post);
            }
            if (post && !params.requiresPost() && (s == 405 || s == 501)) {
                // POST kick-off is optional in 2.0/3.0 and missing from several servers.
                LOG.info("The server does not accept a POST kick-off (HTTP {}); retrying with GET", s);
                post = false;
                continue;
            }
            if (s == 429 && ++rateLimited <= pacing.transientRetries()) {
                // C-20: usually "an export is already running"; wait as told rather than spin.
                var d = pacing.delay(r.headers().firstValue("Retry-After").orElse(null), rateLimited - 1);
                LOG.info("The server is busy (429); retrying the kick-off in {}s", d.toSeconds());
                pacing.pause(d);
                continue;
            }
            if ((s == 502 || s == 503 || s == 504 || (s >= 500 && Responses.isTransientOutcome(r.body())))
                    && ++transientFailures <= pacing.transientRetries()) {
                pacing.pause(pacing.delay(r.headers().firstValue("Retry-After").orElse(null), transientFailures - 1));
                continue;
            }
            return new Outcome(null, r, post);
        }
    }

    private BulkDataException refusal(HttpResponse<byte[]> r, URI endpoint, boolean post, ExportParameters params,
                                      String dropNote) {
        int s = r.statusCode();
        String detail = Responses.describe(r);
        if (s == 401) {
            return new BulkDataException(Kind.AUTHORIZATION, "the server requires authorization (" + detail + ");"
                    + " pass --client-id and --key, or check that the client is registered and its token is accepted");
        }
        if (s == 403) {
            return new BulkDataException(Kind.AUTHORIZATION, "the server refused this export for the client's"
                    + " access rights (" + detail + "); check the granted scopes against --type");
        }
        if (s == 200) {
            return new BulkDataException(Kind.REJECTED, Http.safe(endpoint) + " answered 200 instead of 202 Accepted:"
                    + " it is not a Bulk Data export endpoint (is --server the FHIR base URL?)");
        }
        if (s == 404) {
            return new BulkDataException(Kind.REJECTED, Http.safe(endpoint) + " was not found (" + detail + "): the"
                    + " server does not offer this export level, the Group does not exist, or --server is not a FHIR base URL");
        }
        if (post && params.requiresPost() && (s == 405 || s == 501)) {
            return new BulkDataException(Kind.REJECTED, "the server does not accept POST kick-offs (" + detail
                    + "), which the 'patient' parameter needs; export the group without --patient");
        }
        String hint = dropNote;
        if (dropNote.isEmpty() && !params.dropUnsupported && (s == 400 || s == 422)) {
            ParameterDrop.Decision d = ParameterDrop.decide(r.body(), params, typeFilterCheckedLocally);
            if (!d.drop().isEmpty()) {
                hint = "; to resubmit without " + String.join(", ", d.names()) + ", add --drop-unsupported";
            }
        }
        if (!params.lenient) {
            hint += "; to let the server skip parameters it does not support, try --lenient";
        }
        return new BulkDataException(Kind.REJECTED, "the server refused the export: " + detail + hint);
    }
}
