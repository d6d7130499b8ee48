package org.bulkfhir.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import org.bulkfhir.core.fhir.OperationOutcomes;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.server.auth.Authenticator;
import org.bulkfhir.server.auth.Principal;
import org.bulkfhir.store.ResourceNotFoundException;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.StoredResource;
import org.bulkfhir.store.bundle.BundleOutcome;
import org.bulkfhir.store.bundle.BundleProcessor;
import org.bulkfhir.store.write.ResourcePreparer;
import org.bulkfhir.store.write.Write;
import org.bulkfhir.store.write.WriteResult;
import org.bulkfhir.server.http.BaseUrls;
import org.bulkfhir.server.http.Exchange;
import org.bulkfhir.server.http.HttpError;
import org.bulkfhir.server.http.Router;

/**
 * The FHIR REST endpoints of the store: read, vread, create, update, delete, transaction and
 * batch, and search on Group (S-7). Resources go out as the stored bytes. Every request is
 * authenticated and checked against the caller's scopes: reads need {@code r} on the type,
 * Group search {@code s}, writes {@code c}, {@code u} or {@code d} as the interaction does.
 */
public final class ResourceEndpoints {
    private static final String TYPE = "([A-Z][A-Za-z]+)";
    private static final String ID = "([A-Za-z0-9\\-.]{1,64})";
    private static final Set<String> GROUP_SEARCH_PARAMS = Set.of("identifier", "name", "_id", "_format");
    private static final java.util.regex.Pattern DELETE_URL = java.util.regex.Pattern.compile(
            "(?:.*/)?([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?"); // as the bundle processor reads it
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final ResourceStore store;
    private final ResourcePreparer preparer;
    private final BundleProcessor bundles;
    private final BaseUrls urls;
    private final long maxBodyBytes;
    private final Authenticator auth;

    public ResourceEndpoints(ResourceStore store, ResourcePreparer preparer, BaseUrls urls, long maxBodyBytes) {
        this(store, preparer, urls, maxBodyBytes, Authenticator.open());
    }

