package org.bulkfhir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.bulkfhir.core.json.Json;
import org.bulkfhir.server.BulkFhirServer;
import org.bulkfhir.server.ServerConfig;
import org.bulkfhir.server.auth.AuthConfig;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.JdbcResourceStore;
import org.bulkfhir.store.ResourceStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Both scenarios end to end on one embedded store served by two nodes: an open endpoint
 * (scenario 1) and a SMART-protected one (scenario 2). Every step runs the real commands
 * ({@code export}, {@code keys}, {@code register}) over real HTTP and checks what they produced.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs both scenarios end to end on an embedded server with generated data.",
                "Scenario 1 (open endpoint): a system export with _type and _typeFilter, then a Group export with "
                        + "_elements. Scenario 2 (SMART Backend Services): keys made, client registered, token "
                        + "obtained, a protected Patient export with 'patient' by POST, and the same kick-off without "
                        + "a token refused. Exits 0 only when every step did what it should."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--patients", defaultValue = "100", description = "Patients to generate (default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to keep the demo's data and exports (default: a new temp folder).")
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private int failures;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        Path home = dir != null ? dir : Files.createTempDirectory("bulkfhir-demo-");
        Files.createDirectories(home);
        say("bulkfhir demo — everything below runs over real HTTP on 127.0.0.1");
        say("Data folder: " + home.toAbsolutePath());
        String adminToken = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        try (ResourceStore store = JdbcResourceStore.open(Database.sqliteUrl(home.resolve("store")))) {
            ServerCommand.fill(store, home, patients, 42, List.of(), true);
            ServerConfig base = ServerConfig.defaults(home.resolve("server")).withPort(0);
            try (BulkFhirServer open = BulkFhirServer.start(base, store);
                 BulkFhirServer smart = BulkFhirServer.start(base.withAuth(AuthConfig.smart(adminToken)), store)) {
                scenarioOne(open.baseUrl(), home.resolve("scenario-1"));
                scenarioTwo(smart.baseUrl(), adminToken, home.resolve("scenario-2"));
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Exports are in %s (%.0f s in all).%n", home.toAbsolutePath(),
                (System.nanoTime() - start) / 1e9);
        if (failures > 0) {
            System.out.println("Demo FAILED: " + failures + " check(s) did not hold.");
            return 1;
        }
        System.out.println("Demo passed: every step did what it should.");
        return 0;
    }

    // ------------------------------------------------------------ scenario 1

    private void scenarioOne(String base, Path out) throws Exception {
        heading("Scenario 1: open endpoint " + base);
        String groupId = groupId(base, "diabetes-cohort");

        String filter = "Observation?category=laboratory";
        say("System export of Patient and Observation, Observations filtered by _typeFilter=" + filter);
        Path system = out.resolve("system");
        int exit = cli("export", "--server", base, "--type", "Patient,Observation", "--type-filter", filter,
                "--out", system.toString(), "--quiet");
        check("bulkfhir export exited 0", exit == 0);
        List<JsonNode> observations = resources(system, "Observation");
        List<JsonNode> patientsOut = resources(system, "Patient");
        check("exported " + patientsOut.size() + " Patients", patientsOut.size() == patients);
        check("exported " + observations.size() + " Observations, every one a laboratory result",
                !observations.isEmpty() && observations.stream().allMatch(DemoCommand::isLaboratory));
        List<String> exportedTypes = types(system);
        check("no other resource types " + exportedTypes, !exportedTypes.isEmpty()
                && exportedTypes.stream().allMatch(t -> t.equals("Patient") || t.equals("Observation")));

        say("Group export of the diabetes cohort (Group/" + groupId + ") with _elements=Patient.birthDate,Condition.code");
        Path group = out.resolve("group");
        exit = cli("export", "--server", base, "--level", "group:" + groupId, "--type", "Patient,Condition",
                "--elements", "Patient.birthDate,Condition.code", "--out", group.toString(), "--quiet");
        check("bulkfhir export exited 0", exit == 0);
        List<JsonNode> members = resources(group, "Patient");
        JsonNode groupResource = get(base + "/Group/" + groupId);
        cohortMember = groupResource.path("member").path(0).path("entity").path("reference").asText().replace("Patient/", "");
        check("exported the Group's " + members.size() + " members",
                members.size() == groupResource.path("member").size() && !members.isEmpty());
        check("Patients carry only the requested and mandatory elements, tagged SUBSETTED",
                !members.isEmpty() && members.stream().allMatch(p -> subsetted(p, "birthDate")));
        List<JsonNode> conditions = resources(group, "Condition");
        check(conditions.size() + " Conditions, subsetted to code (plus mandatory elements)",
                !conditions.isEmpty() && conditions.stream().allMatch(c -> c.has("code") && !c.has("onsetDateTime")));
    }

    // ------------------------------------------------------------ scenario 2

    private void scenarioTwo(String base, String adminToken, Path out) throws Exception {
        heading("Scenario 2: SMART Backend Services at " + base);
        JsonNode config = get(base + "/.well-known/smart-configuration");
        check("discovery advertises a token endpoint and private_key_jwt", config.path("token_endpoint").isTextual()
                && config.path("token_endpoint_auth_methods_supported").toString().contains("private_key_jwt"));

        Path keys = out.resolve("keys");
        say("bulkfhir keys --out " + keys + " --alg ES384");
        check("key pair made", cli("keys", "--out", keys.toString(), "--alg", "ES384") == 0
                && Files.exists(keys.resolve("private.jwks.json")) && Files.exists(keys.resolve("public.jwks.json")));

        say("bulkfhir register (inline public JWKS, scope system/*.rs)");
        String[] captured = new String[1];
        int exit = captureStdout(captured, "register", "--server", base, "--jwks", keys.resolve("public.jwks.json").toString(),
                "--scope", "system/*.rs", "--name", "bulkfhir demo", "--admin-token", adminToken);
        String clientId = captured[0] == null ? "" : lastLine(captured[0]);
        check("client registered: " + clientId, exit == 0 && !clientId.isBlank());

        String patientId = cohortMember;
        say("Protected Patient export for Patient/" + patientId + " only ('patient' sent by POST; the client gets a token itself)");
        Path protectedOut = out.resolve("patient-export");
        exit = cli("export", "--server", base, "--client-id", clientId, "--key", keys.resolve("private.jwks.json").toString(),
                "--level", "patient", "--patient", patientId, "--type", "Patient,Encounter,Observation",
                "--out", protectedOut.toString(), "--quiet");
        check("bulkfhir export with a token exited 0", exit == 0);
        List<JsonNode> exportedPatients = resources(protectedOut, "Patient");
        check("exactly that patient was exported", exportedPatients.size() == 1
                && exportedPatients.get(0).path("id").asText().equals(patientId));
        List<JsonNode> encounters = resources(protectedOut, "Encounter");
        check(encounters.size() + " Encounters, all of that patient", !encounters.isEmpty() && encounters.stream()
                .allMatch(e -> e.path("subject").path("reference").asText().equals("Patient/" + patientId)));

        say("The same kick-off without a token");
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "/Patient/$export"))
                .header("Accept", "application/fhir+json").header("Prefer", "respond-async")
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"patient\","
                        + "\"valueReference\":{\"reference\":\"Patient/" + patientId + "\"}}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode outcome = Json.MAPPER.readTree(refused.body());
        check("refused with " + refused.statusCode() + " and an OperationOutcome: "
                        + outcome.path("issue").path(0).path("diagnostics").asText(),
                refused.statusCode() == 401 && "OperationOutcome".equals(outcome.path("resourceType").asText())
                        && refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        exit = cli("export", "--server", base, "--level", "patient", "--out", out.resolve("no-token").toString(), "--quiet");
        check("bulkfhir export without credentials exits non-zero (" + exit + ") and writes nothing",
                exit != 0 && resources(out.resolve("no-token"), "Patient").isEmpty());
    }

    // ------------------------------------------------------------ helpers

    private int cli(String... args) {
        System.out.println("  $ bulkfhir " + String.join(" ", quoted(args)));
        return Main.run(args);
    }

    private int captureStdout(String[] captured, String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.out.println("  $ bulkfhir " + String.join(" ", quoted(args)));
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            return Main.run(args);
        } finally {
            System.setOut(original);
            captured[0] = buffer.toString(StandardCharsets.UTF_8);
        }
    }

    private static List<String> quoted(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            boolean secret = i > 0 && args[i - 1].equals("--admin-token");
            String a = secret ? "…" : args[i];
            out.add(a.contains(" ") || a.contains("?") || a.contains("*") ? "'" + a + "'" : a);
        }
        return out;
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/fhir+json")
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + r.statusCode());
        }
        return Json.MAPPER.readTree(r.body());
    }

    private String groupId(String base, String identifier) throws Exception {
        JsonNode bundle = get(base + "/Group?identifier=" + identifier);
        return bundle.path("entry").path(0).path("resource").path("id").asText();
    }

    /** A member of the cohort scenario 1 exported (scenario 2's server needs a token even to read it). */
    private String cohortMember;

    /** Every resource of {@code type} in an export folder ({@code Type.NNN.ndjson} files). */
    private static List<JsonNode> resources(Path folder, String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return out;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(type + ".")
                    && p.getFileName().toString().endsWith(".ndjson")).sorted().toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        out.add(Json.MAPPER.readTree(line));
                    }
                }
            }
        }
        return out;
    }

    private static List<String> types(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ndjson") && !n.startsWith("error")
                    && !n.startsWith("deleted")).map(n -> n.substring(0, n.indexOf('.'))).distinct().toList();
        }
    }

    private static boolean isLaboratory(JsonNode observation) {
        for (JsonNode category : observation.path("category")) {
            for (JsonNode coding : category.path("coding")) {
                if ("laboratory".equals(coding.path("code").asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean subsetted(JsonNode resource, String element) {
        boolean tagged = resource.path("meta").path("tag").toString().contains("SUBSETTED");
        boolean onlyAllowed = true;
        for (var it = resource.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            onlyAllowed &= f.equals("resourceType") || f.equals("id") || f.equals("meta") || f.equals(element);
        }
        return tagged && onlyAllowed;
    }

    private static void heading(String text) {
        System.out.println();
        System.out.println("== " + text);
    }

    private static void say(String text) {
        System.out.println("• " + text);
    }

    private void check(String what, boolean ok) {
        System.out.println((ok ? "  ✔ " : "  ✘ ") + what);
        if (!ok) {
            failures++;
        }
    }
}
