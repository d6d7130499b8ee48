package org.bulkfhir.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the figures were measured on: a rate means little without the cores, memory and JVM behind it. */
public final class Machine {
    private Machine() {
    }

    public static void describe(BenchReport report) {
        report.figure("machine.cores", Runtime.getRuntime().availableProcessors(), "");
        report.figure("machine.memoryMB", totalMemoryBytes() / (1L << 20), "MB");
        report.note("machine.cpu", cpuModel());
        report.note("machine.java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        report.note("machine.os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        loadAverage(report, "machine.loadAverageAtStart");
    }

    /** The 1-minute load average: on a shared machine it says how much of the figures is ours. */
    public static void loadAverage(BenchReport report, String name) {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (load >= 0) {
            report.figure(name, load, "");
        }
    }

    static long totalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String l : lines) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: the architecture is the best we can say.
        }
        return System.getProperty("os.arch");
    }
}
