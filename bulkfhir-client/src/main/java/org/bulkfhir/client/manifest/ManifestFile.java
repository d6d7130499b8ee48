package org.bulkfhir.client.manifest;

import java.net.URI;

/**
 * One file listed in a manifest.
 *
 * @param section output, error (4.0 draft: outcome) or deleted
 * @param type resource type; null for organized output (C-37)
 * @param count resources the server says it holds (only a check, C-29)
 * @param size bytes of the NDJSON content, from {@code fileSize} (4.0 draft) or our size extension
 * @param crc32c CRC-32C of the NDJSON content as 8 hex digits, from our extension
 * @param sha256 hex SHA-256 of the NDJSON content, from the extension
 * @param continuesInFile for organized output: the file this one's last block continues in
 */
public record ManifestFile(Section section, String type, URI url, Long count, Long size, String crc32c,
        String sha256, URI continuesInFile) {

    public enum Section {
        OUTPUT("output"), ERROR("error"), DELETED("deleted");

        public final String json;

        Section(String json) {
            this.json = json;
        }
    }
}
