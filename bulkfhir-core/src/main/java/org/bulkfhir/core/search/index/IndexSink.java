package org.bulkfhir.core.search.index;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bulkfhir.core.search.DateRanges;
import org.bulkfhir.core.search.SearchText;
import org.bulkfhir.core.search.index.IndexPlan.Derived;
import org.bulkfhir.core.search.index.IndexPlan.Param;
import org.bulkfhir.core.search.index.ResourceIndex.DateEntry;
import org.bulkfhir.core.search.index.ResourceIndex.QuantityEntry;
import org.bulkfhir.core.search.index.ResourceIndex.ReferenceEntry;
import org.bulkfhir.core.search.index.ResourceIndex.StringEntry;
import org.bulkfhir.core.search.index.ResourceIndex.TokenEntry;
import org.bulkfhir.core.search.index.ResourceIndex.UriEntry;

/**
 * Collects the entries of one resource, de-duplicated per kind, from the parts of values both
 * extractors read (a coding's system, code and display; a period's bounds...). The rules of what
 * becomes an entry live here once: blank parts count as absent, text is normalized, a reference
 * to a Patient from a compartment parameter puts the resource in that Patient's compartment.
 */
final class IndexSink {
    static final String ISO_4217 = "urn:iso:std:iso:4217";
    private static final String PATIENT = "Patient";

    private final Set<TokenEntry> tokens = new LinkedHashSet<>();
    private final Set<StringEntry> strings = new LinkedHashSet<>();
    private final Set<DateEntry> dates = new LinkedHashSet<>();
    private final Set<ReferenceEntry> references = new LinkedHashSet<>();
    private final Set<QuantityEntry> quantities = new LinkedHashSet<>();
    private final Set<UriEntry> uris = new LinkedHashSet<>();
    private final Set<String> compartments = new LinkedHashSet<>();

    /** A Coding, alone or in a CodeableConcept whose text stands in for a missing display. */
    boolean coding(String param, String system, String code, String display, String fallbackText) {
        system = blankToNull(system);
        code = blankToNull(code);
        display = blankToNull(display);
        if (system == null && code == null && display == null) {
            return false;
        }
        tokens.add(new TokenEntry(param, system, code, SearchText.normalize(display != null ? display : fallbackText)));
        return true;
    }

    /** The text of a CodeableConcept none of whose codings gave an entry. */
    void conceptText(String param, String text) {
        if (text != null && !text.isBlank()) {
            tokens.add(new TokenEntry(param, null, null, SearchText.normalize(text)));
        }
    }

    void identifier(String param, String system, String value, String typeText) {
        system = blankToNull(system);
        value = blankToNull(value);
        if (system != null || value != null) {
            tokens.add(new TokenEntry(param, system, value, SearchText.normalize(typeText)));
        }
    }

    /** A token with a code only: ContactPoint value, code, boolean, id, string. */
    void code(String param, String value) {
        value = blankToNull(value);
        if (value != null) {
            tokens.add(new TokenEntry(param, null, value, null));
        }
    }

    void string(String param, String value) {
        if (value != null && !value.isBlank()) {
            strings.add(new StringEntry(param, SearchText.normalize(value), SearchText.truncate(value)));
        }
    }

    /** A date, dateTime or instant as written. */
    void date(String param, String value) {
        if (value == null) {
            return;
        }
        long[] r = DateRanges.range(value);
        if (r != null) {
            dates.add(new DateEntry(param, r[0], r[1]));
        }
    }

    /** A Period; an absent bound is open. */
    void period(String param, String start, String end) {
        if (start == null && end == null) {
            return;
        }
        long low = start != null ? DateRanges.low(start) : DateRanges.OPEN_LOW;
        long high = end != null ? DateRanges.high(end) : DateRanges.OPEN_HIGH;
        dates.add(new DateEntry(param, low, high));
    }

    /** A Reference's {@code reference}, and the alias parameters derived from it. */
    void reference(Param p, String reference) {
        if (reference == null) {
            return; // identifier- or display-only references cannot be searched by target
        }
        ReferenceEntry e = ReferenceTargets.parse(p.name(), reference);
        if (e == null) {
            return;
        }
        reference(p.patientCompartment(), e);
        for (Derived d : p.derived()) {
            if (d.targetType().equals(e.targetType())) {
                reference(d.patientCompartment(), new ReferenceEntry(d.name(), e.targetType(), e.targetId(), e.url()));
            }
        }
    }

    /** A canonical or uri used as a reference: matched by URL only. */
    void canonical(String param, String url) {
        url = blankToNull(url);
        if (url != null) {
            references.add(new ReferenceEntry(param, null, null, url));
        }
    }

    private void reference(boolean patientCompartment, ReferenceEntry e) {
        references.add(e);
        if (patientCompartment && e.url() == null && PATIENT.equals(e.targetType())) {
            compartments.add(e.targetId());
        }
    }

    void quantity(String param, double value, String system, String code, String unit) {
        quantities.add(new QuantityEntry(param, value, blankToNull(system), blankToNull(code), blankToNull(unit)));
    }

    void money(String param, double value, String currency) {
        currency = blankToNull(currency);
        quantities.add(new QuantityEntry(param, value, ISO_4217, currency, currency));
    }

    void uri(String param, String value) {
        value = blankToNull(value);
        if (value != null) {
            uris.add(new UriEntry(param, value));
        }
    }

    /** A Patient is in its own compartment; the compartment definition lists only {@code link}. */
    void ownCompartment(String patientId) {
        if (patientId != null) {
            compartments.add(patientId);
        }
    }

    /**
     * The collections are all of one class whatever their size ({@code List.copyOf} gives one class for
     * up to two elements and another above), so the writer's loops over them stay monomorphic:
     * the mix made the JIT recompile the row writer again and again during a load.
     */
    ResourceIndex build() {
        return new ResourceIndex(list(tokens), list(strings), list(dates), list(references), list(quantities),
                list(uris), Collections.unmodifiableSet(new LinkedHashSet<>(compartments)));
    }

    private static <T> List<T> list(Set<T> entries) {
        return Collections.unmodifiableList(new ArrayList<>(entries));
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
