package org.bulkfhir.client.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bulkfhir.client.export.ParameterMentions;

/**
 * Finds, in an export's error files, the notices of a server that skipped kick-off parameters
 * under {@code Prefer: handling=lenient} (C-19; the IG asks for one OperationOutcome per ignored
 * parameter there). Such a notice is a warning or information issue that names a parameter the
 * kick-off sent and says it was not supported or ignored; our server writes
 * {@code not-supported}, "Ignored under handling=lenient: …" and the parameter in {@code expression}.
 */
public final class IgnoredParameters {
    private IgnoredParameters() {
    }

    /** @return the first notice text per parameter, by parameter name, in the order found */
    public static Map<String, String> find(Path dir, List<String> errorNames, Collection<String> sent)
            throws IOException {
        Map<String, String> found = new LinkedHashMap<>();
        // An unreadable line is counted by ErrorFiles; here it simply has no notice.
        ErrorFiles.eachIssue(dir, errorNames, issue -> {
            if (isNotice(issue)) {
                String text = ParameterMentions.text(issue);
                ParameterMentions.in(issue, sent).forEach(p -> found.putIfAbsent(p, text));
            }
        }, () -> { });
        return found;
    }

    private static boolean isNotice(JsonNode issue) {
        String severity = issue.path("severity").asText("");
        if (!severity.equals("warning") && !severity.equals("information")) {
            return false;
        }
        if (issue.path("code").asText("").equals("not-supported")) {
            return true;
        }
        String text = ParameterMentions.text(issue).toLowerCase(Locale.ROOT);
        return text.contains("ignor") || text.contains("not supported") || text.contains("unsupported");
    }
}
