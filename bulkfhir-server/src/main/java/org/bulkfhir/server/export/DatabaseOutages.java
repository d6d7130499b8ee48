package org.bulkfhir.server.export;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Tells failures of the database connection (dropped, restarted, failed over, pool exhausted)
 * from failures of the task itself. A task hit by an outage is handed back and run again
 * without counting as a failed attempt: the same work will succeed once the database answers.
 */
final class DatabaseOutages {
    // 57P01..03: terminated by an administrator, crash shutdown, cannot connect now;
    // 40001/40P01: serialization failure, deadlock (the transaction can simply be retried);
    // 53300: too many connections.
    private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "40001", "40P01", "53300");

    private DatabaseOutages() {
    }

    static boolean isOutage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLTransientException || c instanceof SQLRecoverableException) {
                return true;
            }
            if (c instanceof SQLException e) {
                String state = e.getSQLState();
                if (state != null && (state.startsWith("08") || TRANSIENT_STATES.contains(state))) {
                    return true;
                }
            }
        }
        return false;
    }
}
