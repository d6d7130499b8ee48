package org.bulkfhir.server.export.http;

import java.util.ArrayList;
import java.util.List;
import org.bulkfhir.core.export.ExportOptions;
import org.bulkfhir.core.export.Manifest;
import org.bulkfhir.store.export.FileRow;
import org.bulkfhir.store.export.JobRow;

/** Builds a job's manifest (or one page of it) with absolute file URLs under the files base. */
final class ManifestBuilder {
    private ManifestBuilder() {
    }

    static Manifest build(JobRow job, List<FileRow> files, String filesBase, boolean requiresAccessToken, String next) {
        String organizedBy = ExportOptions.fromJson(job.options()).organizeOutputBy();
        List<Manifest.Item> output = new ArrayList<>();
        List<Manifest.Item> error = new ArrayList<>();
        List<Manifest.Item> deleted = new ArrayList<>();
        String jobBase = filesBase + "/" + job.id() + "/";
        for (FileRow f : files) {
            boolean organized = organizedBy != null && f.kind().equals("output");
            Manifest.Item item = new Manifest.Item(organized ? null : f.resType(), jobBase + f.name(), f.count(),
                    f.bytes(), f.sha256(), f.continuesIn() == null ? null : jobBase + f.continuesIn());
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
