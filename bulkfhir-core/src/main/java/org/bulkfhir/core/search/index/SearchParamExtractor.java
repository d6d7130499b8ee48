package org.bulkfhir.core.search.index;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.search.SearchParamKind;
import org.bulkfhir.core.search.SearchText;
import org.bulkfhir.core.search.index.IndexPlan.Param;
import org.bulkfhir.core.search.index.ResourceIndex.ReferenceEntry;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.fhirpath.FHIRPathUtilityClasses.FunctionDetails;
import org.hl7.fhir.r4.fhirpath.IHostApplicationServices;
import org.hl7.fhir.r4.fhirpath.TypeDetails;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceFactory;
import org.hl7.fhir.r4.model.SampledData;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Timing;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.fhirpath.FHIRPathConstantEvaluationMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes the {@link ResourceIndex} of a resource: the values of every token, string, date,
 * reference, quantity and uri search parameter HAPI defines for its R4 type, and the Patient
 * compartments it belongs to, from a HAPI model of it. The client runs it, restricted to the
 * parameters a {@code _typeFilter} names, to check a server's output (C-18); the store indexes from
 * the JSON tree instead ({@link JsonIndexer}, held to this extractor by a differential test) and
 * runs this one only for the types whose paths need the model, so both sides see the same values.
 *
 * <p>Each parameter's FHIRPath expression is split into its top-level union branches, each
 * parsed once per resource type and the parsed tree reused for every resource; a branch
 * shared by several parameters (Coverage {@code patient} and {@code beneficiary}, say) is
 * evaluated once. A path that does not parse, or whose evaluation throws for some resource,
 * is skipped (logged once at debug): indexing never rejects a resource.
 *
 * <p>Thread-safe. The parsed trees and per-type plans are shared; the FHIRPath engine keeps
 * mutable state (log buffer, type warnings), so each thread gets its own.
 */
public final class SearchParamExtractor {
    private static final Logger LOG = LoggerFactory.getLogger(SearchParamExtractor.class);

    static final int MAX_STRING_LENGTH = SearchText.MAX_LENGTH;

    private final FhirContext ctx;
    private final Set<String> resourceTypes;
    /** Built on first evaluation: it scans HAPI's whole R4 model, seconds a load does not need to wait for. */
    private HapiWorkerContext worker;
    private final IHostApplicationServices host = new StubResolvingHost();
    private final ThreadLocal<FHIRPathEngine> engines;
    private final ConcurrentMap<String, Expr[]> plans = new ConcurrentHashMap<>();
    private final ConcurrentMap<PlanKey, Expr[]> partialPlans = new ConcurrentHashMap<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final boolean deriveAliases;

    public SearchParamExtractor() {
        this(true);
    }

    /**
     * @param deriveAliases derive the values of restricted-reference {@link ParamAliases aliases} from
     *     their base parameter's instead of evaluating their paths (false only to check the two agree)
     */
    SearchParamExtractor(boolean deriveAliases) {
        this.deriveAliases = deriveAliases;
        this.ctx = Fhir.r4();
        this.resourceTypes = Set.copyOf(ctx.getResourceTypes());
        this.engines = ThreadLocal.withInitial(this::newEngine);
    }

    /** The search-parameter values and Patient compartments of {@code resource}. */
    public ResourceIndex extract(Resource resource) {
        Objects.requireNonNull(resource, "resource");
        String type = resource.fhirType();
        Expr[] plan = plans.get(type);
        if (plan == null) {
            plan = plans.computeIfAbsent(type, t -> plan(t, null));
        }
        return extract(resource, plan);
    }

    /**
     * The values of the named search parameters only (and the Patient compartments their
     * references give): what a check against a few filter criteria needs, at a fraction of the
     * cost of the full index.
     */
    public ResourceIndex extract(Resource resource, Set<String> params) {
        Objects.requireNonNull(resource, "resource");
        PlanKey key = new PlanKey(resource.fhirType(), Set.copyOf(params));
        Expr[] plan = partialPlans.get(key);
        if (plan == null) {
            plan = partialPlans.computeIfAbsent(key, k -> plan(k.type, k.params));
        }
        return extract(resource, plan);
    }

