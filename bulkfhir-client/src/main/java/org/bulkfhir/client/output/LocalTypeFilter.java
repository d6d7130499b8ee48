package org.bulkfhir.client.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import org.bulkfhir.client.download.FileDownloader;
import org.bulkfhir.core.ndjson.NdjsonReader;
import org.bulkfhir.core.search.LocalMatcher;

/**
 * Re-applies {@code _typeFilter} to one verified output file (C-18): the file is streamed line
 * by line through a {@link LocalMatcher} and only resources that match (or cannot be checked,
 * or belong to an unfiltered type) are written to {@code NAME.filtering}, which then replaces
 * the file atomically. Nothing is held in memory beyond one line.
 *
 * <p>When nothing is removed the verified file itself is moved into place, so the output stays
 * byte for byte what the server sent (and what its count, size and hash were checked against).
 * The verified {@code .part} is deleted last: after a crash at any point, a resumed run finds it
 * whole and filters it again.
 */
public final class LocalTypeFilter {
    public static final String TMP_SUFFIX = ".filtering";

    private final LocalMatcher matcher;

    public LocalTypeFilter(LocalMatcher matcher) {
        this.matcher = matcher;
    }

    public LocalMatcher matcher() {
        return matcher;
    }

    /**
     * @param byType per resource type: received, removed, kept unchecked
     * @param bytes the size of the file left in place
     */
    public record Outcome(Map<String, FilterCounts> byType, long bytes) {
        public long removed() {
            return byType.values().stream().mapToLong(c -> c.removed).sum();
        }
    }

    /**
     * Whether a file of this manifest type needs a pass: one of a checked type, or organized output
     * ({@code null} type), whose lines are of many types. Other files are left alone unread.
     */
    public boolean needsPass(String fileType) {
        return fileType == null || matcher.checks(fileType);
    }

    public static Path tmpOf(Path dest) {
        return dest.resolveSibling(dest.getFileName() + TMP_SUFFIX);
    }

    /** Filters {@code verified} into {@code dest}; see the class comment for the order of steps. */
    public Outcome apply(Path verified, Path dest) throws IOException {
        Path tmp = tmpOf(dest);
        Map<String, FilterCounts> byType = new TreeMap<>();
        long removed = 0;
        try {
            try (InputStream in = Files.newInputStream(verified); NdjsonReader r = new NdjsonReader(in);
                    OutputStream out = Files.newOutputStream(tmp)) {
                byte[] line;
                while ((line = r.next()) != null) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedIOException("stopped while filtering " + dest.getFileName());
                    }
                    String type = LocalMatcher.typeOf(line);
                    LocalMatcher.Verdict v = matcher.test(type, line);
                    if (v != LocalMatcher.Verdict.NOT_FILTERED) {
                        FilterCounts c = byType.computeIfAbsent(type, k -> new FilterCounts());
                        c.received++;
                        if (v == LocalMatcher.Verdict.DOES_NOT_MATCH) {
                            c.removed++;
                            removed++;
                            continue;
                        }
                        if (v == LocalMatcher.Verdict.CANNOT_CHECK) {
                            c.unchecked++;
                        }
                    }
                    out.write(line);
                    out.write('\n');
                }
            }
            if (removed == 0) {
                Files.delete(tmp);
                FileDownloader.moveIntoPlace(verified, dest);
            } else {
                replace(tmp, dest);
                Files.delete(verified);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new Outcome(byType, Files.size(dest));
    }

    private static void replace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
