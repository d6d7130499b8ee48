package org.bulkfhir.store.write;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.bulkfhir.core.search.index.ParamAliases;
import org.bulkfhir.core.search.index.ResourceIndex;
import org.bulkfhir.core.search.index.SearchParamIds;
import org.bulkfhir.store.Dialect;

/**
 * Batches the index rows of a write transaction, one {@link RowWriter} per index table. A row
 * names its parameter by {@link SearchParamIds id}; {@link ParamAliases alias} parameters get no
 * rows of their own, searches read their bases' rows.
 */
public final class IndexRows implements AutoCloseable {
    private static final int FLUSH_EVERY = 20_000;

    private final RowWriter compartment;
    private final RowWriter token;
    private final RowWriter string;
    private final RowWriter date;
    private final RowWriter reference;
    private final RowWriter quantity;
    private final RowWriter uri;
    private int pending;

    public IndexRows(Connection c, Dialect dialect) throws SQLException {
        compartment = RowWriter.open(c, dialect, "idx_compartment", "patient_id", "res_type", "res_pk");
        token = RowWriter.open(c, dialect, "idx_token", "res_pk", "param_id", "system", "code", "text");
        string = RowWriter.open(c, dialect, "idx_string", "res_pk", "param_id", "normalized", "exact");
        date = RowWriter.open(c, dialect, "idx_date", "res_pk", "param_id", "low", "high");
        reference = RowWriter.open(c, dialect, "idx_reference", "res_pk", "param_id", "target_type", "target_id", "url");
        quantity = RowWriter.open(c, dialect, "idx_quantity", "res_pk", "param_id", "value", "system", "code", "unit");
        uri = RowWriter.open(c, dialect, "idx_uri", "res_pk", "param_id", "uri");
    }

    public void add(long pk, String type, ResourceIndex index) throws SQLException {
        if (index == null) {
            return;
        }
        for (String patient : index.patientCompartments()) {
            compartment.text(patient).text(type).int8(pk).endRow();
        }
        Map<String, ParamAliases.Alias> aliases = ParamAliases.forType(type);
        for (ResourceIndex.TokenEntry e : index.tokens()) {
            if (aliases.containsKey(e.param())) {
                continue;
            }
            token.int8(pk).int8(id(type, e.param())).text(e.system()).text(e.code()).text(e.text()).endRow();
        }
        for (ResourceIndex.StringEntry e : index.strings()) {
            if (aliases.containsKey(e.param())) {
                continue;
            }
            string.int8(pk).int8(id(type, e.param())).text(e.normalized()).text(e.exact()).endRow();
        }
        for (ResourceIndex.DateEntry e : index.dates()) {
            if (aliases.containsKey(e.param())) {
                continue;
            }
            date.int8(pk).int8(id(type, e.param())).int8(e.low()).int8(e.high()).endRow();
        }
        for (ResourceIndex.ReferenceEntry e : index.references()) {
            if (aliases.containsKey(e.param())) {
                continue;
            }
            reference.int8(pk).int8(id(type, e.param())).text(e.targetType()).text(e.targetId()).text(e.url())
                    .endRow();
        }
        for (ResourceIndex.QuantityEntry e : index.quantities()) {
            if (aliases.containsKey(e.param())) {
                continue;
            }
            quantity.int8(pk).int8(id(type, e.param())).float8(e.value()).text(e.system()).text(e.code())
                    .text(e.unit()).endRow();
        }
        for (ResourceIndex.UriEntry e : index.uris()) {
            if (aliases.containsKey(e.param())) {
                continue;
            }
            uri.int8(pk).int8(id(type, e.param())).text(e.uri()).endRow();
        }
        pending += index.patientCompartments().size() + index.tokens().size() + index.strings().size()
                + index.dates().size() + index.references().size() + index.quantities().size() + index.uris().size();
        if (pending >= FLUSH_EVERY) {
            flush();
        }
    }

    private static int id(String type, String param) {
        return SearchParamIds.of(type, param);
    }

    public void flush() throws SQLException {
        if (pending == 0) {
            return;
        }
        compartment.flush();
        token.flush();
        string.flush();
        date.flush();
        reference.flush();
        quantity.flush();
        uri.flush();
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