    public ResourceEndpoints(ResourceStore store, ResourcePreparer preparer, BaseUrls urls, long maxBodyBytes,
                             Authenticator auth) {
        this.auth = auth;
        this.store = store;
        this.preparer = preparer;
        this.bundles = new BundleProcessor(store, preparer);
        this.urls = urls;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Registers the routes; call after more specific routes (e.g. {@code $export}) are added. */
    public void register(Router router) {
        router.add("POST", "/?", this::bundle);
        router.add("GET", "/" + TYPE + "/?", this::search);
        router.add("POST", "/" + TYPE + "/?", this::create);
        router.add("GET,PUT,DELETE", "/" + TYPE + "/" + ID + "/?", this::instance);
        router.add("GET", "/" + TYPE + "/" + ID + "/_history/([0-9]{1,9})/?", this::vread);
    }

    private static String knownType(Matcher m) {
        String type = m.group(1);
        if (!ResourcePreparer.isResourceType(type)) {
            throw HttpError.notFound("'" + type + "' is not a FHIR R4 resource type");
        }
        return type;
    }

    private void instance(Exchange ex, Matcher m) throws Exception {
        Principal p = auth.authenticate(ex);
        String type = knownType(m);
        String id = m.group(2);
        switch (ex.method()) {
            case "PUT" -> {
                Authenticator.requireUpdate(ex, p, type);
                if (!p.scopes().canCreate(type) && store.readLatest(type, id).filter(r -> !r.deleted()).isEmpty()) {
                    // Update-as-create makes a new resource, so it needs create as well.
                    Authenticator.requireCreate(ex, p, type);
                }
                Write write = preparer.prepareUpsert(type, id, ex.body(maxBodyBytes));
                WriteResult result = store.write(List.of(write)).get(0);
                answerWrite(ex, result);
            }
            case "DELETE" -> {
                Authenticator.requireDelete(ex, p, type);
                WriteResult result = store.write(List.of(Write.delete(type, id))).get(0);
                String text = result.outcome() == WriteResult.Outcome.DELETED ? "Deleted " + type + "/" + id
                        : type + "/" + id + " did not exist or was already deleted";
                ex.respond(200, Exchange.FHIR_JSON, OperationOutcomes.of(
                        OperationOutcomes.Issue.information("informational", text)));
            }
            default -> {
                Authenticator.requireRead(ex, p, type);
                StoredResource r = store.readLatest(type, id).orElseThrow(() -> new ResourceNotFoundException(type, id, false));
                if (r.deleted()) {
                    throw new ResourceNotFoundException(type, id, true);
                }
                answerResource(ex, r);
            }
        }
    }

    private void vread(Exchange ex, Matcher m) {
        Principal p = auth.authenticate(ex);
        String type = knownType(m);
        Authenticator.requireRead(ex, p, type);
        String id = m.group(2);
        int version = Integer.parseInt(m.group(3));
        StoredResource r = store.readVersion(type, id, version)
                .orElseThrow(() -> HttpError.notFound(type + "/" + id + " has no version " + version));
        if (r.deleted()) {
            throw new ResourceNotFoundException(type, id, true);
        }
        answerResource(ex, r);
    }

    private void create(Exchange ex, Matcher m) throws Exception {
        Principal p = auth.authenticate(ex);
        String type = knownType(m);
        Authenticator.requireCreate(ex, p, type);
        WriteResult result = store.write(List.of(preparer.prepareCreate(type, ex.body(maxBodyBytes)))).get(0);
        answerWrite(ex, result);
    }

    private void bundle(Exchange ex, Matcher m) throws Exception {
        Principal p = auth.authenticate(ex);
        byte[] body = ex.body(maxBodyBytes);
        if (!p.anonymous()) {
            checkBundleScopes(ex, p, body);
        }
        BundleOutcome outcome = bundles.process(body);
        ex.respond(200, Exchange.FHIR_JSON, Bundles.response(outcome));
    }

    private void search(Exchange ex, Matcher m) {
        Principal p = auth.authenticate(ex);
        String type = knownType(m);
        Authenticator.requireSearch(ex, p, type);
        if (!type.equals("Group")) {
            throw new HttpError(400, "not-supported", "Search is supported on Group only (identifier, name, _id);"
                    + " use $export to retrieve " + type + " resources");
        }
        Map<String, List<String>> query = ex.query();
        for (String param : query.keySet()) {
            if (!GROUP_SEARCH_PARAMS.contains(param)) {
                throw new HttpError(400, "not-supported", "Group search parameter '" + param
                        + "' is not supported; use identifier, name or _id");
            }
        }
        List<StoredResource> groups = store.searchGroups(ex.queryParam("identifier"), ex.queryParam("name"), ex.queryParam("_id"));
        ex.respond(200, Exchange.FHIR_JSON, Bundles.searchset(urls.fhirBase(ex), ex.requestUrl(), groups));
    }

    /**
     * Each entry needs the permission its interaction needs on its type. An entry whose type
     * cannot be told here needs the permission on every type ({@code *}), so no entry shape the
     * bundle processor accepts can slip past the check.
     */
    private static void checkBundleScopes(Exchange ex, Principal p, byte[] body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            return; // the bundle processor answers 400 with the details
        }
        if (root == null || !root.isObject()) {
            return;
        }
        String bundleType = root.path("type").asText("");
        for (JsonNode e : root.path("entry")) {
            String method = e.path("request").path("method").asText("");
            String resourceType = e.path("resource").path("resourceType").asText("");
            String type = resourceType.isEmpty() ? "*" : resourceType;
            if (!bundleType.equals("transaction") && !bundleType.equals("batch")) {
                method = "PUT";
            }
            switch (method) {
                case "DELETE" -> {
                    Matcher url = DELETE_URL.matcher(e.path("request").path("url").asText(""));
                    Authenticator.requireDelete(ex, p, url.matches() ? url.group(1) : "*");
                }
                case "POST" -> Authenticator.requireCreate(ex, p, type);
                case "GET" -> Authenticator.requireRead(ex, p, "*");
                default -> {
                    Authenticator.requireCreate(ex, p, type);
                    Authenticator.requireUpdate(ex, p, type);
                }
            }
        }
    }

    private void answerResource(Exchange ex, StoredResource r) {
        ex.setHeader("ETag", "W/\"" + r.version() + "\"");
        ex.setHeader("Last-Modified", HTTP_DATE.format(Instant.ofEpochMilli(r.lastUpdated())));
        ex.respond(200, Exchange.FHIR_JSON, r.json());
    }

    private void answerWrite(Exchange ex, WriteResult result) {
        String location = urls.fhirBase(ex) + "/" + result.reference() + "/_history/" + result.version();
        ex.setHeader("Location", location);
        ex.setHeader("ETag", "W/\"" + result.version() + "\"");
        ex.setHeader("Last-Modified", HTTP_DATE.format(Instant.ofEpochMilli(result.lastUpdated())));
        int status = result.outcome() == WriteResult.Outcome.CREATED ? 201 : 200;
        String prefer = ex.header("Prefer");
        if (prefer != null && prefer.contains("return=minimal")) {
            ex.respondStatus(status);
        } else {
            ex.respond(status, Exchange.FHIR_JSON, result.json());
        }
    }
}
