package org.bulkfhir.client.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bulkfhir.core.json.Json;

/** Reading error bodies: OperationOutcomes when the server sends them, anything else when a gateway answers. */
public final class Responses {
    /** Issue codes that mean "the job is alive, this request failed; try again" (2.0 transient guidance). */
    public static final Set<String> TRANSIENT_CODES =
            Set.of("transient", "timeout", "throttled", "lock-error", "no-store", "exception", "incomplete");

    private Responses() {
    }

    /** The issues of an OperationOutcome body, or empty when the body is something else. */
    public static List<Issue> issues(byte[] body) {
        List<Issue> out = new ArrayList<>();
        JsonNode oo = json(body);
        if (oo == null || !"OperationOutcome".equals(oo.path("resourceType").asText())) {
            return out;
        }
        for (JsonNode i : oo.path("issue")) {
            String text = i.path("diagnostics").asText(null);
            if (text == null) {
                text = i.path("details").path("text").asText(null);
            }
            out.add(new Issue(i.path("severity").asText(""), i.path("code").asText(""), text));
        }
        return out;
    }

    public record Issue(String severity, String code, String text) {
    }

    /** True when the body is an OperationOutcome whose every error issue has a transient-family code. */
    public static boolean isTransientOutcome(byte[] body) {
        List<Issue> issues = issues(body);
        boolean anyTransient = false;
        for (Issue i : issues) {
            if ("error".equals(i.severity()) || "fatal".equals(i.severity())) {
                if (!TRANSIENT_CODES.contains(i.code())) {
                    return false;
                }
                anyTransient = true;
            }
        }
        return anyTransient;
    }

    /** A one-line description of an error response for a user: the OperationOutcome text, or the start of the body. */
    public static String describe(HttpResponse<byte[]> r) {
        byte[] body = r.body();
        StringBuilder sb = new StringBuilder("HTTP ").append(r.statusCode());
        List<Issue> issues = issues(body);
        if (!issues.isEmpty()) {
            for (Issue i : issues) {
                sb.append("; ").append(i.severity()).append(' ').append(i.code());
                if (i.text() != null) {
                    sb.append(": ").append(i.text());
                }
            }
            return sb.toString();
        }
        if (body != null && body.length > 0) {
            String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8)
                    .replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
            if (!text.isEmpty()) {
                sb.append(": ").append(text);
            }
        }
        return sb.toString();
    }

    public static JsonNode json(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    public static boolean isJson(HttpResponse<?> r) {
        String ct = r.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        return ct.contains("json");
    }
}
