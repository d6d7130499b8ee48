package org.bulkfhir.core.search;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.fhir.JsonResourceCheck;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.core.json.ResourceTypes;
import org.bulkfhir.core.search.index.JsonIndexer;
import org.bulkfhir.core.search.index.ResourceIndex;
import org.bulkfhir.core.search.index.SearchParamExtractor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * Checks exported resources against {@code _typeFilter} queries on the client (C-18): a server
 * may ignore {@code _typeFilter}, so its output is re-filtered here. A resource of a type with
 * evaluable queries is indexed as our store indexes it, and the queries are evaluated as our
 * server evaluates them ({@link QueryEvaluator}). Every other resource is only peeked at for its
 * type; nothing else is parsed.
 *
 * <p>Indexing goes the store's way too: from the JSON tree, checked value by value as HAPI's
 * parser would ({@link JsonResourceCheck}, {@link JsonIndexer}), and through the HAPI model and
 * FHIRPath only for the few types whose paths need it. Why: parsing every line into a HAPI model
 * held the client to about 20,000 checked resources per second, a fifth of its download rate.
 *
 * <p>When in doubt a resource is kept, never removed: its type's filter cannot be evaluated
 * here, it is not valid FHIR, or it carries the {@code SUBSETTED} tag ({@code _elements} may
 * have taken away the very elements a query looks at).
 *
 * <p>Thread-safe: HAPI parsers are per thread, the check and the indexers are shared.
 */
public final class LocalMatcher {
    static final String SUBSETTED_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

    /** What to do with one resource. */
    public enum Verdict {
        /** Its type has evaluable queries and one of them matches. */
        MATCHES,
        /** Its type has evaluable queries and none matches: the server should not have sent it. */
        DOES_NOT_MATCH,
        /** Its type has no {@code _typeFilter}. */
        NOT_FILTERED,
        /** Its type is filtered but this resource cannot be checked here; it is kept. */
        CANNOT_CHECK
    }

    private final TypeFilterSet filters;
    private final Map<String, Set<String>> paramsByType = new HashMap<>();
    private volatile Indexers indexers;
    private final JsonResourceCheck check = new JsonResourceCheck();
    private final ThreadLocal<IParser> parsers = ThreadLocal.withInitial(LocalMatcher::newParser);

    /** The HAPI-model extractor and the JSON indexer that falls back on it. */
    private record Indexers(SearchParamExtractor model, JsonIndexer json) {
    }

    public LocalMatcher(TypeFilterSet filters) {
        this.filters = filters;
        filters.checkable().forEach((type, queries) -> paramsByType.put(type, paramsOf(queries)));
    }

    /** Built on first use: the FHIRPath context takes a while, and many exports never meet a checked type. */
    private Indexers indexers() {
        Indexers i = indexers;
        if (i == null) {
            synchronized (this) {
                i = indexers;
                if (i == null) {
                    SearchParamExtractor model = new SearchParamExtractor();
                    i = new Indexers(model, new JsonIndexer(model, paramsByType));
                    indexers = i;
                }
            }
        }
        return i;
    }

    public TypeFilterSet filters() {
        return filters;
    }

    /** Whether resources of {@code type} are checked (it has queries, all of them evaluable). */
    public boolean checks(String type) {
        return filters.checkable().containsKey(type);
    }

    /** Whether {@code type} has a filter that cannot be evaluated here. */
    public boolean cannotCheck(String type) {
        return filters.unverifiable().containsKey(type);
    }

