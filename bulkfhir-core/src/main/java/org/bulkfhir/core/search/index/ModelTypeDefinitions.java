package org.bulkfhir.core.search.index;

import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BackboneElement;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Enumerations.FHIRDefinedType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r4.model.StructureDefinition.TypeDerivationRule;

/**
 * Bare StructureDefinitions (name, kind, base type and nothing else) for every R4 type, built
 * from HAPI's model classes.
 *
 * <p>The FHIRPath engine needs a type's definition and its base chain to evaluate a path rooted
 * at {@code Resource}, and {@code as}, {@code ofType()} and {@code is} with a type name; it
 * finds none of them without the R4 core profiles. Those ship in HAPI's validation-resources
 * jar, tens of megabytes of XML that take seconds and a lot of heap to load, of which the
 * engine would read only the type hierarchy. That hierarchy is already in the model classes.
 */
final class ModelTypeDefinitions implements IValidationSupport {
    static final String URL_PREFIX = "http://hl7.org/fhir/StructureDefinition/";

    private final FhirContext ctx;
    private final Map<String, StructureDefinition> byUrl;
    private final List<IBaseResource> all;

    ModelTypeDefinitions(FhirContext ctx) {
        this.ctx = ctx;
        Map<Class<?>, String> typeOfClass = new HashMap<>();
        // Abstract R4 types with no runtime definition of their own.
        typeOfClass.put(Resource.class, "Resource");
        typeOfClass.put(DomainResource.class, "DomainResource");
        typeOfClass.put(Element.class, "Element");
        typeOfClass.put(BackboneElement.class, "BackboneElement");
        for (FHIRDefinedType t : FHIRDefinedType.values()) {
            if (t == FHIRDefinedType.NULL) {
                continue;
            }
            Class<?> cls = modelClass(t.toCode());
            if (cls != null) {
                typeOfClass.putIfAbsent(cls, t.toCode());
            }
        }
        Map<String, StructureDefinition> defs = new HashMap<>();
        for (Map.Entry<Class<?>, String> e : typeOfClass.entrySet()) {
            String name = e.getValue();
            Class<?> cls = e.getKey();
            StructureDefinition sd = new StructureDefinition();
            sd.setUrl(URL_PREFIX + name);
            sd.setName(name);
            sd.setType(name);
            sd.setDerivation(TypeDerivationRule.SPECIALIZATION);
            if (Resource.class.isAssignableFrom(cls)) {
                sd.setKind(StructureDefinitionKind.RESOURCE);
            } else if (PrimitiveType.class.isAssignableFrom(cls) || "xhtml".equals(name)) {
                sd.setKind(StructureDefinitionKind.PRIMITIVETYPE);
            } else {
                sd.setKind(StructureDefinitionKind.COMPLEXTYPE);
            }
            sd.setAbstract(cls == Resource.class || cls == DomainResource.class || cls == Element.class
                    || cls == BackboneElement.class);
            // The base is the nearest Java superclass that is itself an R4 type; HAPI's
            // intermediate classes (Type, BackboneType, BaseDateTimeType...) are skipped.
            for (Class<?> sup = cls.getSuperclass(); sup != null; sup = sup.getSuperclass()) {
                String base = typeOfClass.get(sup);
                if (base != null) {
                    sd.setBaseDefinition(URL_PREFIX + base);
                    break;
                }
            }
            if (!sd.hasBaseDefinition() && !"Resource".equals(name) && !"Element".equals(name)) {
                sd.setBaseDefinition(URL_PREFIX + "Element");
            }
            defs.put(sd.getUrl(), sd);
        }
        this.byUrl = Map.copyOf(defs);
        this.all = Collections.unmodifiableList(new ArrayList<>(defs.values()));
    }

    private Class<?> modelClass(String code) {
        if (ctx.getResourceTypes().contains(code)) {
            return ctx.getResourceDefinition(code).getImplementingClass();
        }
        try {
            BaseRuntimeElementDefinition<?> def = ctx.getElementDefinition(code);
            return def == null ? null : def.getImplementingClass();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public FhirContext getFhirContext() {
        return ctx;
    }

    @Override
    public String getName() {
        return "bulkfhir model type definitions";
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
        return (List<T>) all;
    }

    @Override
    public IBaseResource fetchStructureDefinition(String url) {
        return url == null ? null : byUrl.get(url);
    }
}
