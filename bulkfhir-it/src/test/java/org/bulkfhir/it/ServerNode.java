package org.bulkfhir.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code bulkfhir server} in a JVM of its own, on an ephemeral port; the FHIR base is read from its stdout. */
final class ServerNode extends ChildProcess {
    final String base;
    final String nodeId;

    private ServerNode(String name, List<String> command, Map<String, String> env) throws Exception {
        super(name, command, env);
        this.base = awaitLine("FHIR base: ", Duration.ofSeconds(90));
        this.nodeId = awaitLine("Export node: ", Duration.ofSeconds(5));
    }

    /**
     * Starts a node named {@code name} on {@code jdbcUrl}; its database connections carry the
     * name as PostgreSQL application_name, so a test can find and cut them.
     */
    static ServerNode start(String name, String jdbcUrl, Path dataDir, Map<String, String> env, String... args)
            throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx512m", "-XX:+UseSerialGC", "-cp", classpath,
                "org.bulkfhir.cli.Main", "server", "--port", "0", "--auth", "open",
                "--db", jdbcUrl.startsWith("jdbc:postgresql:")
                        ? jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "ApplicationName=" + name : jdbcUrl,
                "--data-dir", dataDir.resolve(name).toString()));
        cmd.addAll(List.of(args));
        Map<String, String> environment = new HashMap<>(env);
        environment.put("BULKFHIR_LOG_LEVEL", "INFO");
        return new ServerNode(name, cmd, environment);
    }

    /** The same URL on this node. */
    String rebase(String url) {
        int fhir = url.indexOf("/fhir");
        return base + url.substring(fhir + "/fhir".length());
    }
}
