package org.bulkfhir.server.auth;

import org.bulkfhir.store.testing.TestDatabases;

class PostgresAuthStoreTest extends AuthStoreContract {
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
