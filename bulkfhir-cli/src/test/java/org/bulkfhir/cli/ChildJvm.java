package org.bulkfhir.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A class of this module's classpath run in a JVM of its own, for what cannot happen inside the
 * test JVM: a kill -9, or security properties that must be set before any TLS class loads. Output
 * (stdout and stderr) goes to a log file rather than a pipe, so a chatty child can never block on
 * a full pipe buffer. Surefire may run tests from a manifest-only jar, so the classpath comes from
 * {@code surefire.test.class.path} when it is set (as bulkfhir-it's ServerNode does).
 */
final class ChildJvm implements AutoCloseable {
    final Process process;
    final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ChildJvm start(Path log, List<String> jvmOptions, String mainClass, String... args) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", classpath, mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("BULKFHIR_DB");
        pb.environment().put("BULKFHIR_LOG_LEVEL", "INFO");
        Process p = pb.start();
        p.getOutputStream().close();
        return new ChildJvm(p, log);
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** The exit code, waiting at most {@code seconds}; the child is killed if it takes longer. */
    int await(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            close();
            throw new AssertionError("the child JVM did not finish in " + seconds + " s; its output:\n" + output());
        }
        return process.exitValue();
    }

    /** kill -9: no shutdown hook runs, nothing is flushed or saved on the way out. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
