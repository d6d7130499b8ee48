package org.bulkfhir.client.output;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.bulkfhir.core.json.Json;

/** What an export brought, written as {@code summary.json} and printed by the command. */
public record ExportSummary(String transactionTime, Map<String, TypeStats> types, long files, long bytes,
        long resources, long durationMillis, long manifestMillis, ErrorFiles.Report errors, long deletedApplied, List<String> warnings) {

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
        var w = root.putArray("warnings");
        warnings.forEach(w::add);
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
