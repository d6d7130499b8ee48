package org.bulkfhir.client.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.core.ndjson.NdjsonReader;

/**
 * Reads error (4.0 draft: outcome) files: NDJSON OperationOutcomes (C-35). Since 2.0 they also
 * carry {@code information} and {@code warning} issues (e.g. parameters a lenient server ignored),
 * which do not mean the export failed; they are counted by severity and the first few texts are
 * kept for the summary.
 */
public final class ErrorFiles {
    private static final int KEEP_TEXTS = 10;

    private ErrorFiles() {
    }

    public record Report(Map<String, Long> bySeverity, List<String> firstMessages) {
        public long errors() {
            return bySeverity.getOrDefault("error", 0L) + bySeverity.getOrDefault("fatal", 0L);
        }
    }

    public static Report read(Path dir, List<String> names) throws IOException {
        Map<String, Long> counts = new TreeMap<>();
        List<String> texts = new ArrayList<>();
        for (String name : names) {
            try (NdjsonReader r = new NdjsonReader(Files.newInputStream(dir.resolve(name)))) {
                byte[] line;
                while ((line = r.next()) != null) {
                    JsonNode oo;
                    try {
                        oo = Json.MAPPER.readTree(line);
                    } catch (IOException e) {
                        counts.merge("unreadable", 1L, Long::sum);
                        continue;
                    }
                    for (JsonNode issue : oo.path("issue")) {
                        String sev = issue.path("severity").asText("unknown");
                        counts.merge(sev, 1L, Long::sum);
                        String text = issue.path("diagnostics").asText(issue.path("details").path("text").asText(""));
                        if (texts.size() < KEEP_TEXTS && !text.isEmpty()) {
                            texts.add(sev + " " + issue.path("code").asText("") + ": " + text);
                        }
                    }
                }
            }
        }
        return new Report(counts, texts);
    }
}
