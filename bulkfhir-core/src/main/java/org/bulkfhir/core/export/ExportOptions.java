package org.bulkfhir.core.export;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.bulkfhir.core.json.Json;

/**
 * The kick-off parameters beyond {@code _outputFormat}, {@code _since} and {@code _type}, as
 * validated; stored with the job as JSON so every node runs it the same way.
 *
 * @param until {@code _until}, epoch ms, or null
 * @param typeFilters the {@code _typeFilter} queries, one {@code Type?query} each
 * @param elements the {@code _elements} entries ({@code Type.element} or {@code element})
 * @param patients the ids of the {@code patient} references
 * @param associatedData the {@code includeAssociatedData} codes
 * @param organizeOutputBy the resource type of {@code organizeOutputBy}, or null
 * @param allowPartialManifests {@code allowPartialManifests=true}
 * @param separateExportStatus the kick-off asked for (and got) {@code Prefer: separate-export-status}
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExportOptions(
        Long until,
        List<String> typeFilters,
        List<String> elements,
        List<String> patients,
        List<String> associatedData,
        String organizeOutputBy,
        boolean allowPartialManifests,
        boolean separateExportStatus) {

    public static final String LATEST_PROVENANCE = "LatestProvenanceResources";
    public static final String RELEVANT_PROVENANCE = "RelevantProvenanceResources";
    public static final ExportOptions NONE = new ExportOptions(null, null, null, null, null, null, false, false);

    public ExportOptions {
        typeFilters = typeFilters == null ? List.of() : List.copyOf(typeFilters);
        elements = elements == null ? List.of() : List.copyOf(elements);
        patients = patients == null ? List.of() : List.copyOf(patients);
        associatedData = associatedData == null ? List.of() : List.copyOf(associatedData);
    }

    /** How Provenance joins the export (S-37, S-40). */
    public enum Provenance {
        /** No provenance code given: the default rule. */
        DEFAULT,
        /** The latest Provenance of each exported resource, and no other. */
        LATEST,
        /** Every Provenance of each exported resource; wins over LATEST, being less restrictive. */
        RELEVANT
    }

    public Provenance provenance() {
        if (associatedData.contains(RELEVANT_PROVENANCE)) {
            return Provenance.RELEVANT;
        }
        return associatedData.contains(LATEST_PROVENANCE) ? Provenance.LATEST : Provenance.DEFAULT;
    }

    public ExportOptions withPatients(List<String> ids) {
        return new ExportOptions(until, typeFilters, elements, ids, associatedData, organizeOutputBy,
                allowPartialManifests, separateExportStatus);
    }

    public ExportOptions withTypeFilters(List<String> filters) {
        return new ExportOptions(until, filters, elements, patients, associatedData, organizeOutputBy,
                allowPartialManifests, separateExportStatus);
    }

    public ExportOptions withSeparateExportStatus(boolean on) {
        return new ExportOptions(until, typeFilters, elements, patients, associatedData, organizeOutputBy,
                allowPartialManifests, on);
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads what {@link #toJson} wrote; null or blank is {@link #NONE}. */
    public static ExportOptions fromJson(String json) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        try {
            return Json.MAPPER.readValue(json, ExportOptions.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable export options " + json, e);
        }
    }
}
