package org.bulkfhir.server.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bulkfhir.core.export.ElementSubsetter;
import org.bulkfhir.core.export.ExportOptions;
import org.bulkfhir.core.search.SearchQuery;
import org.bulkfhir.core.search.TypeFilterParser;
import org.bulkfhir.store.export.JobRow;
import org.bulkfhir.store.search.SearchSqlCompiler;
import org.bulkfhir.store.search.SqlPredicate;

/**
 * A job's parameters as the tasks apply them: its options, its types, its {@code _typeFilter}
 * queries by type compiled to SQL, and its {@code _elements} subsetter. Queries were checked at
 * kick-off; they are parsed again here, with the job's transactionTime as the {@code ap}
 * reference, so every task of a job filters identically.
 */
final class JobFilters {
    private static final SearchSqlCompiler COMPILER = new SearchSqlCompiler();

    final ExportOptions options;
    final JobTypes types;
    final ElementSubsetter elements;
    private final Map<String, List<SearchQuery>> byType = new LinkedHashMap<>();

    JobFilters(JobRow job) {
        this.options = ExportOptions.fromJson(job.options());
        this.types = JobTypes.of(job, options);
        this.elements = ElementSubsetter.of(options.elements());
        TypeFilterParser parser = new TypeFilterParser(job.transactionTime());
        for (String q : options.typeFilters()) {
            SearchQuery query = parser.parse(q);
            byType.computeIfAbsent(query.resourceType(), k -> new ArrayList<>()).add(query);
        }
    }

    /** The filter of one type's rows (aliased {@code alias}); {@link SqlPredicate#TRUE} when unfiltered. */
    SqlPredicate forType(String type, String alias) {
        return COMPILER.anyOf(byType.get(type), alias);
    }

    /** The filter of rows of any type: unfiltered types pass. */
    SqlPredicate forAllTypes(String alias) {
        return COMPILER.forTypes(byType, alias);
    }

    /** The resource as written to the output: subsetted when {@code _elements} applies to its type. */
    byte[] output(String type, byte[] body) throws java.io.IOException {
        return elements == null ? body : elements.apply(type, body);
    }
}
