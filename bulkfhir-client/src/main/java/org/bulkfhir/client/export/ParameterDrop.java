package org.bulkfhir.client.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bulkfhir.client.http.Responses;

/**
 * Decides, from the OperationOutcome of a refused kick-off, which sent parameters may be left
 * out for one more try (C-19, {@code --drop-unsupported}).
 *
 * <p>Only parameters whose absence cannot put data into the export that was not asked for are
 * ever dropped. {@code _type}, {@code _since}, {@code _until} and {@code patient} narrow what is
 * exported; without them the export would widen, so a refusal naming one of them is never
 * "fixed". {@code _typeFilter} narrows too, and is dropped only when the client re-applies it
 * to the files itself (C-18). When an issue names both a droppable and a never-dropped
 * parameter, nothing is dropped: the refusal may well be about the latter.
 */
public final class ParameterDrop {
    /** Why each narrowing parameter stays. */
    static final Map<String, String> NEVER = Map.of(
            "_type", "without it every resource type would be exported",
            "_since", "without it resources changed before _since would be exported",
            "_until", "without it resources changed after _until would be exported",
            "patient", "without it the data of every patient would be exported",
            "_typeFilter", "without it every resource of the filtered types would be exported, and local"
                    + " filtering is off (--no-local-filter)");

    /** What leaving each droppable parameter out changes. */
    static final Map<String, String> CONSEQUENCE = Map.of(
            "_elements", "resources are complete, not limited to the requested _elements",
            "_typeFilter", "the server sends every resource of the filtered types, and the client removes the"
                    + " ones that do not match the _typeFilter queries itself",
            "includeAssociatedData", "the associated data asked for (e.g. Provenance resources) is not in the export",
            "organizeOutputBy", "files hold one resource type each instead of being organized by the requested type",
            "allowPartialManifests", "files are downloaded once the whole export is done",
            "_outputFormat", "files come in the server's default format (NDJSON)");

    /**
     * @param drop the parameters to leave out, empty when nothing may be dropped
     * @param whyNot when {@code drop} is empty: why, for the user
     */
    public record Decision(List<DroppedParameter> drop, String whyNot) {
        public Set<String> names() {
            return Set.copyOf(drop.stream().map(DroppedParameter::name).toList());
        }
    }

    private ParameterDrop() {
    }

    public static Decision decide(byte[] refusalBody, ExportParameters sent, boolean typeFilterCheckedLocally) {
        List<JsonNode> issues = errorIssues(refusalBody);
        if (issues.isEmpty()) {
            return new Decision(List.of(), "the refusal carries no OperationOutcome saying which parameter is at fault");
        }
        Map<String, String> named = new LinkedHashMap<>();
        for (JsonNode issue : issues) {
            for (String name : ParameterMentions.in(issue, sent.sentNames())) {
                named.putIfAbsent(name, ParameterMentions.text(issue));
            }
        }
        if (named.isEmpty()) {
            return new Decision(List.of(), "its OperationOutcome names none of the parameters sent");
        }
        for (String name : named.keySet()) {
            boolean never = NEVER.containsKey(name) && !(name.equals("_typeFilter") && typeFilterCheckedLocally);
            if (never || !CONSEQUENCE.containsKey(name)) {
                return new Decision(List.of(), "its OperationOutcome names " + name + ", which is never dropped: "
                        + NEVER.getOrDefault(name, "it is not an optional parameter"));
            }
        }
        List<DroppedParameter> drop = new ArrayList<>();
        named.forEach((name, text) -> drop.add(new DroppedParameter(name, text, CONSEQUENCE.get(name))));
        return new Decision(drop, null);
    }

    /** The error and fatal issues; all issues when a server gave none of those severities. */
    private static List<JsonNode> errorIssues(byte[] body) {
        JsonNode oo = Responses.json(body);
        List<JsonNode> all = new ArrayList<>();
        if (oo == null || !"OperationOutcome".equals(oo.path("resourceType").asText())) {
            return all;
        }
        oo.path("issue").forEach(all::add);
        List<JsonNode> errors = all.stream()
                .filter(i -> i.path("severity").asText().equals("error") || i.path("severity").asText().equals("fatal"))
                .toList();
        return errors.isEmpty() ? all : errors;
    }
}
