package org.bulkfhir.cli;

import java.nio.file.Path;
import org.bulkfhir.store.Database;
import picocli.CommandLine.Option;

/** Where the store lives: {@code --db URL}, or the SQLite file under {@code --data-dir}. */
final class StoreOptions {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "bulkfhir-data",
            description = "Data directory: embedded database and export files (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--db", paramLabel = "JDBC-URL",
            description = "Database URL instead of the embedded one, e.g. jdbc:postgresql://127.0.0.1:5432/bulkfhir?user=me"
                    + " (env BULKFHIR_DB).")
    String db;

    String jdbcUrl() {
        if (db != null) {
            return db;
        }
        String env = System.getenv("BULKFHIR_DB");
        return env != null && !env.isBlank() ? env : Database.sqliteUrl(dataDir);
    }
}
