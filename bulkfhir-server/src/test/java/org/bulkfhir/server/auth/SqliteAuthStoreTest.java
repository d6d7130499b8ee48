package org.bulkfhir.server.auth;

import org.bulkfhir.store.testing.TestDatabases;

class SqliteAuthStoreTest extends AuthStoreContract {
    @Override
    protected String jdbcUrl() {
        return TestDatabases.sqlite(dir);
    }
}
