package org.bulkfhir.client.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
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
        eachIssue(dir, names, issue -> {
            String sev = issue.path("severity").asText("unknown");
            counts.merge(sev, 1L, Long::sum);
            String text = issue.path("diagnostics").asText(issue.path("details").path("text").asText(""));
            if (texts.size() < KEEP_TEXTS && !text.isEmpty()) {
                texts.add(sev + " " + issue.path("code").asText("") + ": " + text);
            }
        }, () -> counts.merge("unreadable", 1L, Long::sum));
        return new Report(counts, texts);
    }

    /** Calls {@code issue} for every issue of every OperationOutcome line; {@code unreadable} for a line that is not JSON. */
    static void eachIssue(Path dir, List<String> names, Consumer<JsonNode> issue, Runnable unreadable)
            throws IOException {
        for (String name : names) {
            try (NdjsonReader r = new NdjsonReader(Files.newInputStream(dir.resolve(name)))) {
                for (byte[] line = r.next(); line != null; line = r.next()) {
                    JsonNode oo;
                    try {
                        oo = Json.MAPPER.readTree(line);
                    } catch (IOException e) {
                        unreadable.run();
                        continue;
                    }
                    oo.path("issue").forEach(issue);
                }
            }
        }
    }
}
