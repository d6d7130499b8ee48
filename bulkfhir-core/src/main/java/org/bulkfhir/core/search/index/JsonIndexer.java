package org.bulkfhir.core.search.index;

import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.search.index.IndexPlan.Param;
import org.bulkfhir.core.search.index.JsonBranch.Item;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes the same {@link ResourceIndex} as {@link SearchParamExtractor}, from the resource's
 * JSON tree instead of a HAPI model: the store's write path, where building the model and
 * evaluating FHIRPath on it was most of the cost of a load.
 *
 * <p>Each branch of the {@link IndexPlan} is compiled once per type to a {@link JsonBranch} and
 * its values are read by their FHIR type, with the same {@link IndexSink} rules. A type with a
 * branch outside what {@link JsonBranch} compiles (Patient's {@code deceased}, Bundle's
 * {@code entry[0].resource}) is indexed through the HAPI model instead, whole, so its index never
 * mixes the two. A differential test holds the two extractors to the same output.
 *
 * <p>Thread-safe: the compiled plans are immutable and shared.
 */
public final class JsonIndexer {
    private static final Logger LOG = LoggerFactory.getLogger(JsonIndexer.class);
    private static final String PATIENT = "Patient";

    private final FhirContext ctx = Fhir.r4();
    private final Set<String> resourceTypes = Set.copyOf(ctx.getResourceTypes());
    private final SearchParamExtractor fallback;
    /** Per type, the parameters to index; null for all of every type. */
    private final Map<String, Set<String>> only;
    private final ConcurrentMap<String, Plan> plans = new ConcurrentHashMap<>();
    /** Parses the paths; used once per type, under its own lock (the engine is not thread-safe). */
    private FHIRPathEngine parser;

    /** @param fallback indexes the types whose paths do not compile to JSON steps */
    public JsonIndexer(SearchParamExtractor fallback) {
        this(fallback, null);
    }

    /**
     * An indexer of some parameters only: what a {@code _typeFilter} check needs, where indexing
     * all of an Observation's thirty parameters to test two was most of the work.
     *
     * @param only per type, the parameters to index (a type not named gets none); null for all
     */
    public JsonIndexer(SearchParamExtractor fallback, Map<String, Set<String>> only) {
        this.fallback = fallback;
        this.only = only == null ? null : Map.copyOf(only);
    }

    private Set<String> onlyOf(String type) {
        return only == null ? null : only.getOrDefault(type, Set.of());
    }

    private record Compiled(JsonBranch branch, Param[] params) {
    }

    /** A type's compiled branches, or null ones when the type goes through the HAPI model. */
    private record Plan(BaseRuntimeElementDefinition<?> type, Compiled[] branches) {
    }

    /** True when {@code type} is indexed from JSON alone, without {@code model}. */
    public boolean indexesFromJson(String type) {
        return plan(type).branches != null;
    }

    /**
     * The index of a resource of {@code type} stored under {@code id}.
     *
     * @param model the resource parsed by HAPI, asked for only when the type needs it
     */
    public ResourceIndex index(JsonNode resource, String type, String id, Supplier<Resource> model) {
        Objects.requireNonNull(resource, "resource");
        Plan plan = plan(type);
        if (plan.branches == null) {
            Resource r = model.get();
            r.setId(new IdType(type, id));
            return only == null ? fallback.extract(r) : fallback.extract(r, onlyOf(type));
        }
        IndexSink sink = new IndexSink();
        for (Compiled c : plan.branches) {
            List<Item> values = c.branch.evaluate(resource, plan.type);
            if (values.isEmpty()) {
                continue;
            }
            for (Param p : c.params) {
                for (Item v : values) {
                    JsonValues.add(sink, p, v);
                }
            }
        }
        if (PATIENT.equals(type)) {
            sink.ownCompartment(id);
        }
        return sink.build();
    }

    private Plan plan(String type) {
        Plan plan = plans.get(type);
        return plan != null ? plan : plans.computeIfAbsent(type, this::compile);
    }

    private Plan compile(String type) {
        BaseRuntimeElementCompositeDefinition<?> def = ctx.getResourceDefinition(type);
        List<Compiled> compiled = new ArrayList<>();
        for (IndexPlan.Branch b : IndexPlan.of(ctx, resourceTypes, type, onlyOf(type), true)) {
            try {
                compiled.add(new Compiled(JsonBranch.compile(parse(b.path()), def), b.params()));
            } catch (JsonBranch.Unsupported e) {
                LOG.debug("Indexing {} through the HAPI model: {} {} ({})", type,
                        Arrays.stream(b.params()).map(Param::name).toList(), b.path(), e.getMessage());
                return new Plan(def, null);
            } catch (RuntimeException e) {
                // A path FHIRPath cannot parse is skipped by the HAPI extractor too.
                LOG.debug("Not indexing {} {}: path '{}' does not parse: {}", type,
                        Arrays.stream(b.params()).map(Param::name).toList(), b.path(), e.toString());
            }
        }
        return new Plan(def, compiled.toArray(Compiled[]::new));
    }

    private synchronized ExpressionNode parse(String path) {
        if (parser == null) {
            // Parsing needs no type definitions; an engine given none starts without scanning
            // HAPI's whole model (seconds at the start of every load).
            parser = new FHIRPathEngine(new HapiWorkerContext(ctx, new NoDefinitions(ctx)));
        }
        return parser.parse(path);
    }

    private record NoDefinitions(FhirContext getFhirContext) implements IValidationSupport {
        @Override
        public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
            return List.of();
        }
    }
}
