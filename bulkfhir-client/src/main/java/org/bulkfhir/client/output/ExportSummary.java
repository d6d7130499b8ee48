package org.bulkfhir.client.output;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.bulkfhir.client.export.DroppedParameter;
import org.bulkfhir.core.json.Json;

/**
 * What an export brought, written as {@code summary.json} and printed by the command.
 *
 * @param types per type, what is on disk (after any local {@code _typeFilter} check)
 * @param localTypeFilter per filtered type, what the local check did (C-18); empty when it did not run
 * @param droppedParameters kick-off parameters left out after a refusal (C-19)
 * @param ignoredParameters parameters the server said in its error files it ignored (lenient handling), with its text
 */
public record ExportSummary(String transactionTime, Map<String, TypeStats> types, long files, long bytes,
        long resources, long durationMillis, long manifestMillis, ErrorFiles.Report errors, long deletedApplied,
        List<String> warnings, Map<String, FilterCounts> localTypeFilter, List<DroppedParameter> droppedParameters,
        Map<String, String> ignoredParameters) {

    public record TypeStats(long files, long resources, long bytes) {
    }

    public double resourcesPerSecond() {
        return durationMillis <= 0 ? 0 : resources * 1000.0 / durationMillis;
    }

    /** Download rate after the manifest was complete (files listed in partial manifests may start earlier). */
    public double downloadMegabytesPerSecond() {
        long d = durationMillis - manifestMillis;
        return d <= 0 ? 0 : bytes / 1e6 * 1000.0 / d;
    }

    public double megabytesPerSecond() {
        return durationMillis <= 0 ? 0 : bytes / 1e6 * 1000.0 / durationMillis;
    }

    public byte[] toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("transactionTime", transactionTime);
        ObjectNode t = root.putObject("types");
        types.forEach((type, s) -> t.putObject(type).put("files", s.files()).put("resources", s.resources())
                .put("bytes", s.bytes()));
        root.put("files", files).put("resources", resources).put("bytes", bytes).put("durationMillis", durationMillis)
                .put("manifestMillis", manifestMillis)
                .put("downloadMegabytesPerSecond", Math.round(downloadMegabytesPerSecond() * 100) / 100.0)
                .put("resourcesPerSecond", Math.round(resourcesPerSecond()))
                .put("megabytesPerSecond", Math.round(megabytesPerSecond() * 100) / 100.0);
        ObjectNode e = root.putObject("errorFileIssues");
        errors.bySeverity().forEach(e::put);
        var msgs = root.putArray("errorFileMessages");
        errors.firstMessages().forEach(msgs::add);
        root.put("deletedApplied", deletedApplied);
        ObjectNode local = root.putObject("localTypeFilter");
        localTypeFilter.forEach((type, c) -> local.putObject(type).put("received", c.received).put("removed", c.removed)
                .put("unchecked", c.unchecked));
        var dropped = root.putArray("droppedParameters");
        droppedParameters.forEach(d -> dropped.addObject().put("name", d.name()).put("serverSaid", d.serverSaid())
                .put("consequence", d.consequence()));
        ObjectNode ignored = root.putObject("ignoredParameters");
        ignoredParameters.forEach(ignored::put);
        var w = root.putArray("warnings");
        warnings.forEach(w::add);
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
