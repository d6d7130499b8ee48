package org.bulkfhir.server.export.http;

import java.util.ArrayList;
import java.util.List;
import org.bulkfhir.core.export.ExportLevel;
import org.bulkfhir.core.export.ExportRequest;
import org.bulkfhir.core.smart.Scope;
import org.bulkfhir.server.auth.AuthMode;
import org.bulkfhir.server.auth.Authenticator;
import org.bulkfhir.server.auth.Principal;
import org.bulkfhir.server.export.JobTypes;
import org.bulkfhir.server.http.Exchange;
import org.bulkfhir.server.http.HttpError;
import org.bulkfhir.store.export.JobRow;

/**
 * Who may start, see and download which export. Kick-off narrows {@code _type} to what the
 * token may read (S-11, S-97) and needs Group read for a Group export (S-15); a job, its status
 * and its files belong to the client that started it, and look absent to any other (S-14).
 */
public final class ExportAccess {
    private final Authenticator auth;

    public ExportAccess(Authenticator auth) {
        this.auth = auth;
    }

    public static ExportAccess open() {
        return new ExportAccess(Authenticator.open());
    }

    /** The caller, or a 401 (S-12, S-13). */
    public Principal authenticate(Exchange ex) {
        return auth.authenticate(ex);
    }

    /**
     * The owner a new job is recorded under. On the open endpoint there are no clients, so the
     * remote address stands in for per-client limits.
     */
    public String owner(Exchange ex, Principal p) {
        return auth.mode() == AuthMode.OPEN ? ex.remoteAddress() : p.clientId();
    }

    /** 404 unless the caller started this job (or the endpoint is open). */
    public void checkOwner(JobRow job, Principal p) {
        if (auth.mode() != AuthMode.OPEN && !job.clientId().equals(p.clientId())) {
            throw HttpError.notFound("No export job " + job.id());
        }
    }

    /**
     * The request limited to what the token may read: named types it may not read are refused
     * with 403, or dropped and reported under lenient handling; without {@code _type}, only the
     * readable types are exported.
     */
    public ExportRequest restrict(Exchange ex, Principal p, ExportRequest request, boolean lenient) {
        if (p.anonymous()) {
            return request;
        }
        if (p.scopes().asList().stream().anyMatch(Scope::constrained)) {
            throw Authenticator.forbidden(ex, p, "system/*.rs", "Scopes with query constraints are not applied to"
                    + " exports yet; request a token with unconstrained system/ read scopes");
        }
        if (request.level() == ExportLevel.GROUP) {
            Authenticator.requireRead(ex, p, "Group");
        }
        List<ExportRequest.Ignored> ignored = new ArrayList<>(request.ignored());
        List<String> types;
        if (request.hasTypes()) {
            types = new ArrayList<>();
            for (String type : request.types()) {
                if (p.scopes().canRead(type)) {
                    types.add(type);
                } else if (lenient) {
                    ignored.add(new ExportRequest.Ignored("_type", type + " was dropped: the access token does not"
                            + " allow reading it (system/" + type + ".rs)"));
                } else {
                    throw Authenticator.forbidden(ex, p, "system/" + type + ".rs", "The access token does not allow"
                            + " reading " + type + "; request system/" + type + ".rs (or .read) or remove it from _type");
                }
            }
        } else if (p.scopes().canReadAllTypes()) {
            return request;
        } else {
            types = p.scopes().readableTypes(JobTypes.defaults(request.level()));
        }
        if (types.isEmpty()) {
            throw Authenticator.forbidden(ex, p, "system/*.rs", "The access token allows reading none of the types"
                    + " this export would include");
        }
        return request.withTypes(types, ignored);
    }
}
