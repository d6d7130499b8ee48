package org.bulkfhir.store;

import org.bulkfhir.store.testing.TestDatabases;

class PostgresResourceStoreTest extends ResourceStoreContract {
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
