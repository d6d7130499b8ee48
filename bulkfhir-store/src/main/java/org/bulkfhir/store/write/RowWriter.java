package org.bulkfhir.store.write;

import java.sql.Connection;
import java.sql.SQLException;
import org.bulkfhir.store.Dialect;

/**
 * Appends rows to one table inside a write transaction, field by field, without boxing: the
 * caller writes a row's columns in the table's order, then {@link #endRow()}. Rows reach the
 * database on {@link #flush()}.
 *
 * <p>Two ways in, one per database: batched prepared INSERTs on SQLite (an in-process library,
 * where a statement step is cheap) and {@code COPY FROM STDIN} on PostgreSQL, which took a third
 * of the time of batched multi-row INSERTs for the search-index rows.
 */
public interface RowWriter extends AutoCloseable {
    RowWriter text(String value) throws SQLException;

    RowWriter int8(long value) throws SQLException;

    RowWriter float8(double value) throws SQLException;

    void endRow() throws SQLException;

    void flush() throws SQLException;

    @Override
    void close() throws SQLException;

    /** A writer for {@code table}'s {@code columns} on the connection's database. */
    static RowWriter open(Connection c, Dialect dialect, String table, String... columns) throws SQLException {
        return dialect == Dialect.POSTGRESQL ? new CopyRowWriter(c, table, columns)
                : new InsertRowWriter(c, table, columns);
    }
}
