package org.bulkfhir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.server.auth.AuditLog;
import org.bulkfhir.server.auth.AuthConfig;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 5's long export: access tokens live 3 seconds while the (throttled) export runs for
 * several times that, so the client must obtain new tokens (new assertion, new jti) and finish
 * without restarting the export (C-11, S-13, S-95).
 */
class TokenRenewalExportTest {
    @TempDir
    Path home;

    @Test
    void shortLivedTokensAreRenewedDuringALongExport() throws Exception {
        ListAppender<ILoggingEvent> audit = new ListAppender<>();
        Logger auditLogger = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);
        audit.start();
        auditLogger.addAppender(audit);
        try (ResourceStore store = JdbcResourceStore.open(Database.sqliteUrl(home.resolve("store")))) {
            ServerCommand.fill(store, home, 10, 42, List.of(), true);
            long patients = store.countByType().get("Patient");
            long observations = store.countByType().get("Observation");
            ServerConfig config = ServerConfig.defaults(home.resolve("server")).withPort(0)
                    .withAuth(AuthConfig.smart("admin-secret").withTokenLifetimeSeconds(3));
            // About 200 resources a second over one worker: the export outlives several tokens.
            config = config.withExport(config.export().withWorkers(1).withThrottle(200));
            try (BulkFhirServer server = BulkFhirServer.start(config, store)) {
                Path keys = home.resolve("keys");
                assertThat(Main.run("keys", "--out", keys.toString())).isZero();
                String registered = ExportCommandTest.stdout(() -> Main.run("register", "--server", server.baseUrl(),
                        "--jwks", keys.resolve("public.jwks.json").toString(), "--admin-token", "admin-secret"));
                String[] lines = registered.strip().split("\\R");
                String clientId = lines[lines.length - 1].strip();

                Path out = home.resolve("out");
                long start = System.nanoTime();
                int exit = Main.run("export", "--server", server.baseUrl(), "--client-id", clientId,
                        "--key", keys.resolve("private.jwks.json").toString(), "--type", "Patient,Observation",
                        "--out", out.toString(), "--quiet");
                double seconds = (System.nanoTime() - start) / 1e9;
                assertThat(exit).isZero();
                assertThat(seconds).as("the export must outlive a token").isGreaterThan(4);
                assertThat(lines(out, "Patient")).isEqualTo(patients);
                assertThat(lines(out, "Observation")).isEqualTo(observations);
                long issued = audit.list.stream().filter(e -> e.getFormattedMessage().startsWith("event=token.issued")
                        && e.getFormattedMessage().contains(clientId)).count();
                assertThat(issued).as("tokens issued to the client during a %.1f s export", seconds).isGreaterThanOrEqualTo(2);
            }
        } finally {
            auditLogger.detachAppender(audit);
        }
    }

    private static long lines(Path folder, String type) throws Exception {
        long n = 0;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(type + ".")
                    && p.getFileName().toString().endsWith(".ndjson")).toList()) {
                try (Stream<String> l = Files.lines(f)) {
                    n += l.filter(s -> !s.isBlank()).count();
                }
            }
        }
        return n;
    }
}