    private ResourceIndex extract(Resource resource, Expr[] plan) {
        String type = resource.fhirType();
        FHIRPathEngine engine = engines.get();
        IndexSink sink = new IndexSink();
        for (Expr e : plan) {
            try {
                List<Base> values = engine.evaluate(null, resource, resource, resource, e.node);
                if (values.isEmpty()) {
                    continue;
                }
                for (Param p : e.params) {
                    for (Base v : values) {
                        add(sink, p, v);
                    }
                }
            } catch (RuntimeException ex) {
                reportOnce("eval:" + type + ":" + e.path, () -> LOG.debug(
                        "Skipping search parameter path '{}' of {} {}: {}",
                        e.path, type, resource.getIdElement().getIdPart(), ex.toString()));
            }
        }
        if (resource instanceof Patient) {
            sink.ownCompartment(resource.getIdElement().getIdPart());
        }
        return sink.build();
    }

    /** Evaluates any FHIRPath the way parameter paths are evaluated; for tests and diagnostics. */
    List<Base> evaluate(Resource resource, String path) {
        FHIRPathEngine engine = engines.get();
        return engine.evaluate(null, resource, resource, resource, engine.parse(path));
    }

    // ---------------------------------------------------------------- plan

    private record Expr(String path, ExpressionNode node, Param[] params) {
    }

    private record PlanKey(String type, Set<String> params) {
    }

    /** The parsed paths of {@code type}'s parameters; all of them when {@code only} is null. */
    private Expr[] plan(String type, Set<String> only) {
        FHIRPathEngine engine = engines.get();
        List<Expr> exprs = new ArrayList<>();
        for (IndexPlan.Branch b : IndexPlan.of(ctx, resourceTypes, type, only, deriveAliases)) {
            try {
                exprs.add(new Expr(b.path(), engine.parse(b.path()), b.params()));
            } catch (RuntimeException ex) {
                // Plans are built once per type, so this is logged once.
                LOG.debug("Not indexing {} {}: path '{}' does not parse: {}",
                        type, Arrays.stream(b.params()).map(Param::name).toList(), b.path(), ex.toString());
            }
        }
        return exprs.toArray(Expr[]::new);
    }

    /*
     * Each top-level {@code |} branch of a path is evaluated on its own (ParamPaths). That gives
     * the same values (the entries are de-duplicated anyway) without the engine's union, which
     * compares every pair of values for equality: quadratic, and for two UCUM quantities with
     * different values it needs a UCUM service, so {@code component-value-quantity} failed on
     * every blood-pressure Observation. It also lets parameters share branches: {@code code} and
     * {@code combo-code} both contain {@code Observation.code}, evaluated once.
     */

    private synchronized HapiWorkerContext worker() {
        if (worker == null) {
            worker = new HapiWorkerContext(ctx, new ModelTypeDefinitions(ctx));
        }
        return worker;
    }

    private FHIRPathEngine newEngine() {
        FHIRPathEngine engine = new FHIRPathEngine(worker());
        engine.setHostServices(host);
        // As HAPI's own FhirPathR4 does: the R4 search-parameter paths are written for this.
        engine.setDoNotEnforceAsCaseSensitive(true);
        engine.setDoNotEnforceAsSingletonRule(true);
        return engine;
    }

    private void reportOnce(String key, Runnable log) {
        if (LOG.isDebugEnabled() && reported.add(key)) {
            log.run();
        }
    }

    // ---------------------------------------------------------------- values

    /** Reads HAPI model values into an {@link IndexSink}. */
    private void add(IndexSink sink, Param p, Base v) {
        switch (p.kind()) {
            case TOKEN -> token(sink, p.name(), v);
            case STRING -> string(sink, p.name(), v);
            case DATE -> date(sink, p.name(), v);
            case REFERENCE -> reference(sink, p, v);
            case QUANTITY -> quantity(sink, p.name(), v);
            case URI -> uri(sink, p.name(), v);
            default -> throw new IllegalStateException(p.kind().toString());
        }
    }

