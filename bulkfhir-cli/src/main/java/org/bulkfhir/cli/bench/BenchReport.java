package org.bulkfhir.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bulkfhir.core.json.Json;

/**
 * The figures of one bench run, in the order they were taken. Each is printed as it arrives (a
 * long run shows progress, and a run that dies half-way still leaves its figures on screen) and
 * all of them are written as JSON at the end.
 */
public final class BenchReport {
    private final PrintStream out;
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> units = new LinkedHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();

    public BenchReport(PrintStream out) {
        this.out = out;
    }

    public void figure(String name, Object value, String unit) {
        values.put(name, value instanceof Double d ? round(d) : value);
        if (!unit.isEmpty()) {
            units.put(name, unit);
        }
        out.printf(Locale.ROOT, "%-44s %s%s%n", name, shown(value), unit.isEmpty() ? "" : " " + unit);
    }

    /** A rate next to the ceiling it is bounded by: both and the fraction, so slow machines compare fairly. */
    public void fraction(String name, double rate, double ceiling) {
        if (ceiling > 0 && rate > 0) {
            figure(name, rate / ceiling, "of ceiling");
        }
    }

    /** Something that is not a number: why a run was skipped, which mode was used. */
    public void note(String name, String text) {
        notes.put(name, text);
        values.put(name, text);
        out.printf(Locale.ROOT, "%-44s %s%n", name, text);
    }

    public void heading(String text) {
        out.println();
        out.println("== " + text);
    }

    public Object value(String name) {
        return values.get(name);
    }

    public double number(String name) {
        return values.get(name) instanceof Number n ? n.doubleValue() : 0;
    }

    public void writeJson(Path file) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode figures = root.putObject("figures");
        values.forEach((k, v) -> figures.set(k, Json.MAPPER.valueToTree(v)));
        ObjectNode u = root.putObject("units");
        units.forEach(u::put);
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    private static double round(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return d;
        }
        double scale = Math.abs(d) >= 100 ? 10 : 1000;
        return Math.round(d * scale) / scale;
    }

    private static String shown(Object value) {
        if (value instanceof Double d) {
            return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%,.0f", d)
                    : Math.abs(d) >= 1 ? String.format(Locale.ROOT, "%.2f", d) : String.format(Locale.ROOT, "%.3f", d);
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", value);
        }
        return String.valueOf(value);
    }
}
