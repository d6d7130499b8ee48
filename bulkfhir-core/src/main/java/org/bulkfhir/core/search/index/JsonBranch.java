package org.bulkfhir.core.search.index;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.RuntimeChildChoiceDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.ExpressionNode.Function;
import org.hl7.fhir.r4.fhirpath.ExpressionNode.Kind;
import org.hl7.fhir.r4.fhirpath.ExpressionNode.Operation;
import org.hl7.fhir.r4.model.StringType;

/**
 * One search-parameter path branch compiled to steps over a resource's JSON tree, typed by HAPI's
 * R4 model definitions, so that indexing needs no HAPI model of the resource.
 *
 * <p>It covers the shapes the R4 search parameters use: member navigation (choice elements such
 * as {@code value[x]} included), {@code as T} and {@code as(T)}, {@code where(resolve() is T)} and
 * {@code where(member = 'constant')}, and one leading group. Anything else (for example
 * {@code Patient.deceased.exists() and Patient.deceased != false} or a path through a contained
 * resource) does not compile, and {@link JsonIndexer} indexes that type through the HAPI model.
 */
final class JsonBranch {
    /** A value found by a step: its JSON and its FHIR type. */
    record Item(JsonNode node, BaseRuntimeElementDefinition<?> type) {
    }

    /** Thrown while compiling a path outside the supported shapes. */
    static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    private interface Step {
        void apply(List<Item> in, List<Item> out);
    }

    private static final Set<String> ROOTS = Set.of("Resource", "DomainResource");

    private final Step[] steps;

    private JsonBranch(List<Step> steps) {
        this.steps = steps.toArray(Step[]::new);
    }

    /** The values the branch selects in {@code resource}, whose type is {@code resourceType}. */
    List<Item> evaluate(JsonNode resource, BaseRuntimeElementDefinition<?> resourceType) {
        List<Item> items = new ArrayList<>(2);
        items.add(new Item(resource, resourceType));
        for (Step step : steps) {
            if (items.isEmpty()) {
                return items;
            }
            List<Item> next = new ArrayList<>(items.size() + 1);
            step.apply(items, next);
            items = next;
        }
        return items;
    }

    /** Compiles {@code path} (already parsed) for resources of type {@code resourceType}. */
    static JsonBranch compile(ExpressionNode path, BaseRuntimeElementCompositeDefinition<?> resourceType)
            throws Unsupported {
        List<Step> steps = new ArrayList<>();
        List<BaseRuntimeElementDefinition<?>> types = List.of(resourceType);
        ExpressionNode node = path;
        if (node.getKind() == Kind.Group) {
            // (X as T) or (X as T).y: the group first, then what follows it
            if (node.getOperation() != null) {
                throw new Unsupported("an operation after a group");
            }
            types = chain(node.getGroup(), types, steps, true);
            node = node.getInner();
            if (node == null) {
                return new JsonBranch(steps);
            }
            chain(node, types, steps, false);
        } else {
            chain(node, types, steps, true);
        }
        return new JsonBranch(steps);
    }

    /**
     * Compiles a dotted chain and, on its first node, an {@code as T} operation. The first name of
     * a root chain is the resource type itself.
     */
    private static List<BaseRuntimeElementDefinition<?>> chain(ExpressionNode first,
            List<BaseRuntimeElementDefinition<?>> types, List<Step> steps, boolean root) throws Unsupported {
        ExpressionNode node = first;
        if (root) {
            if (node.getKind() != Kind.Name) {
                throw new Unsupported("a path that does not start with a type name");
            }
            String name = node.getName();
            if (!ROOTS.contains(name) && !name.equals(types.get(0).getName())) {
                throw new Unsupported("a path rooted at " + name);
            }
            node = node.getInner();
        }
        for (; node != null; node = node.getInner()) {
            if (node != first && node.getOperation() != null) {
                throw new Unsupported("an operation inside a path");
            }
            types = switch (node.getKind()) {
                case Name -> member(node.getName(), types, steps);
                case Function -> function(node, types, steps);
                default -> throw new Unsupported("a " + node.getKind() + " node");
            };
        }
        Operation op = first.getOperation();
        if (op != null) {
            if (op != Operation.As || first.getOpNext() == null || first.getOpNext().getKind() != Kind.Name
                    || first.getOpNext().getInner() != null || first.getOpNext().getOperation() != null) {
                throw new Unsupported("the operation " + op);
            }
            types = as(first.getOpNext().getName(), types, steps);
        }
        return types;
    }

    private static List<BaseRuntimeElementDefinition<?>> function(ExpressionNode node,
            List<BaseRuntimeElementDefinition<?>> types, List<Step> steps) throws Unsupported {
        Function f = node.getFunction();
        List<ExpressionNode> params = node.getParameters();
        if ((f == Function.As || f == Function.OfType) && params.size() == 1 && params.get(0).getKind() == Kind.Name
                && params.get(0).getInner() == null && params.get(0).getOperation() == null) {
            return as(params.get(0).getName(), types, steps);
        }
        if (f == Function.Where && params.size() == 1) {
            steps.add(where(params.get(0), types));
            return types;
        }
        throw new Unsupported("the function " + f);
    }

