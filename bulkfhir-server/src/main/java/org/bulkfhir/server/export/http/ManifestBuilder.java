package org.bulkfhir.server.export.http;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bulkfhir.core.export.Manifest;
import org.bulkfhir.store.export.FileRow;
import org.bulkfhir.store.export.JobRow;

/** Builds a completed job's manifest; {@code urlOf} gives each file's absolute URL. */
final class ManifestBuilder {
    private ManifestBuilder() {
    }

    static Manifest build(JobRow job, List<FileRow> files, Function<FileRow, String> urlOf, boolean requiresAccessToken) {
        List<Manifest.Item> output = new ArrayList<>();
        List<Manifest.Item> error = new ArrayList<>();
        List<Manifest.Item> deleted = new ArrayList<>();
        for (FileRow f : files) {
            Manifest.Item item = new Manifest.Item(f.resType(), urlOf.apply(f), f.count(),
                    f.bytes(), f.sha256());
            switch (f.kind()) {
                case "error" -> error.add(item);
                case "deleted" -> deleted.add(item);
                default -> output.add(item);
            }
        }
        return new Manifest(job.transactionTime(), job.requestUrl(), requiresAccessToken, output, error, deleted);
    }
}
