package org.bulkfhir.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.IntFunction;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.export.JobRow;
import org.bulkfhir.store.export.JobStatus;
import org.bulkfhir.store.export.NewTask;
import org.bulkfhir.store.export.SnapshotReader;
import org.bulkfhir.store.export.TaskKind;
import org.bulkfhir.store.export.TaskRow;
import org.bulkfhir.store.write.ResourcePreparer;
import org.bulkfhir.store.write.Write;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S-43, jobs and scale-out: a system job is planned in parts. The first plan task hands the rest
 * on after two small ranges; every part, run again, plans the same ranges; all parts together cut
 * each type's keys into contiguous ranges that hold each key once, with the ramp's sizes.
 */
class ExportPlannerTest {
    private static final int FULL = 32;

    @TempDir
    Path dir;
    JdbcResourceStore store;
    ExportPlanner planner;

    @BeforeEach
    void open() {
        store = JdbcResourceStore.open("jdbc:sqlite:" + dir.resolve("plan.db"));
        planner = new ExportPlanner(new SnapshotReader(store.database()),
                ExportConfig.defaults(dir).withTaskSizes(FULL, 16));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void partsTogetherCoverEveryKeyOnceWithTheRampSizes() throws Exception {
        // Types interleaved in key order, as REST writes leave them.
        write(300, i -> i % 3 == 0 ? "Condition" : "Observation");
        JobRow job = job(null, "Condition,Observation");

        List<List<NewTask>> parts = planAll(job);

        assertThat(parts.size()).as("plan parts").isGreaterThanOrEqualTo(3);
        List<NewTask> ranges = parts.stream().flatMap(List::stream).filter(t -> t.kind() == TaskKind.RANGE).toList();
        assertThat(ranges.stream().limit(6).map(NewTask::estimate)).containsExactly(1L, 2L, 4L, 8L, 16L, 32L);
        assertCoversOnce(ranges, "Condition", keys("Condition", null));
        assertCoversOnce(ranges, "Observation", keys("Observation", null));
        // Only the last part is without a successor.
        for (int i = 0; i < parts.size(); i++) {
            long successors = parts.get(i).stream().filter(t -> t.kind() == TaskKind.PLAN).count();
            assertThat(successors).as("successors of part " + i).isEqualTo(i < parts.size() - 1 ? 1 : 0);
        }
    }

    @Test
    void withSinceThePartsCoverTheKeysUpdatedAfterIt() throws Exception {
        write(200, i -> "Observation");
        long since = store.snapshotTime();
        List<Write> updates = new ArrayList<>();
        ResourcePreparer preparer = new ResourcePreparer();
        for (int i = 0; i < 200; i += 2) {
            updates.add(preparer.prepareUpsert("Observation", "r" + i, body("Observation", i, "amended")));
        }
        store.write(updates);
        JobRow job = job(since, "Observation");

        List<List<NewTask>> parts = planAll(job);

        assertThat(parts.size()).isGreaterThanOrEqualTo(3);
        List<NewTask> ranges = parts.stream().flatMap(List::stream).filter(t -> t.kind() == TaskKind.RANGE).toList();
        List<Long> updated = keys("Observation", since);
        assertThat(updated).hasSize(100);
        assertCoversOnce(ranges, "Observation", updated);
        assertThat(ranges.stream().mapToLong(NewTask::estimate).sum()).isEqualTo(100);
        // With _since the last part also adds the task that reports deletions.
        assertThat(parts.get(parts.size() - 1)).anyMatch(t -> t.kind() == TaskKind.DELETED);
        assertThat(parts.subList(0, parts.size() - 1)).allSatisfy(p -> assertThat(p).noneMatch(t -> t.kind() == TaskKind.DELETED));
    }

    /** Plans every part in turn, each twice: a part run again after a failure must plan the same. */
    private List<List<NewTask>> planAll(JobRow job) throws Exception {
        JobFilters filters = new JobFilters(job);
        List<List<NewTask>> parts = new ArrayList<>();
        Deque<TaskRow> plans = new ArrayDeque<>();
        plans.add(new TaskRow(1, job.id(), 0, TaskKind.PLAN, null, null, null, null, null, false, 1, "owner", 0));
        int seq = 1;
        while (!plans.isEmpty()) {
            TaskRow task = plans.poll();
            List<NewTask> tasks = planner.plan(job, filters, claim(task), task).tasks();
            assertThat(planner.plan(job, filters, claim(task), task).tasks()).as("part planned again").isEqualTo(tasks);
            parts.add(tasks);
            for (NewTask t : tasks) {
                if (t.kind() == TaskKind.PLAN) {
                    plans.add(new TaskRow(seq + 1, job.id(), seq++, TaskKind.PLAN, t.resType(), t.loPk(), t.hiPk(), null,
                            null, false, 1, "owner", t.estimate()));
                }
            }
            assertThat(parts).as("parts").hasSizeLessThan(100);
        }
        return parts;
    }

    private static Claim claim(TaskRow task) {
        return new Claim(task, () -> false, 0);
    }

    private static void assertCoversOnce(List<NewTask> ranges, String type, List<Long> keys) {
        List<Long> covered = new ArrayList<>();
        long previousHi = Long.MIN_VALUE;
        for (NewTask r : ranges) {
            if (!r.resType().equals(type)) {
                continue;
            }
            assertThat(r.loPk()).as("ranges of " + type + " in key order, apart").isGreaterThan(previousHi);
            previousHi = r.hiPk();
            List<Long> in = keys.stream().filter(k -> k >= r.loPk() && k <= r.hiPk()).toList();
            assertThat((long) in.size()).as("keys in " + r).isEqualTo(r.estimate());
            covered.addAll(in);
        }
        assertThat(covered).isEqualTo(keys);
    }

    private void write(int n, IntFunction<String> typeOf) {
        ResourcePreparer preparer = new ResourcePreparer();
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            writes.add(preparer.prepareUpsert(typeOf.apply(i), "r" + i, body(typeOf.apply(i), i, "final")));
        }
        store.write(writes);
    }

    private static byte[] body(String type, int i, String status) {
        String required = type.equals("Condition") ? ",\"subject\":{\"reference\":\"Patient/p\"}"
                : ",\"status\":\"" + status + "\",\"code\":{\"text\":\"x\"}";
        return ("{\"resourceType\":\"" + type + "\",\"id\":\"r" + i + "\"" + required + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The keys of {@code type}'s rows (every version), or of those updated after {@code since}. */
    private List<Long> keys(String type, Long since) throws Exception {
        List<Long> keys = new ArrayList<>();
        try (Connection c = store.database().connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT pk FROM resource WHERE res_type = ? AND last_updated > ? ORDER BY pk")) {
            ps.setString(1, type);
            ps.setLong(2, since == null ? Long.MIN_VALUE : since);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getLong(1));
                }
            }
        }
        return keys;
    }

    private JobRow job(Long since, String types) {
        long t = store.snapshotTime();
        return new JobRow("job-1", "client", "system", null, "http://x/fhir/$export", "application/fhir+ndjson", since,
                types, null, t, JobStatus.RUNNING, t, t, null, null, null, 1, 0, 0, 0, 0, null);
    }
}