    /** {@code resolve() is T} on references, or {@code member = 'constant'}. */
    private static Step where(ExpressionNode cond, List<BaseRuntimeElementDefinition<?>> types) throws Unsupported {
        ExpressionNode next = cond.getOpNext();
        if (cond.getKind() == Kind.Function && cond.getFunction() == Function.Resolve && cond.getParameters().isEmpty()
                && cond.getInner() == null && cond.getOperation() == Operation.Is && next != null
                && next.getKind() == Kind.Name && next.getInner() == null && next.getOperation() == null) {
            for (BaseRuntimeElementDefinition<?> t : types) {
                if (!t.getName().equals("Reference")) {
                    throw new Unsupported("resolve() on a " + t.getName());
                }
            }
            String target = next.getName();
            return (in, out) -> {
                for (Item item : in) {
                    JsonNode ref = item.node.get("reference");
                    if (ref != null && ref.isTextual() && target.equals(ReferenceTargets.targetType(ref.asText()))) {
                        out.add(item);
                    }
                }
            };
        }
        if (cond.getKind() == Kind.Name && cond.getInner() == null && cond.getOperation() == Operation.Equals
                && next != null && next.getKind() == Kind.Constant && next.getConstant() instanceof StringType s
                && next.getOperation() == null) {
            String member = cond.getName();
            String value = s.getValue();
            for (BaseRuntimeElementDefinition<?> t : types) {
                BaseRuntimeChildDefinition child = composite(t).getChildByName(member);
                if (child == null || child instanceof RuntimeChildChoiceDefinition || child.getMax() != 1) {
                    throw new Unsupported("where() on " + t.getName() + "." + member);
                }
            }
            return (in, out) -> {
                for (Item item : in) {
                    JsonNode v = item.node.get(member);
                    if (v != null && v.isTextual() && v.asText().equals(value)) {
                        out.add(item);
                    }
                }
            };
        }
        throw new Unsupported("this where() condition");
    }

    /** Keeps the items of type {@code name} (case-insensitive, as HAPI evaluates these paths). */
    private static List<BaseRuntimeElementDefinition<?>> as(String name, List<BaseRuntimeElementDefinition<?>> types,
            List<Step> steps) throws Unsupported {
        List<BaseRuntimeElementDefinition<?>> kept = new ArrayList<>();
        for (BaseRuntimeElementDefinition<?> t : types) {
            if (isA(t, name)) {
                kept.add(t);
            }
        }
        Set<BaseRuntimeElementDefinition<?>> keep = identitySet(kept);
        steps.add((in, out) -> {
            for (Item item : in) {
                if (keep.contains(item.type)) {
                    out.add(item);
                }
            }
        });
        return kept;
    }

    private static boolean isA(BaseRuntimeElementDefinition<?> t, String name) {
        return t.getName().equalsIgnoreCase(name)
                || (name.equalsIgnoreCase("Quantity") && JsonValues.QUANTITIES.contains(t.getName()));
    }

    /** Navigates to member {@code name}: for a choice element, every {@code name<Type>} JSON key. */
    private static List<BaseRuntimeElementDefinition<?>> member(String name, List<BaseRuntimeElementDefinition<?>> types,
            List<Step> steps) throws Unsupported {
        Map<BaseRuntimeElementDefinition<?>, Variant[]> byType = new IdentityHashMap<>();
        List<BaseRuntimeElementDefinition<?>> out = new ArrayList<>();
        for (BaseRuntimeElementDefinition<?> t : types) {
            BaseRuntimeChildDefinition child = childNamed(composite(t), name);
            if (child == null) {
                throw new Unsupported(t.getName() + " has no element " + name);
            }
            List<String> keys = child instanceof RuntimeChildChoiceDefinition
                    ? new ArrayList<>(child.getValidChildNames()) : List.of(name);
            List<Variant> variants = new ArrayList<>();
            for (String key : keys) {
                BaseRuntimeElementDefinition<?> type = child.getChildByName(key);
                if (type == null || !typed(type)) {
                    throw new Unsupported(t.getName() + "." + key + " has no fixed type");
                }
                variants.add(new Variant(key, type));
                if (!out.contains(type)) {
                    out.add(type);
                }
            }
            byType.put(t, variants.toArray(Variant[]::new));
        }
        steps.add((in, found) -> {
            for (Item item : in) {
                for (Variant v : byType.get(item.type)) {
                    JsonNode value = item.node.get(v.key);
                    if (value == null) {
                        continue;
                    }
                    if (value.isArray()) {
                        for (JsonNode e : value) {
                            if (!e.isNull()) {
                                found.add(new Item(e, v.type));
                            }
                        }
                    } else if (!value.isNull()) {
                        found.add(new Item(value, v.type));
                    }
                }
            }
        });
        return out;
    }

    private record Variant(String key, BaseRuntimeElementDefinition<?> type) {
    }

    private static BaseRuntimeChildDefinition childNamed(BaseRuntimeElementCompositeDefinition<?> def, String name) {
        for (BaseRuntimeChildDefinition c : def.getChildren()) {
            if (c.getElementName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** Primitives, datatypes and backbone elements; not contained or inline resources. */
    private static boolean typed(BaseRuntimeElementDefinition<?> type) {
        return switch (type.getChildType()) {
            case PRIMITIVE_DATATYPE, COMPOSITE_DATATYPE, RESOURCE_BLOCK, ID_DATATYPE -> true;
            default -> false;
        };
    }

    private static BaseRuntimeElementCompositeDefinition<?> composite(BaseRuntimeElementDefinition<?> t)
            throws Unsupported {
        if (t instanceof BaseRuntimeElementCompositeDefinition<?> c) {
            return c;
        }
        throw new Unsupported("a member of the primitive " + t.getName());
    }

    private static Set<BaseRuntimeElementDefinition<?>> identitySet(List<BaseRuntimeElementDefinition<?>> types) {
        Set<BaseRuntimeElementDefinition<?>> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(types);
        return set;
    }
}
