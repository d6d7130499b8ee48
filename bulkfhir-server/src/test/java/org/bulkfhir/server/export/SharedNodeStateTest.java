package org.bulkfhir.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.bulkfhir.server.auth.SharedRateLimiter;
import org.bulkfhir.store.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What two nodes on one PostgreSQL must agree on, with nothing shared between them but the
 * database: the per-client running-job limit (S-17), poll pacing (S-50), per-client rate limits.
 */
class SharedNodeStateTest {
    @TempDir
    Path dir;

    @Test
    void limitsAndPollPacingHoldAcrossNodes() throws Exception {
        try (TestDatabases.PostgresDatabase db = TestDatabases.postgres()) {
            ExportConfig config = ExportHarness.testConfig(dir).withWorkers(0).withMaxActiveJobsPerClient(1)
                    .withMinPollInterval(Duration.ofSeconds(5));
            try (ExportHarness a = new ExportHarness(db.url(), dir.resolve("a"), config.withFilesDir(dir.resolve("files")));
                 ExportHarness b = new ExportHarness(db.url(), dir.resolve("b"), config.withFilesDir(dir.resolve("files")))) {
                String status = a.kickoff("/$export");
                HttpResponse<byte[]> second = b.get(b.base() + "/Patient/$export");
                assertThat(second.statusCode()).isEqualTo(429);
                assertThat(second.headers().firstValue("Retry-After")).isPresent();

                assertThat(a.get(status).statusCode()).isEqualTo(202);
                HttpResponse<byte[]> hopped = b.get(b.rebase(status));
                assertThat(hopped.statusCode()).as("a poll on another node right after").isEqualTo(429);

                assertThat(b.delete(b.rebase(status)).statusCode()).isEqualTo(202);
                assertThat(a.get(status).statusCode()).isEqualTo(404);
                b.kickoff("/$export");
            }

            try (var first = org.bulkfhir.store.Database.open(db.url()); var second = org.bulkfhir.store.Database.open(db.url())) {
                SharedRateLimiter onA = new SharedRateLimiter(first, 3, Clock.systemUTC());
                SharedRateLimiter onB = new SharedRateLimiter(second, 3, Clock.systemUTC());
                assertThat(onA.acquire("client:x")).isZero();
                assertThat(onB.acquire("client:x")).isZero();
                assertThat(onA.acquire("client:x")).isZero();
                assertThat(onB.acquire("client:x")).as("the fourth request within the minute, on either node").isPositive();
                assertThat(onA.acquire("client:x")).isPositive();
                assertThat(onB.acquire("client:y")).isZero();
            }
        }
    }
}
