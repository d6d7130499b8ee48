package org.bulkfhir.server.export;

import org.bulkfhir.store.testing.TestDatabases;

class SqliteExportTest extends ExportEngineContract {
    @Override
    protected String jdbcUrl() {
        return TestDatabases.sqlite(dir);
    }
}
