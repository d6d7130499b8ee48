package org.bulkfhir.core.search.index;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.search.DateRanges;
import org.bulkfhir.core.search.SearchParamKind;
import org.bulkfhir.core.search.SearchText;
import org.bulkfhir.core.search.index.ResourceIndex.DateEntry;
import org.bulkfhir.core.search.index.ResourceIndex.QuantityEntry;
import org.bulkfhir.core.search.index.ResourceIndex.ReferenceEntry;
import org.bulkfhir.core.search.index.ResourceIndex.StringEntry;
import org.bulkfhir.core.search.index.ResourceIndex.TokenEntry;
import org.bulkfhir.core.search.index.ResourceIndex.UriEntry;
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
 * compartments it belongs to. The store runs it at write time; the client runs it, restricted
 * to the parameters a {@code _typeFilter} names, to check a server's output (C-18), so both
 * sides see the same values.
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
    static final String ISO_4217 = "urn:iso:std:iso:4217";
    private static final String PATIENT = "Patient";

    private final FhirContext ctx;
    private final Set<String> resourceTypes;
    private final HapiWorkerContext worker;
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
        this.worker = new HapiWorkerContext(ctx, new ModelTypeDefinitions(ctx));
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
        Sink sink = new Sink();
        for (Expr e : plan) {
            try {
                List<Base> values = engine.evaluate(null, resource, resource, resource, e.node);
                if (values.isEmpty()) {
                    continue;
                }
                for (Param p : e.params) {
                    for (Base v : values) {
                        sink.add(p, v);
                    }
                }
            } catch (RuntimeException ex) {
                reportOnce("eval:" + type + ":" + e.path, () -> LOG.debug(
                        "Skipping search parameter path '{}' of {} {}: {}",
                        e.path, type, resource.getIdElement().getIdPart(), ex.toString()));
            }
        }
        if (resource instanceof Patient && resource.getIdElement().hasIdPart()) {
            // A Patient is in its own compartment; the compartment definition lists only `link`.
            sink.compartments.add(resource.getIdElement().getIdPart());
        }
        return sink.build();
    }

    /** Evaluates any FHIRPath the way parameter paths are evaluated; for tests and diagnostics. */
    List<Base> evaluate(Resource resource, String path) {
        FHIRPathEngine engine = engines.get();
        return engine.evaluate(null, resource, resource, resource, engine.parse(path));
    }

    // ---------------------------------------------------------------- plan

    /** @param derived alias parameters whose values are this one's of their target type */
    private record Param(String name, SearchParamKind kind, boolean patientCompartment, Derived[] derived) {
    }

    private record Derived(String name, String targetType, boolean patientCompartment) {
    }

    private record Expr(String path, ExpressionNode node, Param[] params) {
    }

    private record PlanKey(String type, Set<String> params) {
    }

    /** The parsed paths of {@code type}'s parameters; all of them when {@code only} is null. */
    private Expr[] plan(String type, Set<String> only) {
        List<RuntimeSearchParam> params = ParamPaths.searchParams(ctx.getResourceDefinition(type));
        Map<String, ParamAliases.Alias> aliases = deriveAliases ? ParamAliases.forType(type) : Map.of();
        Set<String> wanted = new LinkedHashSet<>();
        for (RuntimeSearchParam sp : params) {
            if (SearchParamKind.of(sp.getParamType()) != null
                    && (only == null ? !ParamPaths.ROW_COLUMNS.contains(sp.getName()) : only.contains(sp.getName()))) {
                wanted.add(sp.getName());
            }
        }
        Map<String, List<Derived>> derivedByBase = new LinkedHashMap<>();
        for (RuntimeSearchParam sp : params) {
            ParamAliases.Alias alias = aliases.get(sp.getName());
            // Unions need no derivation: their branches are shared with their parts' and evaluated once.
            if (alias != null && alias.targetType() != null && wanted.contains(sp.getName())
                    && wanted.contains(alias.bases().get(0))) {
                derivedByBase.computeIfAbsent(alias.bases().get(0), k -> new ArrayList<>())
                        .add(new Derived(sp.getName(), alias.targetType(), inPatientCompartment(sp)));
                wanted.remove(sp.getName());
            }
        }
        Map<String, List<Param>> byPath = new LinkedHashMap<>();
        for (RuntimeSearchParam sp : params) {
            if (!wanted.contains(sp.getName())) {
                continue;
            }
            SearchParamKind kind = SearchParamKind.of(sp.getParamType());
            Param param = new Param(sp.getName(), kind, kind == SearchParamKind.REFERENCE && inPatientCompartment(sp),
                    derivedByBase.getOrDefault(sp.getName(), List.of()).toArray(Derived[]::new));
            for (String branch : ParamPaths.branches(type, sp, resourceTypes)) {
                byPath.computeIfAbsent(branch, k -> new ArrayList<>()).add(param);
            }
        }
        FHIRPathEngine engine = engines.get();
        List<Expr> exprs = new ArrayList<>(byPath.size());
        for (Map.Entry<String, List<Param>> e : byPath.entrySet()) {
            try {
                ExpressionNode node = engine.parse(e.getKey());
                exprs.add(new Expr(e.getKey(), node, e.getValue().toArray(Param[]::new)));
            } catch (RuntimeException ex) {
                // Plans are built once per type, so this is logged once.
                LOG.debug("Not indexing {} {}: path '{}' does not parse: {}",
                        type, e.getValue().stream().map(Param::name).toList(), e.getKey(), ex.toString());
            }
        }
        return exprs.toArray(Expr[]::new);
    }

    private static boolean inPatientCompartment(RuntimeSearchParam sp) {
        Set<String> compartments = sp.getProvidesMembershipInCompartments();
        return compartments != null && compartments.contains(PATIENT);
    }

    /*
     * Each top-level {@code |} branch of a path is evaluated on its own (ParamPaths). That gives
     * the same values (the entries are de-duplicated anyway) without the engine's union, which
     * compares every pair of values for equality: quadratic, and for two UCUM quantities with
     * different values it needs a UCUM service, so {@code component-value-quantity} failed on
     * every blood-pressure Observation. It also lets parameters share branches: {@code code} and
     * {@code combo-code} both contain {@code Observation.code}, evaluated once.
     */

    private FHIRPathEngine newEngine() {
        FHIRPathEngine engine = new FHIRPathEngine(worker);
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

    /** The entries of one resource, de-duplicated per kind. */
    private final class Sink {
        final Set<TokenEntry> tokens = new LinkedHashSet<>();
        final Set<StringEntry> strings = new LinkedHashSet<>();
        final Set<DateEntry> dates = new LinkedHashSet<>();
        final Set<ReferenceEntry> references = new LinkedHashSet<>();
        final Set<QuantityEntry> quantities = new LinkedHashSet<>();
        final Set<UriEntry> uris = new LinkedHashSet<>();
        final Set<String> compartments = new LinkedHashSet<>();

        void add(Param p, Base v) {
            switch (p.kind) {
                case TOKEN -> token(p.name, v);
                case STRING -> string(p.name, v);
                case DATE -> date(p.name, v);
                case REFERENCE -> reference(p, v);
                case QUANTITY -> quantity(p.name, v);
                case URI -> uri(p.name, v);
                default -> throw new IllegalStateException(p.kind.toString());
            }
        }

        private void token(String param, Base v) {
            if (v instanceof Coding c) {
                coding(param, c, null);
            } else if (v instanceof CodeableConcept cc) {
                String ccText = cc.hasText() ? cc.getText() : null;
                boolean any = false;
                if (cc.hasCoding()) {
                    for (Coding c : cc.getCoding()) {
                        any |= coding(param, c, ccText);
                    }
                }
                if (!any && ccText != null && !ccText.isBlank()) {
                    tokens.add(new TokenEntry(param, null, null, normalize(ccText)));
                }
            } else if (v instanceof Identifier id) {
                String system = blankToNull(id.getSystem());
                String value = blankToNull(id.getValue());
                if (system != null || value != null) {
                    tokens.add(new TokenEntry(param, system, value, normalize(typeText(id))));
                }
            } else if (v instanceof ContactPoint cp) {
                String value = blankToNull(cp.getValue());
                if (value != null) {
                    tokens.add(new TokenEntry(param, null, value, null));
                }
            } else if (v instanceof IdType id) {
                String idPart = blankToNull(id.getIdPart());
                if (idPart != null) {
                    tokens.add(new TokenEntry(param, null, idPart, null));
                }
            } else if (v instanceof PrimitiveType<?> pt) {
                // code, Enumeration, boolean ("true"/"false"), string, uri...
                String value = blankToNull(pt.getValueAsString());
                if (value != null) {
                    tokens.add(new TokenEntry(param, null, value, null));
                }
            } else {
                unsupported(param, SearchParamKind.TOKEN, v);
            }
        }

        private boolean coding(String param, Coding c, String fallbackText) {
            String system = blankToNull(c.getSystem());
            String code = blankToNull(c.getCode());
            String display = blankToNull(c.getDisplay());
            if (system == null && code == null && display == null) {
                return false;
            }
            String text = display != null ? display : fallbackText;
            tokens.add(new TokenEntry(param, system, code, normalize(text)));
            return true;
        }

        private void string(String param, Base v) {
            // has*() before each list getter: HAPI's getters create the lists they return,
            // which would modify the resource being stored.
            if (v instanceof HumanName n) {
                if (n.hasGiven()) {
                    strs(param, n.getGiven());
                }
                str(param, n.getFamily());
                str(param, n.getText());
                if (n.hasPrefix()) {
                    strs(param, n.getPrefix());
                }
                if (n.hasSuffix()) {
                    strs(param, n.getSuffix());
                }
            } else if (v instanceof Address a) {
                if (a.hasLine()) {
                    strs(param, a.getLine());
                }
                str(param, a.getCity());
                str(param, a.getDistrict());
                str(param, a.getState());
                str(param, a.getPostalCode());
                str(param, a.getCountry());
                str(param, a.getText());
            } else if (v instanceof PrimitiveType<?> pt) {
                str(param, pt.getValueAsString());
            } else {
                unsupported(param, SearchParamKind.STRING, v);
            }
        }

        private void strs(String param, List<StringType> values) {
            for (StringType s : values) {
                str(param, s.getValue());
            }
        }

        private void str(String param, String value) {
            if (value == null || value.isBlank()) {
                return;
            }
            strings.add(new StringEntry(param, normalize(value), truncate(value)));
        }

        private void date(String param, Base v) {
            if (v instanceof BaseDateTimeType dt) {
                long[] r = DateRanges.range(dt.getValueAsString());
                if (r != null) {
                    dates.add(new DateEntry(param, r[0], r[1]));
                }
            } else if (v instanceof Period p) {
                period(param, p);
            } else if (v instanceof Timing t) {
                if (t.hasEvent()) {
                    for (DateTimeType e : t.getEvent()) {
                        date(param, e);
                    }
                }
                if (t.hasRepeat() && t.getRepeat().hasBoundsPeriod()) {
                    period(param, t.getRepeat().getBoundsPeriod());
                }
            } else {
                unsupported(param, SearchParamKind.DATE, v);
            }
        }

        private void period(String param, Period p) {
            boolean hasStart = p.hasStartElement() && p.getStartElement().hasValue();
            boolean hasEnd = p.hasEndElement() && p.getEndElement().hasValue();
            if (!hasStart && !hasEnd) {
                return;
            }
            long low = hasStart ? DateRanges.low(p.getStartElement().getValueAsString()) : DateRanges.OPEN_LOW;
            long high = hasEnd ? DateRanges.high(p.getEndElement().getValueAsString()) : DateRanges.OPEN_HIGH;
            dates.add(new DateEntry(param, low, high));
        }

        private void reference(Param p, Base v) {
            if (v instanceof Reference r) {
                if (!r.hasReference()) {
                    return; // identifier- or display-only references cannot be searched by target
                }
                ReferenceEntry e = parseReference(p.name, r.getReference());
                if (e == null) {
                    return;
                }
                reference(p.patientCompartment, e);
                for (Derived d : p.derived) {
                    if (d.targetType.equals(e.targetType())) {
                        reference(d.patientCompartment, new ReferenceEntry(d.name, e.targetType(), e.targetId(), e.url()));
                    }
                }
            } else if (v instanceof UriType u) {
                // canonical or uri used as a reference: matched by URL only
                String url = blankToNull(u.getValue());
                if (url != null) {
                    references.add(new ReferenceEntry(p.name, null, null, url));
                }
            } else {
                unsupported(p.name, SearchParamKind.REFERENCE, v);
            }
        }

        private void reference(boolean patientCompartment, ReferenceEntry e) {
            references.add(e);
            if (patientCompartment && e.url() == null && PATIENT.equals(e.targetType())) {
                compartments.add(e.targetId());
            }
        }

        private void quantity(String param, Base v) {
            if (v instanceof Quantity q) {
                // also Age, Duration, Distance, Count, SimpleQuantity, MoneyQuantity
                if (q.hasValue()) {
                    quantities.add(new QuantityEntry(param, q.getValue().doubleValue(),
                            blankToNull(q.getSystem()), blankToNull(q.getCode()), blankToNull(q.getUnit())));
                }
            } else if (v instanceof Money m) {
                if (m.hasValue()) {
                    String currency = blankToNull(m.getCurrency());
                    quantities.add(new QuantityEntry(param, m.getValue().doubleValue(), ISO_4217, currency, currency));
                }
            } else if (v instanceof Range r) {
                if (r.hasLow()) {
                    quantity(param, r.getLow());
                }
                if (r.hasHigh()) {
                    quantity(param, r.getHigh());
                }
            } else if (!(v instanceof SampledData)) {
                // SampledData is listed by value-quantity but has no single value to index.
                unsupported(param, SearchParamKind.QUANTITY, v);
            }
        }

        private void uri(String param, Base v) {
            if (v instanceof UriType u) {
                // also url, canonical, oid, uuid
                String value = blankToNull(u.getValue());
                if (value != null) {
                    uris.add(new UriEntry(param, value));
                }
            } else {
                unsupported(param, SearchParamKind.URI, v);
            }
        }

        ResourceIndex build() {
            return new ResourceIndex(List.copyOf(tokens), List.copyOf(strings), List.copyOf(dates),
                    List.copyOf(references), List.copyOf(quantities), List.copyOf(uris), Set.copyOf(compartments));
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

    // ---------------------------------------------------------------- references

    /**
     * {@code Type/id} (optionally {@code /_history/n}) gives a local target; an absolute URL is
     * kept as the url, with the target too when it ends in {@code Type/id}. Contained
     * ({@code #x}) and unresolved conditional references give nothing.
     */
    ReferenceEntry parseReference(String param, String reference) {
        if (reference == null) {
            return null;
        }
        String ref = reference.trim();
        if (ref.isEmpty() || ref.charAt(0) == '#') {
            return null;
        }
        // A logical id cannot contain ':', so any colon means a scheme (http:, urn:...).
        boolean absolute = ref.indexOf(':') >= 0;
        String path = ref;
        int query = path.indexOf('?');
        if (query >= 0) {
            if (!absolute) {
                return null; // a conditional reference the writer should have resolved
            }
            path = path.substring(0, query);
        }
        int history = path.lastIndexOf("/_history/");
        if (history >= 0) {
            path = path.substring(0, history);
        }
        String targetType = null;
        String targetId = null;
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
            int before = path.lastIndexOf('/', slash - 1);
            String type = path.substring(before + 1, slash);
            String id = path.substring(slash + 1);
            boolean shapeOk = absolute || before < 0;
            if (shapeOk && isLogicalId(id) && resourceTypes.contains(type)) {
                targetType = type;
                targetId = id;
            }
        }
        if (absolute) {
            return new ReferenceEntry(param, targetType, targetId, ref);
        }
        return targetType == null ? null : new ReferenceEntry(param, targetType, targetId, null);
    }

    /** {@code [A-Za-z0-9\-.]{1,64}}, checked by hand: a regex here showed up in profiles. */
    private static boolean isLogicalId(String id) {
        int n = id.length();
        if (n == 0 || n > 64) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Gives {@code resolve()} an empty resource of the referenced type, which is all that
     * {@code where(resolve() is Patient)} needs; there is no database lookup at index time.
     */
    private final class StubResolvingHost implements IHostApplicationServices {
        @Override
        public Base resolveReference(FHIRPathEngine engine, Object appContext, String url, Base refContext) {
            ReferenceEntry e = parseReference("", url);
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

    static String truncate(String s) {
        return SearchText.truncate(s);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
