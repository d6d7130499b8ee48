package org.bulkfhir.store.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.core.json.ResourceRewriter;
import org.bulkfhir.store.InvalidResourceException;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.write.ResourcePreparer;
import org.bulkfhir.store.write.Write;
import org.bulkfhir.store.write.WriteResult;

/**
 * Applies transaction, batch, collection and searchset Bundles.
 *
 * <p>References to an entry's {@code urn:uuid:} (or absolute) fullUrl are rewritten to the
 * {@code Type/id} the entry is stored under, so nothing in the store points into a Bundle that
 * no longer exists. A {@code urn:uuid:} that no entry declares is looked up among stored
 * resources by id (Synthea's Group file refers to patients loaded from other files this way).
 *
 * <p>A {@code POST} entry that carries an id keeps it: bulk loads of Synthea-style Bundles then
 * give resources the ids their source assigned, and reloading the same file makes new versions
 * rather than duplicates. Without an id, a {@code POST} gets a new UUID.
 */
public final class BundleProcessor {
    private static final Pattern URN_UUID = Pattern.compile("urn:uuid:[0-9a-fA-F-]{36}");
    private static final Pattern TYPE_ID_URL = Pattern.compile("(?:.*/)?([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?");

    private final ResourceStore store;
    private final ResourcePreparer preparer;

    public BundleProcessor(ResourceStore store, ResourcePreparer preparer) {
        this.store = store;
        this.preparer = preparer;
    }

