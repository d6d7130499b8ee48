package org.bulkfhir.store;

import java.nio.file.Path;
import org.bulkfhir.store.testing.TestDatabases;
import org.junit.jupiter.api.io.TempDir;

class SqliteResourceStoreTest extends ResourceStoreContract {
    @TempDir
    Path dir;

    @Override
    protected String jdbcUrl() {
        return TestDatabases.sqlite(dir);
    }
}
