package org.bulkfhir.core.ndjson;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NdjsonReaderTest {

    private static List<String> lines(String text) throws Exception {
        List<String> out = new ArrayList<>();
        try (NdjsonReader r = new NdjsonReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
            for (byte[] line = r.next(); line != null; line = r.next()) {
                out.add(new String(line, StandardCharsets.UTF_8) + "@" + r.lineNumber());
            }
        }
        return out;
    }

    @Test
    void splitsLinesAndKeepsLineNumbers() throws Exception {
        assertThat(lines("{\"a\":1}\n\n{\"b\":2}\r\n   \n{\"c\":3}")).containsExactly("{\"a\":1}@1", "{\"b\":2}@3", "{\"c\":3}@5");
    }

    @Test
    void handlesEmptyInputAndTrailingNewline() throws Exception {
        assertThat(lines("")).isEmpty();
        assertThat(lines("\n\n")).isEmpty();
        assertThat(lines("{}\n")).containsExactly("{}@1");
    }

    @Test
    void readsLinesLongerThanTheBuffer() throws Exception {
        String big = "{\"x\":\"" + "é".repeat(200_000) + "\"}";
        List<String> out = lines(big + "\n{}\n");
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).isEqualTo(big + "@1");
    }
}
