package org.bulkfhir.core.fhir;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.bulkfhir.core.json.Json;

/**
 * OperationOutcome JSON, written directly: every error response of the server and every line
 * of an error file is one of these, and none needs a FHIR model to build.
 */
public final class OperationOutcomes {
    private OperationOutcomes() {
    }

    /** An issue: severity ({@code fatal|error|warning|information}), IssueType code, text, optional FHIRPath location. */
    public record Issue(String severity, String code, String diagnostics, String expression) {
        public static Issue error(String code, String diagnostics) {
            return new Issue("error", code, diagnostics, null);
        }

        public static Issue warning(String code, String diagnostics) {
            return new Issue("warning", code, diagnostics, null);
        }

        public static Issue information(String code, String diagnostics) {
            return new Issue("information", code, diagnostics, null);
        }
    }

    public static byte[] of(List<Issue> issues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("resourceType", "OperationOutcome");
            g.writeArrayFieldStart("issue");
            for (Issue issue : issues) {
                g.writeStartObject();
                g.writeStringField("severity", issue.severity());
                g.writeStringField("code", issue.code());
                if (issue.diagnostics() != null) {
                    g.writeStringField("diagnostics", issue.diagnostics());
                }
                if (issue.expression() != null) {
                    g.writeArrayFieldStart("expression");
                    g.writeString(issue.expression());
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] of(Issue issue) {
        return of(List.of(issue));
    }

    public static byte[] error(String code, String diagnostics) {
        return of(Issue.error(code, diagnostics));
    }
}
