package org.bulkfhir.server.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Where a job's files live: {@code filesDir/<jobId>/<name>}. Names are checked before they touch the disk. */
public final class ExportFiles {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Path root;

    public ExportFiles(Path root) {
        this.root = root.toAbsolutePath();
    }

    public Path root() {
        return root;
    }

    public Path jobDir(String jobId) {
        check(jobId);
        return root.resolve(jobId);
    }

    public Path file(String jobId, String name) {
        check(name);
        return jobDir(jobId).resolve(name);
    }

    public static boolean isSafeName(String s) {
        return s != null && SAFE.matcher(s).matches() && !s.contains("..");
    }

    private static void check(String s) {
        if (!isSafeName(s)) {
            throw new IllegalArgumentException("unsafe file name component '" + s + "'");
        }
    }

    /** Removes a job's directory. Open downloads keep reading their (unlinked) file. */
    public void deleteJob(String jobId) throws IOException {
        Path dir = jobDir(jobId);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
