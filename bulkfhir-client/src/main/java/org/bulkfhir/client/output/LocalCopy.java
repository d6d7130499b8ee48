package org.bulkfhir.client.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.core.ndjson.NdjsonReader;

/**
 * Keeps an output directory a current copy across incremental runs (C-36, C-41): after a run
 * with {@code _since}, the earlier files lose every resource that the new run brings again
 * (updated) or lists in its {@code deleted} files (each line a Bundle of DELETE entries). The new
 * files are left as they are, so each resource is present once, in its latest version. Each
 * rewrite goes to a temporary file that replaces the old one, so re-applying after a crash is
 * harmless.
 */
public final class LocalCopy {
    private LocalCopy() {
    }

    /** @return how many resources were removed from earlier files */
    public static long apply(Path dir, Collection<String> newOutputNames, Collection<String> deletedNames) throws IOException {
        Set<String> drop = new HashSet<>();
        for (String name : newOutputNames) {
            collectKeys(dir.resolve(name), drop);
        }
        for (String name : deletedNames) {
            collectDeleted(dir.resolve(name), drop);
        }
        if (drop.isEmpty()) {
            return 0;
        }
        Set<String> types = new HashSet<>();
        for (String k : drop) {
            types.add(k.substring(0, k.indexOf('/')));
        }
        Set<String> fresh = new HashSet<>(newOutputNames);
        List<Path> older = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                String type = OutputLayout.typeOf(n);
                if (type != null && types.contains(type) && !fresh.contains(n)) {
                    older.add(p);
                }
            });
        }
        long removed = 0;
        for (Path p : older) {
            removed += filter(p, drop);
        }
        return removed;
    }

    private static void collectKeys(Path file, Set<String> into) throws IOException {
        try (NdjsonReader r = new NdjsonReader(Files.newInputStream(file))) {
            byte[] line;
            while ((line = r.next()) != null) {
                String k = Resources.key(line);
                if (k != null) {
                    into.add(k);
                }
            }
        }
    }

    private static void collectDeleted(Path file, Set<String> into) throws IOException {
        try (NdjsonReader r = new NdjsonReader(Files.newInputStream(file))) {
            byte[] line;
            while ((line = r.next()) != null) {
                JsonNode bundle = Json.MAPPER.readTree(line);
                for (JsonNode e : bundle.path("entry")) {
                    String url = e.path("request").path("url").asText("");
                    String ref = url.isEmpty() ? e.path("fullUrl").asText("") : url;
                    // "Patient/123", possibly absolute or with a version suffix.
                    String[] parts = ref.split("/");
                    for (int i = parts.length - 2; i >= 0; i--) {
                        if (parts[i].matches("[A-Z][A-Za-z]+") && !parts[i + 1].isEmpty() && !parts[i + 1].equals("_history")) {
                            into.add(parts[i] + "/" + parts[i + 1]);
                            break;
                        }
                    }
                }
            }
        }
    }

    private static long filter(Path file, Set<String> drop) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".rewrite");
        long removed = 0;
        long kept = 0;
        try (InputStream in = Files.newInputStream(file); NdjsonReader r = new NdjsonReader(in);
                OutputStream out = Files.newOutputStream(tmp)) {
            byte[] line;
            while ((line = r.next()) != null) {
                if (drop.contains(Resources.key(line))) {
                    removed++;
                } else {
                    out.write(line);
                    out.write('\n');
                    kept++;
                }
            }
        }
        if (removed == 0) {
            Files.delete(tmp);
        } else if (kept == 0) {
            Files.delete(file);
            Files.delete(tmp);
        } else {
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return removed;
    }
}
