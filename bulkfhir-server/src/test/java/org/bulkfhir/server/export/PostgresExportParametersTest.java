package org.bulkfhir.server.export;

import org.bulkfhir.store.testing.TestDatabases;

class PostgresExportParametersTest extends ExportParametersContract {
    private TestDatabases.PostgresDatabase pg;

    @Override
    protected String jdbcUrl() {
        pg = TestDatabases.postgres();
        return pg.url();
    }

    @Override
    protected void dropDatabase() {
        if (pg != null) {
            pg.close();
        }
    }
}
