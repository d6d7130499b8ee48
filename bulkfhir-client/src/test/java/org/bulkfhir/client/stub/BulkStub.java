package org.bulkfhir.client.stub;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A scriptable Bulk Data server: kick-off at every level answers 202 with a status URL; the
 * status URL plays {@link #statusScript} and then answers the manifest from {@link #manifest};
 * files are served from memory with Range and optional gzip, after any per-file script.
 */
public final class BulkStub implements AutoCloseable {
    public final StubServer http = new StubServer();
    public final URI base = URI.create(http.base() + "/fhir");
    public final Map<String, byte[]> files = new ConcurrentHashMap<>();
    public final Queue<StubServer.Route> statusScript = new ConcurrentLinkedQueue<>();
    public final Map<String, Queue<StubServer.Route>> fileScripts = new ConcurrentHashMap<>();
    public final AtomicInteger deletes = new AtomicInteger();
    public volatile Supplier<String> manifest;
    public volatile boolean gzip;
    /** Null: open server. Otherwise every kick-off, status and (when required) file request must carry a valid token. */
    public volatile TokenStub auth;
    public volatile String statusPath = "/fhir/status/job-1";
    public volatile String contentLocation;

    public BulkStub() {
        StubServer.Route kickoff = (req, reply) -> {
            if (!authorized(req)) {
                unauthorized(reply);
                return;
            }
            reply.status(202).header("Content-Location", contentLocation != null ? contentLocation : http.base() + statusPath);
        };
        for (String m : List.of("GET", "POST")) {
            http.on(m, "/fhir/$export", kickoff);
            http.on(m, "/fhir/Patient/$export", kickoff);
            http.onPrefix(m, "/fhir/Group/", kickoff);
        }
        http.onPrefix("GET", "/fhir/status/", (req, reply) -> {
            if (!authorized(req)) {
                unauthorized(reply);
                return;
            }
            StubServer.Route next = statusScript.poll();
            if (next != null) {
                next.handle(req, reply);
                return;
            }
            reply.json(200, manifest.get());
        });
        http.onPrefix("DELETE", "/fhir/status/", (req, reply) -> {
            deletes.incrementAndGet();
            reply.status(202);
        });
        http.onPrefix("GET", "/files/", (req, reply) -> {
            Queue<StubServer.Route> script = fileScripts.get(req.path());
            StubServer.Route next = script == null ? null : script.poll();
            if (next != null) {
                next.handle(req, reply);
                return;
            }
            byte[] content = files.get(req.path());
            if (content == null) {
                reply.fhirJson(404, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}");
                return;
            }
            if (auth != null && requiresToken && !auth.isValid(req.header("Authorization"))) {
                unauthorized(reply);
                return;
            }
            reply.file(req, content, gzip);
        });
    }

    /** For files: whether the manifest says requiresAccessToken (checked by the file route). */
    public volatile boolean requiresToken = true;

    private boolean authorized(StubServer.Req req) {
        return auth == null || auth.isValid(req.header("Authorization"));
    }

    private static void unauthorized(StubServer.Reply reply) {
        reply.header("WWW-Authenticate", "Bearer").fhirJson(401,
                "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"login\"}]}");
    }

    /** Adds a file and returns its absolute URL. */
    public String addFile(String name, byte[] content) {
        files.put("/files/" + name, content);
        return http.base() + "/files/" + name;
    }

    public void script(String fileName, StubServer.Route... answers) {
        fileScripts.computeIfAbsent("/files/" + fileName, k -> new ConcurrentLinkedQueue<>()).addAll(List.of(answers));
    }

    public static byte[] ndjson(String type, int n, String idPrefix) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"resourceType\":\"").append(type).append("\",\"id\":\"").append(idPrefix).append(i)
                    .append("\",\"meta\":{\"versionId\":\"1\"},\"text\":{\"div\":\"").append("x".repeat(i % 50)).append("\"}}\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Builds manifest JSON; items are raw JSON objects. */
    public static final class ManifestBuilder {
        public String transactionTime = "2024-05-01T10:00:00.000Z";
        public Boolean requiresAccessToken = true;
        public final List<String> output = new ArrayList<>();
        public List<String> error = new ArrayList<>();
        public List<String> deleted;
        public String extra = "";

        public ManifestBuilder output(String type, String url, Long count) {
            output.add("{\"type\":\"" + type + "\",\"url\":\"" + url + "\"" + (count == null ? "" : ",\"count\":" + count) + "}");
            return this;
        }

        public ManifestBuilder error(String url) {
            error.add("{\"type\":\"OperationOutcome\",\"url\":\"" + url + "\"}");
            return this;
        }

        public ManifestBuilder deleted(String url) {
            if (deleted == null) {
                deleted = new ArrayList<>();
            }
            deleted.add("{\"type\":\"Bundle\",\"url\":\"" + url + "\"}");
            return this;
        }

        public String json() {
            StringBuilder sb = new StringBuilder("{\"transactionTime\":\"").append(transactionTime).append("\",")
                    .append("\"request\":\"http://x/fhir/$export\",");
            if (requiresAccessToken != null) {
                sb.append("\"requiresAccessToken\":").append(requiresAccessToken).append(',');
            }
            sb.append("\"output\":[").append(String.join(",", output)).append(']');
            if (error != null) {
                sb.append(",\"error\":[").append(String.join(",", error)).append(']');
            }
            if (deleted != null) {
                sb.append(",\"deleted\":[").append(String.join(",", deleted)).append(']');
            }
            sb.append(extra).append('}');
            return sb.toString();
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
