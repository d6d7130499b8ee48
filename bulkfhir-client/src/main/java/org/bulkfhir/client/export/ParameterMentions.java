package org.bulkfhir.client.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which kick-off parameters an OperationOutcome issue names (C-19). Servers say it in different
 * places: {@code expression} or {@code location} (our server under lenient handling puts the
 * parameter there), {@code diagnostics}, or {@code details} text and codings. A name counts only
 * as a whole word and with its exact case, so {@code _type} is not found in {@code _typeFilter}
 * and the parameter {@code patient} is not found in the resource type {@code Patient}.
 */
public final class ParameterMentions {
    private ParameterMentions() {
    }

    /** The names among {@code candidates} that {@code issue} mentions, in candidate order. */
    public static Set<String> in(JsonNode issue, Collection<String> candidates) {
        List<String> texts = texts(issue);
        Set<String> found = new LinkedHashSet<>();
        for (String name : candidates) {
            Pattern word = Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(name) + "(?![A-Za-z0-9_])");
            for (String t : texts) {
                if (word.matcher(t).find()) {
                    found.add(name);
                    break;
                }
            }
        }
        return found;
    }

    /** The human-readable text of an issue: diagnostics, else details.text, else its codes. */
    public static String text(JsonNode issue) {
        String d = issue.path("diagnostics").asText("");
        if (!d.isBlank()) {
            return d;
        }
        String t = issue.path("details").path("text").asText("");
        if (!t.isBlank()) {
            return t;
        }
        for (JsonNode c : issue.path("details").path("coding")) {
            String display = c.path("display").asText(c.path("code").asText(""));
            if (!display.isBlank()) {
                return display;
            }
        }
        return issue.path("code").asText("");
    }

    private static List<String> texts(JsonNode issue) {
        List<String> texts = new ArrayList<>();
        texts.add(issue.path("diagnostics").asText(""));
        texts.add(issue.path("details").path("text").asText(""));
        for (JsonNode c : issue.path("details").path("coding")) {
            texts.add(c.path("code").asText(""));
            texts.add(c.path("display").asText(""));
        }
        for (String field : List.of("expression", "location")) {
            for (JsonNode e : issue.path(field)) {
                texts.add(e.asText(""));
            }
        }
        return texts;
    }
}
