package org.bulkfhir.store.load;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The result of a load: resources written by type, inputs rejected (with where and why; the
 * first {@link Loader#MAX_REPORTED_ERRORS} are kept), and warnings.
 */
public record LoadSummary(Map<String, Long> writtenByType, long written, long rejected, List<LoadError> errors,
                          List<String> warnings, long bytes, Duration elapsed) {

    /** An input that was not stored: {@code where} is {@code file:line} or {@code file entry N}. */
    public record LoadError(String where, String message) {
        @Override
        public String toString() {
            return where + ": " + message;
        }
    }

    public double resourcesPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds <= 0 ? 0 : written / seconds;
    }
}
