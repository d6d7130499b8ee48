package org.bulkfhir.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A JVM started by a test. Its stdout and stderr go to a log file under {@code target/it-logs}
 * (kept for post-mortems) and stdout lines are also kept for the test to read.
 */
class ChildProcess implements AutoCloseable {
    private static final Path LOGS = Path.of("target", "it-logs");

    final String name;
    final Process process;
    final List<String> stdout = new CopyOnWriteArrayList<>();

    ChildProcess(String name, List<String> command, Map<String, String> env) throws IOException {
        this.name = name;
        Files.createDirectories(LOGS);
        Path log = LOGS.resolve(name + ".log");
        Files.deleteIfExists(log);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        this.process = pb.start();
        process.getOutputStream().close();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter copy = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                         java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    stdout.add(line);
                    copy.println(line);
                }
            } catch (IOException e) {
                // The process went away; what it printed is kept.
            }
        }, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The first stdout line starting with {@code prefix}, minus the prefix, waiting for it. */
    String awaitLine(String prefix, Duration timeout) {
        Awaitility.await(name + " to print '" + prefix + "'").atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see target/it-logs");
                    }
                    return stdout.stream().anyMatch(l -> l.startsWith(prefix));
                });
        return stdout.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
    }

    /** kill -9: no shutdown hook, no goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
