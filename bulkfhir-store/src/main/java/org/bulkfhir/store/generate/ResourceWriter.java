package org.bulkfhir.store.generate;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streams resources straight into one {@code <Type>.ndjson} file per resource type with
 * Jackson's generator: no model objects, nothing held beyond the current line. Helpers write
 * the FHIR datatypes the generator needs so the resource code reads like the JSON it makes.
 *
 * <p>One resource is open at a time ({@link #begin} … {@link #end}). Files are opened on
 * first use, so a type with no resources leaves no file behind.
 */
final class ResourceWriter implements Closeable {
    private static final int BUFFER = 1 << 16;

    private final Path dir;
    private final long seed;
    private final JsonFactory factory;
    private final Map<String, Out> outs = new LinkedHashMap<>();
    private final Map<String, long[]> ordinals = new TreeMap<>();
    private JsonGenerator g;
    private Out current;

    ResourceWriter(Path dir, long seed) {
        this.dir = dir;
        this.seed = seed;
        // Lines are separated by our own '\n'; Jackson's default separator is a space.
        this.factory = new JsonFactoryBuilder().rootValueSeparator((String) null).build();
    }

    private static final class Out {
        final Path path;
        final OutputStream stream;
        final JsonGenerator gen;
        long count;

        Out(Path path, OutputStream stream, JsonGenerator gen) {
            this.path = path;
            this.stream = stream;
            this.gen = gen;
        }
    }

    /** The next id for {@code type}: ids are numbered per type in write-plan order. */
    String newId(String type) {
        long n = ordinals.computeIfAbsent(type, t -> new long[1])[0]++;
        return Ids.uuid(seed, type, n);
    }

    String begin(String type) {
        String id = newId(type);
        begin(type, id);
        return id;
    }

    void begin(String type, String id) {
        if (current != null) {
            throw new IllegalStateException("resource still open in " + current.path);
        }
        try {
            current = outs.get(type);
            if (current == null) {
                Path path = dir.resolve(type + ".ndjson");
                OutputStream stream = new BufferedOutputStream(Files.newOutputStream(path), BUFFER);
                current = new Out(path, stream, factory.createGenerator(stream, JsonEncoding.UTF8));
                outs.put(type, current);
            }
            g = current.gen;
            g.writeStartObject();
            g.writeStringField("resourceType", type);
            g.writeStringField("id", id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void end() {
        try {
            g.writeEndObject();
            g.writeRaw('\n');
            current.count++;
            current = null;
            g = null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resources written so far, by type, sorted by type name. */
    Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        outs.forEach((type, out) -> counts.put(type, out.count));
        return counts;
    }

    /** Flushes and closes every file; returns the total bytes written. */
    long finish() throws IOException {
        close();
        long bytes = 0;
        for (Out out : outs.values()) {
            bytes += Files.size(out.path);
        }
        return bytes;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Out out : outs.values()) {
            try {
                if (!out.gen.isClosed()) {
                    out.gen.close();
                }
                out.stream.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    // ---- JSON primitives -------------------------------------------------------------------
    // IOExceptions are rethrown unchecked so resource-building code stays free of throws
    // clauses; generate() turns them back into IOException at its boundary.

    void field(String name) {
        try {
            g.writeFieldName(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void string(String name, String value) {
        try {
            g.writeStringField(name, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void string(String value) {
        try {
            g.writeString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void bool(String name, boolean value) {
        try {
            g.writeBooleanField(name, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void integer(String name, long value) {
        try {
            g.writeNumberField(name, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A FHIR decimal with a fixed number of places, written exactly (no binary noise). */
    void decimal(String name, double value, int places) {
        try {
            g.writeFieldName(name);
            if (places == 0) {
                g.writeNumber(Math.round(value));
            } else {
                g.writeNumber(BigDecimal.valueOf(Math.round(value * Math.pow(10, places)), places));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void startObject(String name) {
        try {
            g.writeObjectFieldStart(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void startObject() {
        try {
            g.writeStartObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void endObject() {
        try {
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void startArray(String name) {
        try {
            g.writeArrayFieldStart(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void endArray() {
        try {
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void stringArray(String name, String... values) {
        startArray(name);
        for (String v : values) {
            string(v);
        }
        endArray();
    }

    void intArray(String name, int... values) {
        startArray(name);
        try {
            for (int v : values) {
                g.writeNumber(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        endArray();
    }

    // ---- FHIR datatypes --------------------------------------------------------------------

    void dateTime(String name, long epochSecond) {
        string(name, FhirTime.dateTime(epochSecond));
    }

    void date(String name, long epochSecond) {
        string(name, FhirTime.dateOnly(epochSecond));
    }

    void coding(Code c) {
        startObject();
        string("system", c.system());
        string("code", c.code());
        if (c.display() != null) {
            string("display", c.display());
        }
        endObject();
    }

    /** A CodeableConcept value (no field name) with one coding. */
    void concept(Code c) {
        startObject();
        startArray("coding");
        coding(c);
        endArray();
        endObject();
    }

    void concept(String name, Code c) {
        field(name);
        concept(c);
    }

    /**
     * A CodeableConcept that also carries the display as {@code text}: used for the clinical
     * codes people read (problems, tests, drugs), not for administrative ones, to keep lines short.
     */
    void conceptWithText(String name, Code c) {
        startObject(name);
        startArray("coding");
        coding(c);
        endArray();
        if (c.display() != null) {
            string("text", c.display());
        }
        endObject();
    }

    void conceptArray(String name, Code c) {
        startArray(name);
        concept(c);
        endArray();
    }

    void reference(String type, String id) {
        startObject();
        string("reference", type + "/" + id);
        endObject();
    }

    void reference(String name, String type, String id) {
        startObject(name);
        string("reference", type + "/" + id);
        endObject();
    }

    void reference(String name, String type, String id, String display) {
        startObject(name);
        string("reference", type + "/" + id);
        if (display != null) {
            string("display", display);
        }
        endObject();
    }

    void referenceArray(String name, String type, String id) {
        startArray(name);
        reference(type, id);
        endArray();
    }

    void period(String name, long start, long end) {
        startObject(name);
        dateTime("start", start);
        if (end > 0) {
            dateTime("end", end);
        }
        endObject();
    }

    /** A Quantity with a UCUM unit; {@code unit} is the human form, {@code ucum} the code. */
    void quantity(String name, double value, int places, String unit, String ucum) {
        startObject(name);
        decimal("value", value, places);
        string("unit", unit);
        string("system", "http://unitsofmeasure.org");
        string("code", ucum);
        endObject();
    }

    void money(String name, long cents) {
        startObject(name);
        try {
            g.writeFieldName("value");
            g.writeNumber(BigDecimal.valueOf(cents, 2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        string("currency", "USD");
        endObject();
    }

    void identifier(String system, String value) {
        startObject();
        string("system", system);
        string("value", value);
        endObject();
    }
}
