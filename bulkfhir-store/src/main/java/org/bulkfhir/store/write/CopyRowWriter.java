package org.bulkfhir.store.write;

import java.io.IOException;
import java.io.Reader;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * {@link RowWriter} as PostgreSQL {@code COPY ... FROM STDIN} in text format: rows are
 * tab-separated lines buffered in memory until {@link #flush()}.
 */
final class CopyRowWriter implements RowWriter {
    private final CopyManager copy;
    private final String sql;
    private final StringBuilder rows = new StringBuilder(1 << 16);
    private boolean rowStarted;

    CopyRowWriter(Connection c, String table, String... columns) throws SQLException {
        this.copy = new CopyManager(c.unwrap(BaseConnection.class));
        this.sql = "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN";
    }

    @Override
    public RowWriter text(String value) {
        separator();
        if (value == null) {
            rows.append("\\N");
        } else {
            escape(value);
        }
        return this;
    }

    @Override
    public RowWriter int8(long value) {
        separator();
        rows.append(value);
        return this;
    }

    @Override
    public RowWriter float8(double value) {
        separator();
        // Java's "1.0E-5", "NaN" and "Infinity" are all valid float8 input.
        rows.append(value);
        return this;
    }

    @Override
    public void endRow() {
        rows.append('\n');
        rowStarted = false;
    }

    @Override
    public void flush() throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try {
            copy.copyIn(sql, new CharSequenceReader(rows));
        } catch (IOException e) {
            throw new SQLException("COPY into the search index failed: " + e.getMessage(), e);
        }
        rows.setLength(0);
    }

    @Override
    public void close() {
        rows.setLength(0);
    }

    private void separator() {
        if (rowStarted) {
            rows.append('\t');
        }
        rowStarted = true;
    }

    /** The text format's escapes: backslash, and the delimiter and line breaks it would split on. */
    private void escape(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> rows.append("\\\\");
                case '\t' -> rows.append("\\t");
                case '\n' -> rows.append("\\n");
                case '\r' -> rows.append("\\r");
                default -> rows.append(ch);
            }
        }
    }

    /** Reads the buffer without copying it into a String first. */
    private static final class CharSequenceReader extends Reader {
        private final StringBuilder chars;
        private int at;

        CharSequenceReader(StringBuilder chars) {
            this.chars = chars;
        }

        @Override
        public int read(char[] buf, int off, int len) {
            if (at >= chars.length()) {
                return -1;
            }
            int n = Math.min(len, chars.length() - at);
            chars.getChars(at, at + n, buf, off);
            at += n;
            return n;
        }

        @Override
        public void close() {
        }
    }
}
