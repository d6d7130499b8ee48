package org.bulkfhir.store.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import org.bulkfhir.core.search.index.ResourceIndex;

/** Batches the index rows of a write transaction, one prepared statement per index table. */
public final class IndexRows implements AutoCloseable {
    private static final int FLUSH_EVERY = 5_000;

    private final PreparedStatement compartment;
    private final PreparedStatement token;
    private final PreparedStatement string;
    private final PreparedStatement date;
    private final PreparedStatement reference;
    private final PreparedStatement quantity;
    private final PreparedStatement uri;
    private int pending;

    public IndexRows(Connection c) throws SQLException {
        compartment = c.prepareStatement("INSERT INTO idx_compartment (patient_id, res_type, res_pk) VALUES (?,?,?)");
        token = c.prepareStatement("INSERT INTO idx_token (res_pk, res_type, param, system, code, text) VALUES (?,?,?,?,?,?)");
        string = c.prepareStatement("INSERT INTO idx_string (res_pk, res_type, param, normalized, exact) VALUES (?,?,?,?,?)");
        date = c.prepareStatement("INSERT INTO idx_date (res_pk, res_type, param, low, high) VALUES (?,?,?,?,?)");
        reference = c.prepareStatement(
                "INSERT INTO idx_reference (res_pk, res_type, param, target_type, target_id, url) VALUES (?,?,?,?,?,?)");
        quantity = c.prepareStatement(
                "INSERT INTO idx_quantity (res_pk, res_type, param, value, system, code, unit) VALUES (?,?,?,?,?,?,?)");
        uri = c.prepareStatement("INSERT INTO idx_uri (res_pk, res_type, param, uri) VALUES (?,?,?,?)");
    }

    public void add(long pk, String type, ResourceIndex index) throws SQLException {
        if (index == null) {
            return;
        }
        for (String patient : index.patientCompartments()) {
            compartment.setString(1, patient);
            compartment.setString(2, type);
            compartment.setLong(3, pk);
            compartment.addBatch();
            pending++;
        }
        for (ResourceIndex.TokenEntry e : index.tokens()) {
            head(token, pk, type, e.param());
            nullable(token, 4, e.system());
            nullable(token, 5, e.code());
            nullable(token, 6, e.text());
            token.addBatch();
            pending++;
        }
        for (ResourceIndex.StringEntry e : index.strings()) {
            head(string, pk, type, e.param());
            string.setString(4, e.normalized());
            string.setString(5, e.exact());
            string.addBatch();
            pending++;
        }
        for (ResourceIndex.DateEntry e : index.dates()) {
            head(date, pk, type, e.param());
            date.setLong(4, e.low());
            date.setLong(5, e.high());
            date.addBatch();
            pending++;
        }
        for (ResourceIndex.ReferenceEntry e : index.references()) {
            head(reference, pk, type, e.param());
            nullable(reference, 4, e.targetType());
            nullable(reference, 5, e.targetId());
            nullable(reference, 6, e.url());
            reference.addBatch();
            pending++;
        }
        for (ResourceIndex.QuantityEntry e : index.quantities()) {
            head(quantity, pk, type, e.param());
            quantity.setDouble(4, e.value());
            nullable(quantity, 5, e.system());
            nullable(quantity, 6, e.code());
            nullable(quantity, 7, e.unit());
            quantity.addBatch();
            pending++;
        }
        for (ResourceIndex.UriEntry e : index.uris()) {
            head(uri, pk, type, e.param());
            uri.setString(4, e.uri());
            uri.addBatch();
            pending++;
        }
        if (pending >= FLUSH_EVERY) {
            flush();
        }
    }

    private static void head(PreparedStatement ps, long pk, String type, String param) throws SQLException {
        ps.setLong(1, pk);
        ps.setString(2, type);
        ps.setString(3, param);
    }

    private static void nullable(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    public void flush() throws SQLException {
        if (pending == 0) {
            return;
        }
        compartment.executeBatch();
        token.executeBatch();
        string.executeBatch();
        date.executeBatch();
        reference.executeBatch();
        quantity.executeBatch();
        uri.executeBatch();
        pending = 0;
    }

    @Override
    public void close() throws SQLException {
        compartment.close();
        token.close();
        string.close();
        date.close();
        reference.close();
        quantity.close();
        uri.close();
    }
}
