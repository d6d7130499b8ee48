package org.bulkfhir.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Shared, thread-safe Jackson factories. Resources on the hot path are handled as raw bytes. */
public final class Json {
    public static final JsonFactory FACTORY = JsonFactory.builder()
            // Error messages must never echo resource content (it may be patient data).
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    /**
     * Trees keep decimals exactly as written: in FHIR {@code 72.50} and {@code 72.5} differ in
     * precision, and a round trip through {@code double} would lose that.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private Json() {
    }
}
