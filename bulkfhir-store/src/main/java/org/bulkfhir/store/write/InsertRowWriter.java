package org.bulkfhir.store.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/** {@link RowWriter} as one batched prepared INSERT. */
final class InsertRowWriter implements RowWriter {
    private final PreparedStatement insert;
    private int column = 1;

    InsertRowWriter(Connection c, String table, String... columns) throws SQLException {
        insert = c.prepareStatement("INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + "?,".repeat(columns.length - 1) + "?)");
    }

    @Override
    public RowWriter text(String value) throws SQLException {
        if (value == null) {
            insert.setNull(column++, Types.VARCHAR);
        } else {
            insert.setString(column++, value);
        }
        return this;
    }

    @Override
    public RowWriter int8(long value) throws SQLException {
        insert.setLong(column++, value);
        return this;
    }

    @Override
    public RowWriter float8(double value) throws SQLException {
        insert.setDouble(column++, value);
        return this;
    }

    @Override
    public void endRow() throws SQLException {
        insert.addBatch();
        column = 1;
    }

    @Override
    public void flush() throws SQLException {
        insert.executeBatch();
    }

    @Override
    public void close() throws SQLException {
        insert.close();
    }
}