    /** The verdict on one NDJSON line; {@code type} is its resourceType, as read by {@link #typeOf}. */
    public Verdict test(String type, byte[] json) {
        if (type == null || !checks(type)) {
            return type != null && cannotCheck(type) ? Verdict.CANNOT_CHECK : Verdict.NOT_FILTERED;
        }
        JsonNode tree = checkedTree(type, json);
        if (tree == null || subsetted(tree)) {
            return Verdict.CANNOT_CHECK;
        }
        JsonNode idNode = tree.get("id");
        String id = idNode == null ? null : idNode.asText();
        JsonIndexer indexer = indexers().json();
        if (id == null || !indexer.indexesFromJson(type)) {
            return testThroughModel(json);
        }
        ResourceIndex ix = indexer.index(tree, type, id, () -> parse(json));
        JsonNode lastUpdated = tree.path("meta").get("lastUpdated");
        return matches(type, ix, id, lastUpdated == null ? null : DateRanges.range(lastUpdated.asText()))
                ? Verdict.MATCHES : Verdict.DOES_NOT_MATCH;
    }

    /** The line's JSON tree when it is a valid resource of {@code type}, as HAPI's parser would judge; otherwise null. */
    private JsonNode checkedTree(String type, byte[] json) {
        try {
            JsonNode tree = Json.MAPPER.readTree(json);
            return type.equals(check.check(tree)) ? tree : null;
        } catch (IOException | JsonResourceCheck.InvalidResource e) {
            return null;
        }
    }

    /** The resourceType of one NDJSON line, read without parsing the resource. */
    public static String typeOf(byte[] json) {
        return ResourceTypes.of(json);
    }

    /**
     * The verdict on a line of a checked type through the HAPI model and FHIRPath: for the types
     * {@link JsonIndexer} does not index from JSON, and for the test that holds the two ways to
     * the same verdicts.
     */
    public Verdict testThroughModel(byte[] json) {
        Resource resource = parse(json);
        return resource == null ? Verdict.CANNOT_CHECK : matches(resource) ? Verdict.MATCHES : Verdict.DOES_NOT_MATCH;
    }

    private boolean matches(Resource resource) {
        String type = resource.fhirType();
        if (!checks(type)) {
            return true;
        }
        ResourceIndex ix = indexers().model().extract(resource, paramsByType.get(type));
        String id = resource.getIdElement().getIdPart();
        long[] lastUpdated = resource.hasMeta() && resource.getMeta().hasLastUpdatedElement()
                ? DateRanges.range(resource.getMeta().getLastUpdatedElement().getValueAsString()) : null;
        return matches(type, ix, id, lastUpdated);
    }

    /** Whether the index of a resource of a checked type matches one of its type's queries. */
    private boolean matches(String type, ResourceIndex ix, String id, long[] lastUpdated) {
        for (SearchQuery q : filters.checkable().get(type)) {
            if (QueryEvaluator.matches(q, ix, id, lastUpdated)) {
                return true;
            }
        }
        return false;
    }

    private Resource parse(byte[] json) {
        try {
            IBaseResource parsed = parsers.get().parseResource(new String(json, StandardCharsets.UTF_8));
            return parsed instanceof Resource r ? r : null;
        } catch (RuntimeException e) {
            // Invalid for HAPI (a bad date, an unknown type): it cannot be checked, so it stays.
            return null;
        }
    }

    private static boolean subsetted(JsonNode resource) {
        for (JsonNode tag : resource.path("meta").path("tag")) {
            if ("SUBSETTED".equals(tag.path("code").asText(null)) && SUBSETTED_SYSTEM.equals(tag.path("system").asText(null))) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> paramsOf(List<SearchQuery> queries) {
        Set<String> params = new LinkedHashSet<>();
        for (SearchQuery q : queries) {
            for (SearchQuery.Criterion c : q.criteria()) {
                params.add(c.param());
            }
        }
        return params;
    }

    private static IParser newParser() {
        IParser parser = Fhir.r4().newJsonParser();
        // Unknown elements are tolerated silently (real exports carry extensions of all kinds);
        // an invalid value fails the parse, and the resource is then kept unchecked rather than
        // judged on a model that lost the value.
        LenientErrorHandler handler = new LenientErrorHandler(false);
        handler.setErrorOnInvalidValue(true);
        parser.setParserErrorHandler(handler);
        return parser;
    }
}
