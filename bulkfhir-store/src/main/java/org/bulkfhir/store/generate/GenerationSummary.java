package org.bulkfhir.store.generate;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one {@link PopulationGenerator#generate} run wrote.
 *
 * @param countsByType   resources written per resource type, in resource-type order
 * @param totalResources the sum of {@code countsByType}
 * @param totalBytes     the size of all NDJSON files written
 */
public record GenerationSummary(Map<String, Long> countsByType, long totalResources, long totalBytes) {
    public GenerationSummary {
        // Sorted, not Map.copyOf: that one's iteration order changes from run to run.
        countsByType = Collections.unmodifiableMap(new TreeMap<>(countsByType));
    }

    public long count(String resourceType) {
        return countsByType.getOrDefault(resourceType, 0L);
    }
}
