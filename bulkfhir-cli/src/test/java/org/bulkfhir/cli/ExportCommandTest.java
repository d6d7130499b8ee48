package org.bulkfhir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.bulkfhir.core.fhir.FhirInstant;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.core.search.LocalMatcher;
import org.bulkfhir.core.search.TypeFilterSet;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `bulkfhir keys` and `bulkfhir export`, the client against our own server over real HTTP. */
class ExportCommandTest {
    @TempDir
    static Path home;
    static ResourceStore store;
    static BulkFhirServer server;
    static String base;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        store = JdbcResourceStore.open(Database.sqliteUrl(home));
        ServerCommand.fill(store, home, 20, 42, List.of(), true);
        server = BulkFhirServer.start(ServerConfig.defaults(home).withPort(0), store);
        base = server.baseUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        store.close();
    }

    static String stdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    static String stderr(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void keysWritesAPrivateAndAPublicJwks() throws Exception {
        assertThat(Main.run("keys", "--out", tmp.toString(), "--alg", "RS384")).isZero();
        assertThat(Files.getPosixFilePermissions(tmp.resolve("private.jwks.json")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(tmp.resolve("public.jwks.json"))).contains("\"kid\"", "\"RS384\"", "\"sig\"")
                .doesNotContain("\"d\"");
        assertThat(Main.run("keys", "--out", tmp.toString())).isNotZero(); // never overwrites a private key
        assertThat(Main.run("keys", "--out", tmp.resolve("x").toString(), "--alg", "HS256")).isEqualTo(2);
    }

    @Test
    void exportsFromOurServerThenUpdatesIncrementally() throws Exception {
        Path out = tmp.resolve("export");
        int[] code = new int[1];
        String json = stdout(() -> code[0] = Main.run("export", "--server", base, "--type", "Patient,Observation",
                "--out", out.toString(), "--parallel", "2", "--json"));
        assertThat(code[0]).isZero();
        JsonNode summary = Json.MAPPER.readTree(json);
        assertThat(summary.path("types").path("Patient").path("resources").asLong()).isEqualTo(20);
        assertThat(summary.path("types").path("Observation").path("resources").asLong()).isPositive();
        assertThat(out.resolve("Patient.000.ndjson")).exists();
        assertThat(out.resolve("manifest.json")).exists();
        assertThat(out.resolve(".bulkfhir-state.json")).doesNotExist();
        long lines;
        try (Stream<String> s = Files.lines(out.resolve("Patient.000.ndjson"))) {
            lines = s.count();
        }
        assertThat(lines).isEqualTo(20);

        assertThat(Main.run("export", "--server", base, "--type", "Patient", "--since", "auto", "--out", out.toString(),
                "--quiet")).isZero();
        assertThat(Main.run("export", "--server", base, "--out", out.toString(), "--quiet"))
                .as("refuses to mix a full export into an existing one").isEqualTo(2);
    }

    /**
     * C-18 against our server, which honours _typeFilter: the client's local check agrees with the
     * server's SQL on every resource (nothing removed, nothing unchecked), and every file is byte
     * for byte what was served (its CRC-32C is the one the server's manifest states).
     */
    static final List<String> FILTERS = List.of("Observation?category=laboratory&date=ge2015",
            "Observation?category=vital-signs&value-quantity=gt100", "Patient?gender=female",
            "Condition?clinical-status=active&onset-date=le2020", "Encounter?date=ge2018-06&subject:missing=false",
            "MedicationRequest?status:not=active");
    static final String FILTERED_TYPES = "Patient,Observation,Condition,Encounter,MedicationRequest";

    static List<String> exportArgs(Path out, List<String> filters, String... more) {
        List<String> args = new ArrayList<>(List.of("export", "--server", base, "--type", FILTERED_TYPES,
                "--out", out.toString(), "--parallel", "2"));
        filters.forEach(f -> args.addAll(List.of("--type-filter", f)));
        args.addAll(List.of(more));
        return args;
    }

    /** Type/id of every resource in the NDJSON files of {@code dir} that {@code keep} accepts. */
    static Set<String> keys(Path dir, Predicate<byte[]> keep) throws Exception {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.getFileName().toString().matches("[A-Za-z]+\\.\\d+\\.ndjson")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    byte[] b = line.getBytes(StandardCharsets.UTF_8);
                    if (!line.isBlank() && keep.test(b)) {
                        JsonNode r = Json.MAPPER.readTree(b);
                        keys.add(r.path("resourceType").asText() + "/" + r.path("id").asText());
                    }
                }
            }
        }
        return keys;
    }

    @Test
    void typeFilterHonouredByOurServerRemovesNothing_C18() throws Exception {
        Path out = tmp.resolve("filtered");
        int[] code = new int[1];
        String json = stdout(() -> code[0] = Main.run(exportArgs(out, FILTERS, "--json").toArray(String[]::new)));
        assertThat(code[0]).isZero();
        JsonNode summary = Json.MAPPER.readTree(json);
        JsonNode local = summary.path("localTypeFilter");
        assertThat(local.path("Observation").path("received").asLong()).isPositive();
        assertThat(local.path("Patient").path("received").asLong()).isPositive();
        local.fields().forEachRemaining(e -> {
            assertThat(e.getValue().path("removed").asLong()).as(e.getKey() + " removed").isZero();
            assertThat(e.getValue().path("unchecked").asLong()).as(e.getKey() + " unchecked").isZero();
        });
        assertThat(summary.path("warnings")).isEmpty();
        JsonNode manifest = Json.MAPPER.readTree(out.resolve("manifest.json").toFile());
        int files = 0;
        try (Stream<Path> s = Files.list(out)) {
            for (Path f : s.filter(p -> p.getFileName().toString().matches("[A-Za-z]+\\.\\d+\\.ndjson")).sorted().toList()) {
                CRC32C crc = new CRC32C();
                crc.update(Files.readAllBytes(f));
                assertThat(manifest.path("output").findValuesAsText("https://bulkfhir.org/crc32c")).as(f.toString())
                        .contains(HexFormat.of().toHexDigits((int) crc.getValue()));
                files++;
            }
        }
        assertThat(files).isEqualTo(manifest.path("output").size());

        // The other direction: applied to the unfiltered export, the local check keeps exactly what the server's SQL kept.
        Path all = tmp.resolve("all");
        assertThat(Main.run(exportArgs(all, List.of(), "--quiet").toArray(String[]::new))).isZero();
        LocalMatcher matcher = new LocalMatcher(TypeFilterSet.parse(FILTERS,
                FhirInstant.parse(manifest.path("transactionTime").asText())));
        Set<String> kept = keys(all, b -> matcher.test(LocalMatcher.typeOf(b), b) != LocalMatcher.Verdict.DOES_NOT_MATCH);
        assertThat(kept).isEqualTo(keys(out, b -> true));
        assertThat(kept.size()).as("the filters select something, not everything").isLessThan(keys(all, b -> true).size());
    }

    /** C-19: a refused _elements fails the export (exit 4) unless --drop-unsupported resubmits without it. */
    @Test
    void refusedElementsFailsOrIsDroppedOnRequest_C19() throws Exception {
        Path out = tmp.resolve("refused");
        int[] code = new int[1];
        String err = stderr(() -> code[0] = Main.run("export", "--server", base, "--type", "Patient,Observation",
                "--elements", "Observation.nonsense", "--out", out.toString(), "--quiet"));
        assertThat(code[0]).isEqualTo(4);
        assertThat(err).contains("_elements: 'nonsense' is not an element of Observation").contains("--drop-unsupported");
        assertThat(out).doesNotExist();

        Path dropped = tmp.resolve("dropped");
        String json = stdout(() -> code[0] = Main.run("export", "--server", base, "--type", "Patient,Observation",
                "--elements", "Observation.nonsense", "--drop-unsupported", "--out", dropped.toString(), "--json"));
        assertThat(code[0]).isZero();
        JsonNode summary = Json.MAPPER.readTree(json);
        assertThat(summary.path("droppedParameters").get(0).path("name").asText()).isEqualTo("_elements");
        assertThat(summary.path("warnings").get(0).asText()).contains("the server refused _elements")
                .contains("resources are complete");
        assertThat(summary.path("types").path("Observation").path("resources").asLong()).isPositive();
    }

    /** C-19: under --lenient our server ignores a bad _elements and says so in an error file; the summary lists it. */
    @Test
    void lenientNoticesAreListed_C19() throws Exception {
        Path out = tmp.resolve("lenient");
        int[] code = new int[1];
        String json = stdout(() -> code[0] = Main.run("export", "--server", base, "--type", "Patient",
                "--elements", "Patient.nonsense", "--lenient", "--out", out.toString(), "--json"));
        assertThat(code[0]).isZero();
        JsonNode summary = Json.MAPPER.readTree(json);
        assertThat(summary.path("ignoredParameters").path("_elements").asText())
                .contains("Ignored under handling=lenient").contains("nonsense");
        assertThat(summary.path("warnings").toString()).contains("the server ignored _elements");
    }

    @Test
    void badInputFailsWithOneMessageAndWritesNothing() throws Exception {
        Path out = tmp.resolve("never");
        assertThat(Main.run("export", "--server", base, "--since", "2024-01-01", "--out", out.toString())).isEqualTo(2);
        assertThat(Main.run("export", "--server", base, "--level", "everything", "--out", out.toString())).isEqualTo(2);
        assertThat(Main.run("export", "--server", base, "--type-filter", "Observation?_sort=date", "--out", out.toString())).isEqualTo(2);
        assertThat(Main.run("export", "--server", base, "--client-id", "c", "--key", tmp.resolve("nokey.json").toString(),
                "--out", out.toString())).isEqualTo(2);
        assertThat(Main.run("export", "--out", out.toString())).isEqualTo(2);
        assertThat(Main.run("export", "--resume", "--out", out.toString())).isEqualTo(2);
        String err = stderr(() -> Main.run("export", "--resume", "--no-local-filter", "--out", out.toString()));
        assertThat(err.strip()).isEqualTo("bulkfhir: --no-local-filter applies when an export starts; a resumed export"
                + " keeps the settings it was started with");
        assertThat(Main.run("export", "--server", base + "/not-fhir", "--out", out.toString(), "--quiet")).isEqualTo(4);
        assertThat(out).doesNotExist();
    }
}
