package org.bulkfhir.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code bulkfhir server} in a child JVM with a fixed heap, so that its heap and RSS are the
 * server's own and not the benchmark's (which holds the generator, loader and client). The
 * child's output goes to a log file; the base URL is read from its "FHIR base:" line.
 */
public final class ServerProcess implements BenchServer {
    private static final String BASE_LINE = "FHIR base: ";

    private final Process process;
    private final String baseUrl;
    private final String heap;
    private final Thread reaper;

    private ServerProcess(Process process, String baseUrl, String heap, Thread reaper) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.heap = heap;
        this.reaper = reaper;
    }

    /**
     * Starts the server on a free loopback port over the store at {@code dataDir} (or {@code db})
     * and waits until it serves.
     *
     * @param jvmOptions extra JVM options (e.g. a JFR recording)
     */
    public static ServerProcess start(Path dataDir, String db, String heap, List<String> jvmOptions, Path log)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.addAll(jvmOptions);
        // The classpath of this JVM: the shaded jar when run as bulkfhir, the test classpath under Maven.
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.bulkfhir.cli.Main", "server",
                "--host", "127.0.0.1", "--port", "0", "--auth", "open", "--data-dir", dataDir.toString()));
        if (db != null) {
            cmd.addAll(List.of("--db", db));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("BULKFHIR_DB");
        Process p = pb.start();
        // Whatever ends the benchmark (Ctrl-C included), the server must not outlive it.
        Thread reaper = new Thread(p::destroyForcibly, "bulkfhir-bench-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        CompletableFuture<String> base = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(p, log, base), "bulkfhir-bench-server-log");
        pump.setDaemon(true);
        pump.start();
        try {
            String url = base.get(120, TimeUnit.SECONDS);
            return new ServerProcess(p, url, heap, reaper);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            removeHook(reaper);
            throw new IOException("the server did not start (" + (e.getCause() != null ? e.getCause().getMessage() : "no"
                    + " base URL within 120 s") + "); see " + log);
        }
    }

    private static void pump(Process p, Path log, CompletableFuture<String> base) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.println(line);
                if (!base.isDone() && line.startsWith(BASE_LINE)) {
                    base.complete(line.substring(BASE_LINE.length()).trim());
                }
            }
        } catch (IOException e) {
            base.completeExceptionally(e);
        }
        base.completeExceptionally(new IOException("the server exited with code " + exitCode(p)));
    }

    private static String exitCode(Process p) {
        try {
            return Integer.toString(p.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    @Override
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public String mode() {
        return "child JVM -Xmx" + heap + " (pid " + process.pid() + ")";
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, so the server closes its store cleanly; forcibly after 20 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        removeHook(reaper);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs anyway.
        }
    }
}
