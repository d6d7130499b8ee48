package org.bulkfhir.client.download;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import org.bulkfhir.core.export.Manifest;

/**
 * Counts bytes and non-blank lines and checksums the content, in one pass. The CRC-32C is nearly
 * free (a CPU instruction); SHA-256 costs as much as the rest together, so it is computed only
 * when there is one to compare with.
 */
final class Tally {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
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
        int i = off;
        int end = off + len;
        while (i < end) {
            if (lineHasContent) {
                // The rest of a line with content does not matter: on to its end, 8 bytes a step.
                int newline = indexOfNewline(b, i, end);
                if (newline < 0) {
                    return;
                }
                lines++;
                lineHasContent = false;
                i = newline + 1;
            } else {
                byte c = b[i++];
                if (c != '\n' && c != ' ' && c != '\t' && c != '\r') {
                    lineHasContent = true;
                }
            }
        }
    }

    /** The first '\n' in {@code b[from, end)}, or -1; eight bytes are compared in one long. */
    static int indexOfNewline(byte[] b, int from, int end) {
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES;
            // A byte of x is zero where b had '\n'; this sets the high bit of the first such byte
            // (bits above it may be set too, which the trailing-zero count never reaches).
            long zero = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (zero != 0) {
                return i + (Long.numberOfTrailingZeros(zero) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    long bytes() {
        return bytes;
    }

    /** Lines so far, counting a last line without a newline. */
    long lines() {
        return lines + (lineHasContent ? 1 : 0);
    }

    String crc32cHex() {
        return Manifest.crc32cHex(crc32c);
    }

    /** Null when not asked for. */
    String sha256Hex() {
        return sha256 == null ? null : HexFormat.of().formatHex(sha256.digest());
    }
}
