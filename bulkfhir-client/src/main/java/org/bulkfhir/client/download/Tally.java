package org.bulkfhir.client.download;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Counts bytes and non-blank lines and hashes the content, in one pass over what is written. */
final class Tally {
    private final MessageDigest sha256;
    private long bytes;
    private long lines;
    private boolean lineHasContent;

    Tally() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void update(byte[] b, int off, int len) {
        sha256.update(b, off, len);
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

    String sha256Hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }
}
