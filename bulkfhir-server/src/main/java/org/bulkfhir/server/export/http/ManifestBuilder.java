package org.bulkfhir.server.export.http;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bulkfhir.core.export.ExportOptions;
import org.bulkfhir.core.export.Manifest;
import org.bulkfhir.store.export.FileRow;
import org.bulkfhir.store.export.JobRow;

/** Builds a job's manifest (or one page of it); {@code urlOf} gives a file's absolute URL from its name. */
final class ManifestBuilder {
    private ManifestBuilder() {
    }

    static Manifest build(JobRow job, List<FileRow> files, Function<String, String> urlOf, boolean requiresAccessToken,
                          String next) {
        String organizedBy = ExportOptions.fromJson(job.options()).organizeOutputBy();
        List<Manifest.Item> output = new ArrayList<>();
        List<Manifest.Item> error = new ArrayList<>();
        List<Manifest.Item> deleted = new ArrayList<>();
        for (FileRow f : files) {
            boolean organized = organizedBy != null && f.kind().equals("output");
            Manifest.Item item = new Manifest.Item(organized ? null : f.resType(), urlOf.apply(f.name()), f.count(),
                    f.bytes(), f.crc32c(), f.sha256(), f.continuesIn() == null ? null : urlOf.apply(f.continuesIn()));
            switch (f.kind()) {
                case "error" -> error.add(item);
                case "deleted" -> deleted.add(item);
                default -> output.add(item);
            }
        }
        return new Manifest(job.transactionTime(), job.requestUrl(), requiresAccessToken, output, error, deleted,
                organizedBy, next);
    }
}
