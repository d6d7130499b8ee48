package org.bulkfhir.client.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bulkfhir.client.manifest.ManifestFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resume after a kill -9 (issue 6): a file moved into place after the last state save is kept
 * when it still verifies against the manifest (C-31's checks), and fetched again otherwise.
 */
class AdoptFinishedFileTest {
    private static final byte[] CONTENT = "{\"resourceType\":\"Patient\",\"id\":\"a\"}\n{\"resourceType\":\"Patient\",\"id\":\"b\"}\n"
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private static ManifestFile listed(long count, long size, String crc32c, String sha256) {
        return new ManifestFile(ManifestFile.Section.OUTPUT, "Patient", URI.create("http://127.0.0.1/files/1"), count, size,
                crc32c, sha256, null);
    }

    @Test
    void aVerifiedFileInPlaceIsKeptAndItsStalePartRemoved() throws Exception {
        Path dest = dir.resolve("Patient.000.ndjson");
        Files.write(dest, CONTENT);
        Files.write(FileDownloader.partOf(dest), new byte[] {'{'});
        Tally t = new Tally(true);
        t.update(CONTENT, 0, CONTENT.length);
        String crc32c = t.crc32cHex();
        String sha256 = t.sha256Hex();

        FileDownloader.Result r = FileDownloader.adopt(listed(2, CONTENT.length, crc32c, sha256), dest);

        assertThat(r).isNotNull();
        assertThat(r.lines()).isEqualTo(2);
        assertThat(r.crc32c()).isEqualTo(crc32c);
        assertThat(r.sha256()).isEqualTo(sha256);
        assertThat(FileDownloader.partOf(dest)).doesNotExist();
    }

    @Test
    void aMissingOrMismatchingFileIsDownloadedAgain() throws Exception {
        Path dest = dir.resolve("Patient.000.ndjson");
        assertThat(FileDownloader.adopt(listed(2, CONTENT.length, null, null), dest)).isNull();
        Files.write(dest, CONTENT);
        assertThat(FileDownloader.adopt(listed(3, CONTENT.length, null, null), dest)).as("count differs").isNull();
        assertThat(FileDownloader.adopt(listed(2, CONTENT.length, "00000000", null), dest)).as("CRC-32C differs").isNull();
        assertThat(FileDownloader.adopt(listed(2, CONTENT.length, null, "00"), dest)).as("SHA-256 differs").isNull();
        assertThat(FileDownloader.adopt(listed(2, CONTENT.length, null, null), dest)).as("nothing differs").isNotNull();
    }
}
