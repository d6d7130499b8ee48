package org.bulkfhir.client.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bulkfhir.core.ndjson.NdjsonReader;

/**
 * Output organized by a resource type (3.0 {@code organizeOutputBy}, C-37): each file is a run of
 * blocks, each block a {@code Parameters} header followed by the resources of one organizing
 * resource (e.g. one patient), and a block cut at a file's end goes on in the file named by
 * {@code continuesInFile}. Files are stored in manifest order, which keeps each split block's
 * halves adjacent; this reads them back as blocks.
 */
public final class OrganizedOutput {
    private OrganizedOutput() {
    }

    /** Receives one block at a time: its header line and its resource lines. */
    @FunctionalInterface
    public interface BlockSink {
        void block(byte[] header, List<byte[]> resources) throws IOException;
    }

    /** Reads the files in order as one stream of blocks; a block continued in the next file is delivered whole. */
    public static void blocks(Path dir, List<String> namesInOrder, BlockSink sink) throws IOException {
        byte[] header = null;
        List<byte[]> resources = new java.util.ArrayList<>();
        for (String name : namesInOrder) {
            try (NdjsonReader r = new NdjsonReader(Files.newInputStream(dir.resolve(name)))) {
                byte[] line;
                while ((line = r.next()) != null) {
                    if ("Parameters".equals(type(line))) {
                        if (header != null || !resources.isEmpty()) {
                            sink.block(header, resources);
                        }
                        header = line;
                        resources = new java.util.ArrayList<>();
                    } else {
                        resources.add(line);
                    }
                }
            }
        }
        if (header != null || !resources.isEmpty()) {
            sink.block(header, resources);
        }
    }

    /** Resources per type across organized files, header blocks not counted. */
    public static Map<String, Long> countByType(Path dir, List<String> names) throws IOException {
        Map<String, Long> counts = new TreeMap<>();
        for (String name : names) {
            try (NdjsonReader r = new NdjsonReader(Files.newInputStream(dir.resolve(name)))) {
                byte[] line;
                while ((line = r.next()) != null) {
                    String t = type(line);
                    if (t != null && !t.equals("Parameters")) {
                        counts.merge(t, 1L, Long::sum);
                    }
                }
            }
        }
        return counts;
    }

    private static String type(byte[] line) throws IOException {
        String key = Resources.key(line);
        if (key != null) {
            return key.substring(0, key.indexOf('/'));
        }
        // Headers may have no id.
        String s = new String(line, 0, Math.min(line.length, 200), java.nio.charset.StandardCharsets.UTF_8);
        return s.matches("(?s)\\{\\s*\"resourceType\"\\s*:\\s*\"Parameters\".*") ? "Parameters" : null;
    }
}
