package org.bulkfhir.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.bulkfhir.server.export.output.LocalOutputStore;
import org.bulkfhir.store.export.FileRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S-58, S-78: the files a task writes hold exactly its lines, and their manifest rows state the
 * right counts, sizes and CRC-32C, whatever the lines' sizes against the writer's buffer, when a
 * block goes on in a next file, and after a failed task left bytes in the thread's buffer.
 */
class NdjsonFileWriterTest {
    @TempDir
    Path dir;

    private LocalOutputStore store() {
        return new LocalOutputStore(dir);
    }

    private static byte[] resource(String id, int padding) {
        return ("{\"resourceType\":\"Basic\",\"id\":\"" + id + "\",\"text\":\"" + "x".repeat(padding) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private byte[] published(FileRow row) throws Exception {
        byte[] bytes = Files.readAllBytes(store().files().file(row.jobId(), row.name()));
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        assertThat(row.crc32c()).as(row.name()).isEqualTo(HexFormat.of().toHexDigits((int) crc.getValue()));
        assertThat(row.bytes()).isEqualTo(bytes.length);
        return bytes;
    }

    @Test
    void linesSmallerAndLargerThanTheBufferArriveWhole() throws Exception {
        byte[] small = resource("a", 10);
        byte[] huge = resource("b", 600_000);
        byte[] justUnder = resource("c", (1 << 18) - 40);
        String expected = new String(small, StandardCharsets.UTF_8) + "\n" + new String(huge, StandardCharsets.UTF_8)
                + "\n" + new String(justUnder, StandardCharsets.UTF_8) + "\n" + new String(small, StandardCharsets.UTF_8) + "\n";
        List<FileRow> rows;
        try (NdjsonFileWriter w = new NdjsonFileWriter(store(), "j1", 1, "a", 1L << 30, true)) {
            w.write("output", "Basic", small);
            w.write("output", "Basic", huge);
            w.write("output", "Basic", justUnder);
            w.write("output", "Basic", small);
            rows = w.finish();
            w.publish();
        }
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).count()).isEqualTo(4);
        byte[] bytes = published(rows.get(0));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(rows.get(0).sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    }

    @Test
    void aBlockThatGoesOnInTheNextFileKeepsEveryLine() throws Exception {
        List<FileRow> rows;
        try (NdjsonFileWriter w = new NdjsonFileWriter(store(), "j2", 1, "a", 20_000, false)) {
            w.startBlock("Patient", "{\"header\":1}".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 40; i++) {
                w.writeInBlock(resource("r" + i, 1_000));
            }
            w.endBlock();
            rows = w.finish();
            w.publish();
        }
        assertThat(rows).hasSizeGreaterThan(1);
        long resources = 0;
        for (FileRow row : rows) {
            String text = new String(published(row), StandardCharsets.UTF_8);
            assertThat(text).startsWith("{\"header\":1}\n");
            resources += text.split("\n").length - 1;
            assertThat(row.sha256()).isNull();
        }
        assertThat(resources).isEqualTo(40);
        assertThat(rows.get(0).continuesIn()).isEqualTo(rows.get(1).name());
    }

    @Test
    void aFailedTaskLeavesNothingForTheNextOneInTheSameThread() throws Exception {
        try (NdjsonFileWriter failed = new NdjsonFileWriter(store(), "j3", 1, "a", 1L << 30, false)) {
            failed.write("output", "Basic", resource("lost", 100));
            // No finish: the task failed; close discards it.
        }
        List<FileRow> rows;
        try (NdjsonFileWriter w = new NdjsonFileWriter(store(), "j3", 1, "b", 1L << 30, false)) {
            w.write("output", "Basic", resource("kept", 100));
            rows = w.finish();
            w.publish();
        }
        String text = new String(published(rows.get(0)), StandardCharsets.UTF_8);
        assertThat(text).contains("\"kept\"").doesNotContain("\"lost\"");
        assertThat(rows.get(0).count()).isEqualTo(1);
    }
}