    private void token(IndexSink sink, String param, Base v) {
        if (v instanceof Coding c) {
            sink.coding(param, c.getSystem(), c.getCode(), c.getDisplay(), null);
        } else if (v instanceof CodeableConcept cc) {
            String ccText = cc.hasText() ? cc.getText() : null;
            boolean any = false;
            if (cc.hasCoding()) {
                for (Coding c : cc.getCoding()) {
                    any |= sink.coding(param, c.getSystem(), c.getCode(), c.getDisplay(), ccText);
                }
            }
            if (!any) {
                sink.conceptText(param, ccText);
            }
        } else if (v instanceof Identifier id) {
            sink.identifier(param, id.getSystem(), id.getValue(), typeText(id));
        } else if (v instanceof ContactPoint cp) {
            sink.code(param, cp.getValue());
        } else if (v instanceof IdType id) {
            sink.code(param, id.getIdPart());
        } else if (v instanceof PrimitiveType<?> pt) {
            // code, Enumeration, boolean ("true"/"false"), string, uri...
            sink.code(param, pt.getValueAsString());
        } else {
            unsupported(param, SearchParamKind.TOKEN, v);
        }
    }

    private void string(IndexSink sink, String param, Base v) {
        // has*() before each list getter: HAPI's getters create the lists they return,
        // which would modify the resource being stored.
        if (v instanceof HumanName n) {
            if (n.hasGiven()) {
                strings(sink, param, n.getGiven());
            }
            sink.string(param, n.getFamily());
            sink.string(param, n.getText());
            if (n.hasPrefix()) {
                strings(sink, param, n.getPrefix());
            }
            if (n.hasSuffix()) {
                strings(sink, param, n.getSuffix());
            }
        } else if (v instanceof Address a) {
            if (a.hasLine()) {
                strings(sink, param, a.getLine());
            }
            sink.string(param, a.getCity());
            sink.string(param, a.getDistrict());
            sink.string(param, a.getState());
            sink.string(param, a.getPostalCode());
            sink.string(param, a.getCountry());
            sink.string(param, a.getText());
        } else if (v instanceof PrimitiveType<?> pt) {
            sink.string(param, pt.getValueAsString());
        } else {
            unsupported(param, SearchParamKind.STRING, v);
        }
    }

    private static void strings(IndexSink sink, String param, List<StringType> values) {
        for (StringType s : values) {
            sink.string(param, s.getValue());
        }
    }

    private void date(IndexSink sink, String param, Base v) {
        if (v instanceof BaseDateTimeType dt) {
            sink.date(param, dt.getValueAsString());
        } else if (v instanceof Period p) {
            period(sink, param, p);
        } else if (v instanceof Timing t) {
            if (t.hasEvent()) {
                for (DateTimeType e : t.getEvent()) {
                    sink.date(param, e.getValueAsString());
                }
            }
            if (t.hasRepeat() && t.getRepeat().hasBoundsPeriod()) {
                period(sink, param, t.getRepeat().getBoundsPeriod());
            }
        } else {
            unsupported(param, SearchParamKind.DATE, v);
        }
    }

    private static void period(IndexSink sink, String param, Period p) {
        boolean hasStart = p.hasStartElement() && p.getStartElement().hasValue();
        boolean hasEnd = p.hasEndElement() && p.getEndElement().hasValue();
        sink.period(param, hasStart ? p.getStartElement().getValueAsString() : null,
                hasEnd ? p.getEndElement().getValueAsString() : null);
    }

    private void reference(IndexSink sink, Param p, Base v) {
        if (v instanceof Reference r) {
            if (r.hasReference()) {
                sink.reference(p, r.getReference());
            }
        } else if (v instanceof UriType u) {
            sink.canonical(p.name(), u.getValue());
        } else {
            unsupported(p.name(), SearchParamKind.REFERENCE, v);
        }
    }

