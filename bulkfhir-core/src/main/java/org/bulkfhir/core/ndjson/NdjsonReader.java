package org.bulkfhir.core.ndjson;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads NDJSON as one byte array per line, without decoding text: lines go to a parser or a
 * file as they are. Blank lines (and a trailing {@code \r}) are skipped; {@link #lineNumber()}
 * names the line just returned, for error messages.
 */
public final class NdjsonReader implements AutoCloseable {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int pos;
    private int limit;
    private long lineNumber;
    private long bytesRead;
    private byte[] carry = new byte[1024];

    public NdjsonReader(InputStream in) {
        this.in = in;
    }

    /** The next non-blank line, or null at the end of the stream. */
    public byte[] next() throws IOException {
        while (true) {
            int length = 0;
            boolean sawAny = false;
            while (true) {
                if (pos == limit) {
                    limit = in.read(buffer, 0, buffer.length);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        if (!sawAny) {
                            return null;
                        }
                        break;
                    }
                    bytesRead += limit;
                }
                sawAny = true;
                int start = pos;
                while (pos < limit && buffer[pos] != '\n') {
                    pos++;
                }
                int chunk = pos - start;
                if (length + chunk > carry.length) {
                    carry = Arrays.copyOf(carry, Math.max(carry.length * 2, length + chunk));
                }
                System.arraycopy(buffer, start, carry, length, chunk);
                length += chunk;
                if (pos < limit) {
                    pos++; // the newline
                    break;
                }
            }
            lineNumber++;
            int end = length;
            if (end > 0 && carry[end - 1] == '\r') {
                end--;
            }
            if (!isBlank(carry, end)) {
                return Arrays.copyOf(carry, end);
            }
            if (pos == limit && limit == 0) {
                return null;
            }
        }
    }

    private static boolean isBlank(byte[] b, int end) {
        for (int i = 0; i < end; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    public long lineNumber() {
        return lineNumber;
    }

    /** Bytes consumed from the underlying stream so far (for progress). */
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
