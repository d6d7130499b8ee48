package org.bulkfhir.server.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancelling a running job (S-79) removes its files while a worker may still be writing and
 * removing temporary files of one of its tasks: that must never fail the DELETE (it once answered
 * 500 when a temporary file vanished during the walk).
 */
class ExportFilesTest {
    @TempDir
    Path root;

    @Test
    void removingAJobWhileAWorkerChurnsItsFilesNeverFails_S79() throws Exception {
        ExportFiles files = new ExportFiles(root);
        AtomicBoolean stop = new AtomicBoolean();
        for (int round = 0; round < 50; round++) {
            Path dir = files.jobDir("job" + round);
            Files.createDirectories(dir);
            for (int i = 0; i < 20; i++) {
                Files.writeString(dir.resolve("00001-Patient-" + i + ".ndjson"), "{}\n");
            }
            stop.set(false);
            Thread worker = new Thread(() -> {
                for (int i = 0; !stop.get() && i < 10_000; i++) {
                    Path tmp = dir.resolve("00002-Claim-001.ndjson." + (i % 7) + ".tmp");
                    try {
                        Files.createDirectories(dir); // as LocalOutputStore.create does
                        Files.writeString(tmp, "{}\n");
                        Files.deleteIfExists(tmp);
                    } catch (IOException e) {
                        // the directory went between the two calls: the worker's task fails, as it would in the engine
                    }
                }
            });
            worker.start();
            assertThatCode(() -> files.deleteJob(dir.getFileName().toString())).doesNotThrowAnyException();
            stop.set(true);
            worker.join();
            files.deleteJob(dir.getFileName().toString());
            assertThat(dir).doesNotExist();
        }
        try (var left = Files.list(root)) {
            assertThat(left).as("nothing moved aside is left").isEmpty();
        }
    }

    @Test
    void removingAJobWithoutFilesIsANoOp() throws IOException {
        new ExportFiles(root).deleteJob("never-written");
        assertThat(root.resolve("never-written")).doesNotExist();
    }
}
