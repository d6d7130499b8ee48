package org.bulkfhir.client.download;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * Counts bytes and non-blank lines and checksums the content, in one pass. The CRC-32C is nearly
 * free (a CPU instruction); SHA-256 costs as much as the rest together, so it is computed only
 * when there is one to compare with.
 */
final class Tally {
    private final CRC32C crc32c = new CRC32C();
    private final MessageDigest sha256;
    private long bytes;
    private long lines;
    private boolean lineHasContent;

    Tally(boolean withSha256) {
        try {
            sha256 = withSha256 ? MessageDigest.getInstance("SHA-256") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void update(byte[] b, int off, int len) {
        crc32c.update(b, off, len);
        if (sha256 != null) {
            sha256.update(b, off, len);
        }
        bytes += len;
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == '\n') {
                if (lineHasContent) {
                    lines++;
                }
                lineHasContent = false;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                lineHasContent = true;
            }
        }
    }

    long bytes() {
        return bytes;
    }

    /** Lines so far, counting a last line without a newline. */
    long lines() {
        return lines + (lineHasContent ? 1 : 0);
    }

    String crc32cHex() {
        return HexFormat.of().toHexDigits((int) crc32c.getValue());
    }

    /** Null when not asked for. */
    String sha256Hex() {
        return sha256 == null ? null : HexFormat.of().formatHex(sha256.digest());
    }
}
