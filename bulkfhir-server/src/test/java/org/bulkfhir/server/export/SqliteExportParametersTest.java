package org.bulkfhir.server.export;

import org.bulkfhir.store.testing.TestDatabases;

class SqliteExportParametersTest extends ExportParametersContract {
    @Override
    protected String jdbcUrl() {
        return TestDatabases.sqlite(dir);
    }
}
