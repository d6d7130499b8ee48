package org.bulkfhir.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.bulkfhir.store.generate.PopulationGenerator;
import org.bulkfhir.store.load.Loader;
import org.bulkfhir.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs and scale-out with real parts: server nodes in JVMs of their own on one PostgreSQL and
 * one S3-compatible store (S3Proxy), a generated population, and clients over HTTP. Nodes are
 * killed with SIGKILL, so nothing they held in memory survives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutTest {
    /** Enough that a system export spans dozens of tasks; -Dit.patients=1000 for the full-size run. */
    static final int PATIENTS = Integer.getInteger("it.patients", 120);
    static final String BUCKET = "exports";

    @TempDir
    static Path dir;
    S3ProxyServer s3;
    TestDatabases.PostgresDatabase db;
    final List<ServerNode> nodes = new ArrayList<>();
    final ExportClient client = new ExportClient();

    @BeforeAll
    void setUp() throws Exception {
        s3 = new S3ProxyServer(Files.createDirectories(dir.resolve("s3")));
        s3.createBucket(BUCKET);
        db = TestDatabases.postgres();
        Path generated = dir.resolve("population");
        new PopulationGenerator(7).generate(PATIENTS, generated);
        try (ResourceStore store = JdbcResourceStore.open(db.url())) {
            new Loader(store).load(List.of(generated));
        }
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (ServerNode n : nodes) {
            n.close();
        }
        nodes.clear();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** A node of the deployment whose files go under {@code prefix} in the bucket. */
    ServerNode node(String name, String prefix, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--files", "s3://" + BUCKET + "/" + prefix, "--s3-endpoint",
                s3.endpoint.toString()));
        all.addAll(List.of(args));
        ServerNode n = ServerNode.start(name, db.url(), dir, s3.env(), all.toArray(String[]::new));
        nodes.add(n);
        return n;
    }

    Connection sql() throws Exception {
        return DriverManager.getConnection(db.url());
    }

    static String jobId(String statusUrl) {
        return statusUrl.substring(statusUrl.lastIndexOf('/') + 1);
    }

    long queryLong(String sql, Object... params) throws Exception {
        try (Connection c = sql(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Every resource current and not deleted as of the job's transactionTime, as Type/id. */
    Set<String> storeAsOf(String jobId) throws Exception {
        long t = queryLong("SELECT transaction_time FROM export_job WHERE id = ?", jobId);
        Set<String> refs = new HashSet<>();
        try (Connection c = sql(); PreparedStatement ps = c.prepareStatement("SELECT res_type, res_id FROM resource"
                + " WHERE last_updated <= ? AND (valid_to IS NULL OR valid_to > ?) AND deleted = 0")) {
            ps.setLong(1, t);
            ps.setLong(2, t);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    refs.add(rs.getString(1) + "/" + rs.getString(2));
                }
            }
        }
        return refs;
    }

    void assertEveryResourceExactlyOnce(String jobId, JsonNode manifest) throws Exception {
        Map<String, Integer> seen = client.exported(manifest);
        assertThat(seen.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey).toList())
                .as("resources exported more than once").isEmpty();
        Set<String> expected = storeAsOf(jobId);
        assertThat(expected).hasSizeGreaterThan(PATIENTS * 50);
        assertThat(seen.keySet()).isEqualTo(expected);
    }

    /** Nodes whose workers hold a running task of the job right now. */
    Set<String> nodesRunning(String jobId) throws Exception {
        Set<String> owners = new HashSet<>();
        try (Connection c = sql(); PreparedStatement ps = c.prepareStatement("SELECT lease_owner FROM export_task"
                + " WHERE job_id = ? AND status = 'running'")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    owners.add(rs.getString(1).substring(0, rs.getString(1).indexOf('-')));
                }
            }
        }
        return owners;
    }

    /**
     * Any node answers for any job: kick-off on one, poll, download and DELETE on the other. Files
     * come straight from the bucket on pre-signed URLs that need no token and lapse; fetching the
     * manifest again signs fresh ones (S-60, S-72, S-74, C-13). A node with --files-via-server
     * links its own /files URLs and streams from the bucket, ranges included. DELETE removes the
     * job's objects (S-81).
     */
    @Test
    void anyNodeAnswersForAnyJobWithFilesFromTheBucket() throws Exception {
        ServerNode a = node("a", "any", "--export-workers", "1", "--file-url-seconds", "2");
        ServerNode b = node("b", "any", "--export-workers", "1", "--files-via-server");
        String status = client.kickoff(a.base + "/Patient/$export?_type=Patient,Condition");
        String job = jobId(status);

        JsonNode viaB = client.awaitManifest(b.rebase(status), Duration.ofSeconds(60));
        assertThat(viaB.path("requiresAccessToken").asBoolean(true)).isFalse();
        JsonNode item = viaB.path("output").get(0);
        String served = item.path("url").asText();
        assertThat(served).startsWith(b.base.replace("/fhir", "") + "/files/" + job + "/");
        HttpResponse<byte[]> whole = client.get(served);
        assertThat(whole.statusCode()).isEqualTo(200);
        HttpResponse<byte[]> part = client.get(served, "Range", "bytes=5-104");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(whole.body(), 5, 105));
        HttpResponse<byte[]> gz = client.get(served, "Accept-Encoding", "gzip");
        assertThat(gz.headers().firstValue("Content-Encoding")).contains("gzip");
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(whole.body());
        }

        JsonNode viaA = client.awaitManifest(status, Duration.ofSeconds(10));
        assertThat(viaA.path("requiresAccessToken").asBoolean(true)).isFalse();
        String signed = viaA.path("output").get(0).path("url").asText();
        assertThat(signed).startsWith(s3.endpoint + "/" + BUCKET + "/any/" + job + "/").contains("X-Amz-Signature=");
        Map<String, Integer> fromBucket = client.exported(viaA);
        assertThat(fromBucket).isNotEmpty();
        HttpResponse<byte[]> direct = client.get(signed);
        assertThat(direct.body()).isEqualTo(whole.body());

        Awaitility.await("pre-signed URL to lapse").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                .until(() -> client.get(signed).statusCode() == 403);
        String fresh = client.awaitManifest(status, Duration.ofSeconds(10)).path("output").get(0).path("url").asText();
        assertThat(fresh).isNotEqualTo(signed);
        assertThat(client.get(fresh).statusCode()).isEqualTo(200);

        assertThat(s3.keys(BUCKET, "any/" + job + "/")).isNotEmpty();
        assertThat(client.delete(b.rebase(status)).statusCode()).isEqualTo(202);
        assertThat(client.get(status).statusCode()).isEqualTo(404);
        assertThat(s3.keys(BUCKET, "any/" + job + "/")).isEmpty();
        assertThat(client.get(fresh).statusCode()).isEqualTo(404);
    }

    /**
     * Crash safety: two nodes share a system export; the one holding running tasks is killed
     * with SIGKILL; its leases run out, the survivor re-runs those tasks, and the export has every
     * resource of the snapshot exactly once.
     */
    @Test
    void exportSurvivesAKilledNode() throws Exception {
        String[] args = {"--export-workers", "2", "--export-lease", "3", "--export-task-rows", "1500",
                "--export-throttle", "2500"};
        ServerNode a = node("k1", "kill", args);
        ServerNode b = node("k2", "kill", args);
        String status = client.kickoff(a.base + "/$export");
        String job = jobId(status);
        Awaitility.await("both nodes to be running tasks").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> nodesRunning(job).containsAll(Set.of(a.nodeId, b.nodeId))
                        && queryLong("SELECT tasks_done FROM export_job WHERE id = ?", job) >= 3);
        b.kill();
        long orphaned = queryLong("SELECT count(*) FROM export_task WHERE job_id = ? AND status = 'running'"
                + " AND lease_owner LIKE ?", job, b.nodeId + "-%");
        assertThat(orphaned).isPositive();

        JsonNode manifest = client.awaitManifest(status, Duration.ofSeconds(120));
        assertThat(queryLong("SELECT count(*) FROM export_task WHERE job_id = ? AND attempts > 1", job)).isPositive();
        assertEveryResourceExactlyOnce(job, manifest);
        assertThat(s3.keys(BUCKET, "kill/" + job + "/")).hasSize(manifest.path("output").size()
                + manifest.path("error").size());
    }

    /**
     * A node killed mid-job and started again resumes the job; while it runs, PostgreSQL drops
     * all its connections (pg_terminate_backend), and the tasks hit are run again rather than
     * failing the job.
     */
    @Test
    void restartedNodeResumesAndSurvivesDroppedConnections() throws Exception {
        String[] args = {"--export-workers", "2", "--export-lease", "3", "--export-task-rows", "1500",
                "--export-throttle", "2500"};
        ServerNode first = node("r1", "restart", args);
        String status = client.kickoff(first.base + "/$export");
        String job = jobId(status);
        Awaitility.await("some tasks done").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> queryLong("SELECT tasks_done FROM export_job WHERE id = ?", job) >= 3);
        first.kill();
        long doneBefore = queryLong("SELECT tasks_done FROM export_job WHERE id = ?", job);

        ServerNode again = node("r2", "restart", args);
        Awaitility.await("the restarted node to stream a task").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> nodesRunning(job).contains(again.nodeId) && queryLong("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE application_name = 'r2' AND query LIKE '%FROM resource%'") > 0);
        long cut = queryLong("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'r2'");
        assertThat(cut).isPositive();

        JsonNode manifest = client.awaitManifest(again.rebase(status), Duration.ofSeconds(120));
        assertThat(queryLong("SELECT tasks_done FROM export_job WHERE id = ?", job)).isGreaterThan(doneBefore);
        assertThat(queryLong("SELECT count(*) FROM export_task WHERE job_id = ? AND error IS NOT NULL", job))
                .as("tasks recorded as failed").isZero();
        assertThat(Files.readString(Path.of("target", "it-logs", "r2.log"))).contains("database connection lost");
        assertEveryResourceExactlyOnce(job, manifest);
    }
}
