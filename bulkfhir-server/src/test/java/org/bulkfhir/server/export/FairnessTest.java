package org.bulkfhir.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.bulkfhir.core.export.ExportLevel;
import org.bulkfhir.core.export.ExportRequest;
import org.bulkfhir.store.export.JobRow;
import org.bulkfhir.store.export.JobStatus;
import org.bulkfhir.store.testing.TestDatabases;
import org.bulkfhir.store.write.ResourcePreparer;
import org.bulkfhir.store.write.Write;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs and scale-out, fairness: workers take turns across jobs, so a small export is not stuck behind a huge one. */
class FairnessTest {
    @TempDir
    Path dir;

    static List<Write> resources(String type, String prefix, int n) {
        ResourcePreparer preparer = new ResourcePreparer();
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            writes.add(preparer.prepareUpsert(type, prefix + i, ("{\"resourceType\":\"" + type + "\",\"id\":\"" + prefix + i
                    + "\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/p\"}}")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return writes;
    }

    static ExportRequest types(String types) {
        return ExportRequest.fromQuery(ExportLevel.SYSTEM, null, Map.of("_type", List.of(types)), false);
    }

    @Test
    void smallJobOfAnotherClientFinishesWhileAHugeOneRuns() throws Exception {
        try (TestDatabases.PostgresDatabase db = TestDatabases.postgres()) {
            // One worker, paced at 2000 resources/s: the big job needs ~4 s of work in 40 tasks.
            ExportConfig config = ExportHarness.testConfig(dir).withWorkers(1).withThrottle(2000).withTaskSizes(200, 2);
            try (ExportHarness h = new ExportHarness(db.url(), dir, config)) {
                h.store.write(resources("Observation", "o", 8000));
                h.store.write(resources("Condition", "c", 300));
                ExportEngine engine = h.server.exports();
                JobRow big = engine.kickoff(types("Observation"), "client-big", h.base() + "/$export?_type=Observation", false);
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> engine.job(big.id()).orElseThrow().tasksDone() >= 3);
                JobRow small = engine.kickoff(types("Condition"), "client-small", h.base() + "/$export?_type=Condition", false);

                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> engine.job(small.id()).orElseThrow().status() == JobStatus.COMPLETED);
                JobRow bigNow = engine.job(big.id()).orElseThrow();
                assertThat(bigNow.status()).isEqualTo(JobStatus.RUNNING);
                // Only the few tasks that alternated with the small job's three ran meanwhile.
                assertThat(bigNow.tasksTotal() - bigNow.tasksDone()).isGreaterThan(bigNow.tasksTotal() / 2);
                assertThat(engine.files(small.id()).stream().mapToLong(f -> f.count()).sum()).isEqualTo(300);

                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> engine.job(big.id()).orElseThrow().status() == JobStatus.COMPLETED);
                assertThat(engine.files(big.id()).stream().mapToLong(f -> f.count()).sum()).isEqualTo(8000);
            }
        }
    }
}
