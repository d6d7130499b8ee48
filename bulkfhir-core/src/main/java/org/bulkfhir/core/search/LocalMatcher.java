package org.bulkfhir.core.search;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.json.ResourceTypes;
import org.bulkfhir.core.search.index.ResourceIndex;
import org.bulkfhir.core.search.index.SearchParamExtractor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;

/**
 * Checks exported resources against {@code _typeFilter} queries on the client (C-18): a server
 * may ignore {@code _typeFilter}, so its output is re-filtered here. A resource of a type with
 * evaluable queries is parsed with HAPI, the parameters those queries name are extracted with
 * the same R4 definitions and FHIRPath the store indexes with ({@link SearchParamExtractor}),
 * and the queries are evaluated as our server evaluates them ({@link QueryEvaluator}). Every
 * other resource is only peeked at for its type; nothing else is parsed.
 *
 * <p>When in doubt a resource is kept, never removed: its type's filter cannot be evaluated
 * here, HAPI cannot read it, or it carries the {@code SUBSETTED} tag ({@code _elements} may
 * have taken away the very elements a query looks at).
 *
 * <p>Thread-safe: HAPI parsers are per thread, the extractor is shared.
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
    private volatile SearchParamExtractor extractor;
    private final ThreadLocal<IParser> parsers = ThreadLocal.withInitial(LocalMatcher::newParser);

    public LocalMatcher(TypeFilterSet filters) {
        this.filters = filters;
        filters.checkable().forEach((type, queries) -> paramsByType.put(type, paramsOf(queries)));
    }

    /** Built on first use: the FHIRPath context takes a while, and many exports never meet a checked type. */
    private SearchParamExtractor extractor() {
        SearchParamExtractor e = extractor;
        if (e == null) {
            synchronized (this) {
                e = extractor;
                if (e == null) {
                    e = new SearchParamExtractor();
                    extractor = e;
                }
            }
        }
        return e;
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
        Resource resource = parse(json);
        if (resource == null || !resource.fhirType().equals(type) || subsetted(resource)) {
            return Verdict.CANNOT_CHECK;
        }
        return matches(resource) ? Verdict.MATCHES : Verdict.DOES_NOT_MATCH;
    }

    /** The resourceType of one NDJSON line, read without parsing the resource. */
    public static String typeOf(byte[] json) {
        return ResourceTypes.of(json);
    }

    /** Whether a parsed resource of a checked type matches one of its type's queries. */
    public boolean matches(Resource resource) {
        String type = resource.fhirType();
        List<SearchQuery> queries = filters.checkable().get(type);
        if (queries == null) {
            return true;
        }
        ResourceIndex ix = extractor().extract(resource, paramsByType.get(type));
        String id = resource.getIdElement().getIdPart();
        long[] lastUpdated = resource.hasMeta() && resource.getMeta().hasLastUpdatedElement()
                ? DateRanges.range(resource.getMeta().getLastUpdatedElement().getValueAsString()) : null;
        for (SearchQuery q : queries) {
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

    private static boolean subsetted(Resource r) {
        if (!r.hasMeta() || !r.getMeta().hasTag()) {
            return false;
        }
        for (Coding tag : r.getMeta().getTag()) {
            if ("SUBSETTED".equals(tag.getCode()) && SUBSETTED_SYSTEM.equals(tag.getSystem())) {
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
