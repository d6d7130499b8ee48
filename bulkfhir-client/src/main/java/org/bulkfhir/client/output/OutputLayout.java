package org.bulkfhir.client.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bulkfhir.client.manifest.ManifestFile;

/**
 * File names in the output directory. One local file per server file, named by type and a
 * sequence number in manifest order: {@code Patient.000.ndjson}, {@code Patient.001.ndjson};
 * error files {@code error.000.ndjson}; deleted files {@code deleted.000.ndjson}; organized
 * output {@code organized.000.ndjson}. Keeping the server's split (rather than merging per type)
 * makes every local file the verified copy of one server file — checkable against the
 * manifest's count, size and hash, and resumable with a byte range. An incremental run continues
 * the numbering, so earlier files are never overwritten.
 */
public final class OutputLayout {
    static final Pattern NAME = Pattern.compile("([A-Za-z]+)\\.(\\d{3,})\\.ndjson");

    private final Map<String, Integer> next = new HashMap<>();

    /** Starts numbering after whatever the directory already holds. */
    public static OutputLayout scan(Path dir) throws IOException {
        OutputLayout layout = new OutputLayout();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.forEach(p -> layout.reserve(p.getFileName().toString().replaceFirst("\\.part$", "")));
            }
        }
        return layout;
    }

    /** Marks a name as taken (an existing file, or one assigned in a resumed run). */
    public synchronized void reserve(String name) {
        Matcher m = NAME.matcher(name);
        if (m.matches()) {
            int n = Integer.parseInt(m.group(2));
            next.merge(m.group(1), n + 1, Math::max);
        }
    }

    public synchronized String assign(ManifestFile file) {
        String prefix = prefix(file);
        int n = next.getOrDefault(prefix, 0);
        next.put(prefix, n + 1);
        return String.format(Locale.ROOT, "%s.%03d.ndjson", prefix, n);
    }

    static String prefix(ManifestFile file) {
        return switch (file.section()) {
            case ERROR -> "error";
            case DELETED -> "deleted";
            case OUTPUT -> file.type() == null || !file.type().matches("[A-Za-z]+") ? "organized" : file.type();
        };
    }

    /** The resource type a local output file holds, or null for error/deleted/organized files and other names. */
    public static String typeOf(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return null;
        }
        String p = m.group(1);
        return p.equals("error") || p.equals("deleted") || p.equals("organized") ? null : p;
    }
}