    private void quantity(IndexSink sink, String param, Base v) {
        if (v instanceof Quantity q) {
            // also Age, Duration, Distance, Count, SimpleQuantity, MoneyQuantity
            if (q.hasValue()) {
                sink.quantity(param, q.getValue().doubleValue(), q.getSystem(), q.getCode(), q.getUnit());
            }
        } else if (v instanceof Money m) {
            if (m.hasValue()) {
                sink.money(param, m.getValue().doubleValue(), m.getCurrency());
            }
        } else if (v instanceof Range r) {
            if (r.hasLow()) {
                quantity(sink, param, r.getLow());
            }
            if (r.hasHigh()) {
                quantity(sink, param, r.getHigh());
            }
        } else if (!(v instanceof SampledData)) {
            // SampledData is listed by value-quantity but has no single value to index.
            unsupported(param, SearchParamKind.QUANTITY, v);
        }
    }

    private void uri(IndexSink sink, String param, Base v) {
        if (v instanceof UriType u) {
            // also url, canonical, oid, uuid
            sink.uri(param, u.getValue());
        } else {
            unsupported(param, SearchParamKind.URI, v);
        }
    }

    private void unsupported(String param, SearchParamKind kind, Base v) {
        reportOnce("type:" + param + ":" + kind + ":" + v.fhirType(),
                () -> LOG.debug("No {} conversion for a {} value of search parameter {}", kind, v.fhirType(), param));
    }

    private static String typeText(Identifier id) {
        if (!id.hasType()) {
            return null;
        }
        CodeableConcept type = id.getType();
        if (type.hasText()) {
            return type.getText();
        }
        if (type.hasCoding()) {
            for (Coding c : type.getCoding()) {
                if (c.hasDisplay()) {
                    return c.getDisplay();
                }
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- resolve()

    /**
     * Gives {@code resolve()} an empty resource of the referenced type, which is all that
     * {@code where(resolve() is Patient)} needs; there is no database lookup at index time.
     */
    private final class StubResolvingHost implements IHostApplicationServices {
        @Override
        public Base resolveReference(FHIRPathEngine engine, Object appContext, String url, Base refContext) {
            ReferenceEntry e = ReferenceTargets.parse("", url);
            if (e == null || e.targetType() == null) {
                return null;
            }
            try {
                Resource stub = ResourceFactory.createResource(e.targetType());
                stub.setId(e.targetId());
                return stub;
            } catch (FHIRException ex) {
                return null;
            }
        }

        @Override
        public List<Base> resolveConstant(FHIRPathEngine engine, Object appContext, String name,
                FHIRPathConstantEvaluationMode mode) {
            return null;
        }

        @Override
        public TypeDetails resolveConstantType(FHIRPathEngine engine, Object appContext, String name,
                FHIRPathConstantEvaluationMode mode) {
            return null;
        }

        @Override
        public boolean log(String argument, List<Base> focus) {
            return false;
        }

        @Override
        public FunctionDetails resolveFunction(FHIRPathEngine engine, String functionName) {
            return null;
        }

        @Override
        public TypeDetails checkFunction(FHIRPathEngine engine, Object appContext, String functionName,
                TypeDetails focus, List<TypeDetails> parameters) {
            return null;
        }

        @Override
        public List<Base> executeFunction(FHIRPathEngine engine, Object appContext, List<Base> focus,
                String functionName, List<List<Base>> parameters) {
            return null;
        }

        @Override
        public boolean conformsToProfile(FHIRPathEngine engine, Object appContext, Base item, String url) {
            return false;
        }

        @Override
        public ValueSet resolveValueSet(FHIRPathEngine engine, Object appContext, String url) {
            return null;
        }

        @Override
        public boolean paramIsType(String name, int index) {
            return false;
        }
    }

    // ---------------------------------------------------------------- strings

    /** Lower-cased, accents stripped, at most {@value #MAX_STRING_LENGTH} chars; null stays null. */
    public static String normalize(String s) {
        return SearchText.normalize(s);
    }
}