    /** Parses and applies a Bundle given as JSON bytes. */
    public BundleOutcome process(byte[] bundleJson) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bundleJson);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidResourceException("the Bundle is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new InvalidResourceException("the Bundle cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !"Bundle".equals(root.path("resourceType").asText())) {
            throw new InvalidResourceException("the body is not a FHIR Bundle");
        }
        String type = root.path("type").asText("");
        List<BundleEntry> entries = entries(root);
        return switch (type) {
            case "transaction" -> transaction(entries);
            case "batch" -> batch(type, entries);
            case "collection", "searchset" -> batch(type, asUpserts(entries));
            default -> throw new InvalidResourceException("Bundle.type '" + type
                    + "' cannot be stored: use transaction, batch, collection or searchset");
        };
    }

    /**
     * Stores one resource under its own id (as a collection entry would be), resolving any
     * {@code urn:uuid:} references against stored resources.
     */
    public BundleOutcome storeResource(byte[] resourceJson) {
        JsonNode resource;
        try {
            resource = Json.MAPPER.readTree(resourceJson);
        } catch (IOException e) {
            throw new InvalidResourceException("not valid JSON: " + e.getMessage());
        }
        if (resource == null || !resource.isObject()) {
            throw new InvalidResourceException("not a FHIR resource (a JSON object is expected)");
        }
        BundleEntry entry = new BundleEntry(0, null, null, null, resourceJson, text(resource, "resourceType"),
                text(resource, "id"));
        if (entry.resourceId() == null) {
            throw new InvalidResourceException("the " + entry.resourceType() + " has no id");
        }
        return batch("collection", asUpserts(List.of(entry)));
    }

    private static List<BundleEntry> entries(JsonNode root) {
        List<BundleEntry> entries = new ArrayList<>();
        int i = 0;
        for (JsonNode e : root.path("entry")) {
            JsonNode resource = e.get("resource");
            byte[] bytes = null;
            String resourceType = null;
            String resourceId = null;
            if (resource != null && resource.isObject()) {
                try {
                    bytes = Json.MAPPER.writeValueAsBytes(resource);
                } catch (IOException ex) {
                    throw new InvalidResourceException("entry " + i + ": cannot read the resource");
                }
                resourceType = text(resource, "resourceType");
                resourceId = text(resource, "id");
            }
            JsonNode request = e.path("request");
            entries.add(new BundleEntry(i++, text(e, "fullUrl"), text(request, "method"), text(request, "url"), bytes,
                    resourceType, resourceId));
        }
        return entries;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    /** Collections and searchsets have no requests: every resource is stored under its own id. */
    private static List<BundleEntry> asUpserts(List<BundleEntry> entries) {
        List<BundleEntry> out = new ArrayList<>(entries.size());
        for (BundleEntry e : entries) {
            out.add(new BundleEntry(e.index(), e.fullUrl(), e.resourceId() == null ? "POST" : "PUT",
                    e.resourceId() == null ? e.resourceType() : e.resourceType() + "/" + e.resourceId(), e.resource(),
                    e.resourceType(), e.resourceId()));
        }
        return out;
    }

    // ---------------------------------------------------------------- transaction

    private BundleOutcome transaction(List<BundleEntry> entries) {
        List<String> warnings = new ArrayList<>();
        Map<Integer, String> ids = targetIds(entries);
        Map<String, String> refs = referenceMap(entries, ids);
        resolveOutsideReferences(entries, refs, warnings);
        List<Write> writes = new ArrayList<>(entries.size());
        for (BundleEntry e : entries) {
            try {
                writes.add(prepare(e, refs, ids));
            } catch (InvalidResourceException ex) {
                throw new InvalidResourceException("transaction entry " + e.index() + describe(e) + ": " + ex.getMessage()
                        + " (nothing in the transaction was stored)", ex);
            }
        }
        List<WriteResult> results = store.write(writes);
        List<BundleOutcome.EntryOutcome> outcomes = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            outcomes.add(new BundleOutcome.EntryOutcome(entries.get(i).index(), results.get(i), null));
        }
        return new BundleOutcome("transaction", outcomes, warnings);
    }

    // ---------------------------------------------------------------- batch

    private BundleOutcome batch(String type, List<BundleEntry> entries) {
        List<String> warnings = new ArrayList<>();
        Map<Integer, String> ids = targetIds(entries);
        Map<String, String> refs = referenceMap(entries, ids);
        resolveOutsideReferences(entries, refs, warnings);
        List<BundleOutcome.EntryOutcome> outcomes = new ArrayList<>(entries.size());
        List<Write> writes = new ArrayList<>();
        List<Integer> writeIndexes = new ArrayList<>();
        for (BundleEntry e : entries) {
            try {
                writes.add(prepare(e, refs, ids));
                writeIndexes.add(outcomes.size());
                outcomes.add(null);
            } catch (InvalidResourceException ex) {
                outcomes.add(new BundleOutcome.EntryOutcome(e.index(), null, "entry " + e.index() + describe(e) + ": "
                        + ex.getMessage()));
            }
        }
        // Valid entries are independent but go to the database together: one transaction is
        // far cheaper than one per entry, and none of them can fail at this point.
        List<WriteResult> results = store.write(writes);
        for (int i = 0; i < results.size(); i++) {
            int at = writeIndexes.get(i);
            outcomes.set(at, new BundleOutcome.EntryOutcome(entries.get(at).index(), results.get(i), null));
        }
        return new BundleOutcome(type, outcomes, warnings);
    }

    // ---------------------------------------------------------------- shared

    /**
     * The id each POST/PUT entry will be stored under (by entry index), chosen once: a POST
     * without id gets a new UUID here so that references to its fullUrl can point at it.
     */
    private static Map<Integer, String> targetIds(List<BundleEntry> entries) {
        Map<Integer, String> ids = new HashMap<>();
        for (BundleEntry e : entries) {
            if (e.method() == null) {
                continue;
            }
            String id = switch (e.method()) {
                case "POST" -> e.resourceId() != null ? e.resourceId() : UUID.randomUUID().toString();
                case "PUT" -> {
                    Matcher m = e.url() == null ? null : TYPE_ID_URL.matcher(e.url());
                    yield m != null && m.matches() ? m.group(2) : e.resourceId();
                }
                default -> null;
            };
            if (id != null) {
                ids.put(e.index(), id);
            }
        }
        return ids;
    }

    /** fullUrl → Type/id for every entry that will be stored, before any rewriting. */
    private static Map<String, String> referenceMap(List<BundleEntry> entries, Map<Integer, String> ids) {
        Map<String, String> refs = new HashMap<>();
        for (BundleEntry e : entries) {
            String id = ids.get(e.index());
            if (e.fullUrl() != null && e.resourceType() != null && id != null) {
                refs.put(e.fullUrl(), e.resourceType() + "/" + id);
            }
        }
        return refs;
    }

    private void resolveOutsideReferences(List<BundleEntry> entries, Map<String, String> refs, List<String> warnings) {
        Set<String> unresolved = new LinkedHashSet<>();
        for (BundleEntry e : entries) {
            if (e.resource() == null) {
                continue;
            }
            for (String ref : ResourceRewriter.references(e.resource())) {
                if (URN_UUID.matcher(ref).matches() && !refs.containsKey(ref)) {
                    unresolved.add(ref);
                }
            }
        }
        for (String urn : unresolved) {
            String id = urn.substring("urn:uuid:".length());
            List<String> types = store.typesOf(id);
            if (types.size() == 1) {
                refs.put(urn, types.get(0) + "/" + id);
            } else {
                warnings.add("reference " + urn + (types.isEmpty() ? " matches no stored resource"
                        : " is ambiguous (" + String.join(", ", types) + ")") + "; left as it is");
            }
        }
    }

    private Write prepare(BundleEntry e, Map<String, String> refs, Map<Integer, String> ids) {
        if (e.method() == null) {
            throw new InvalidResourceException("request.method is missing");
        }
        switch (e.method()) {
            case "DELETE" -> {
                Matcher m = e.url() == null ? null : TYPE_ID_URL.matcher(e.url());
                if (m == null || !m.matches() || !ResourcePreparer.isResourceType(m.group(1))) {
                    throw new InvalidResourceException("DELETE needs request.url of the form Type/id");
                }
                return Write.delete(m.group(1), m.group(2));
            }
            case "POST", "PUT" -> {
                if (e.resource() == null) {
                    throw new InvalidResourceException(e.method() + " needs a resource");
                }
                if (e.resourceType() == null || !ResourcePreparer.isResourceType(e.resourceType())) {
                    throw new InvalidResourceException("unknown resourceType '" + e.resourceType() + "'");
                }
                byte[] json = refs.isEmpty() ? e.resource() : ResourceRewriter.rewriteReferences(e.resource(), refs);
                String id = ids.get(e.index());
                byte[] withId = e.resourceId() == null || e.resourceId().equals(id) ? json : withoutId(json);
                return preparer.prepareUpsert(e.resourceType(), id, withId);
            }
            default -> throw new InvalidResourceException("request.method " + e.method() + " is not supported in a Bundle"
                    + " stored here (use POST, PUT or DELETE)");
        }
    }

    /** PUT Type/x with a body whose id differs: the URL wins, as the entry's request says. */
    private static byte[] withoutId(byte[] json) {
        try {
            ObjectNode node = (ObjectNode) Json.MAPPER.readTree(json);
            node.remove("id");
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException ex) {
            throw new InvalidResourceException("cannot read the resource");
        }
    }

    private static String describe(BundleEntry e) {
        StringBuilder sb = new StringBuilder();
        if (e.method() != null || e.url() != null) {
            sb.append(" (").append(e.method()).append(' ').append(e.url() == null ? "" : e.url()).append(')');
        } else if (e.resourceType() != null) {
            sb.append(" (").append(e.resourceType()).append(')');
        }
        return sb.toString();
    }
}
