package org.bulkfhir.client.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** C-28, C-29, C-37: lenient manifest reading. */
class ManifestTest {
    static final URI FROM = URI.create("https://ehr.example/fhir/status/1");

    static Manifest parse(String json) {
        return Manifest.parse(json.getBytes(StandardCharsets.UTF_8), FROM);
    }

    @Test
    void minimalManifestWithoutErrorOrRequest() {
        Manifest m = parse("{\"transactionTime\":\"2024-01-01T00:00:00Z\",\"requiresAccessToken\":false,"
                + "\"output\":[{\"type\":\"Patient\",\"url\":\"../files/p1.ndjson\"},"
                + "{\"type\":\"Patient\",\"url\":\"https://blob.example/p2.ndjson?sig=1\",\"count\":2}],"
                + "\"deleted\":[{\"type\":\"Bundle\",\"url\":\"/del/1\"}],\"unknownKey\":{\"a\":1}}");
        assertThat(m.requiresAccessToken()).isFalse();
        assertThat(m.request()).isNull();
        assertThat(m.files(ManifestFile.Section.OUTPUT)).extracting(f -> f.url().toString())
                .containsExactly("https://ehr.example/fhir/files/p1.ndjson", "https://blob.example/p2.ndjson?sig=1");
        assertThat(m.files(ManifestFile.Section.OUTPUT).get(0).count()).isNull();
        assertThat(m.files(ManifestFile.Section.OUTPUT).get(1).count()).isEqualTo(2);
        assertThat(m.files(ManifestFile.Section.ERROR)).isEmpty();
        assertThat(m.files(ManifestFile.Section.DELETED)).extracting(f -> f.url().toString())
                .containsExactly("https://ehr.example/del/1");
    }

    @Test
    void extensionsAsObjectOrArrayAndTheDraftOutcome() {
        Manifest stu = parse("{\"transactionTime\":\"2024-01-01T00:00:00.123+01:00\",\"requiresAccessToken\":true,"
                + "\"output\":[{\"type\":\"Patient\",\"url\":\"/f/1\",\"count\":3,\"extension\":{"
                + "\"https://bulkfhir.org/file-size\":120,\"https://bulkfhir.org/sha256\":\"ABCDEF\",\"https://bulkfhir.org/crc32c\":\"0A1B2C3D\",\"https://other/x\":[1]}}],"
                + "\"error\":[],\"extension\":{\"https://other/root\":true}}");
        ManifestFile f = stu.files().get(0);
        assertThat(f.size()).isEqualTo(120);
        assertThat(f.sha256()).isEqualTo("abcdef");
        assertThat(f.crc32c()).isEqualTo("0a1b2c3d");

        Manifest draft = parse("{\"manifestType\":\"x\",\"transactionTime\":\"2024-01-01T00:00:00Z\",\"requiresAccessToken\":true,"
                + "\"output\":[{\"type\":\"Patient\",\"url\":\"/f/1\",\"fileSize\":99,\"extension\":["
                + "{\"url\":\"https://bulkfhir.org/sha256\",\"valueString\":\"00ff\"},"
                + "{\"url\":\"https://bulkfhir.org/crc32c\",\"valueString\":\"AAAAAA==\"}]}],"
                + "\"outcome\":[{\"url\":\"/o/1\",\"countSeverity\":[{\"code\":\"error\",\"count\":1}]}],"
                + "\"extension\":[{\"url\":\"https://x\",\"valueBoolean\":true}]}");
        assertThat(draft.files().get(0).size()).isEqualTo(99);
        assertThat(draft.files().get(0).sha256()).isEqualTo("00ff");
        assertThat(draft.files().get(0).crc32c()).as("not 8 hex digits: not ours, not checked").isNull();
        assertThat(draft.files(ManifestFile.Section.ERROR)).hasSize(1);
    }

    @Test
    void organizedOutputAndPaging() {
        Manifest m = parse("{\"transactionTime\":\"2024-01-01T00:00:00Z\",\"requiresAccessToken\":true,\"outputOrganizedBy\":\"Patient\","
                + "\"output\":[{\"url\":\"/f/1\",\"continuesInFile\":\"/f/2\"},{\"url\":\"/f/2\"}],\"error\":[],"
                + "\"link\":[{\"relation\":\"next\",\"url\":\"/fhir/status/1?page=2\"}]}");
        assertThat(m.outputOrganizedBy()).isEqualTo("Patient");
        assertThat(m.files().get(0).type()).isNull();
        assertThat(m.files().get(0).continuesInFile().toString()).isEqualTo("https://ehr.example/f/2");
        assertThat(m.next().toString()).isEqualTo("https://ehr.example/fhir/status/1?page=2");
    }

    @Test
    void requiredFieldsAreRequired() {
        assertThatThrownBy(() -> parse("{\"requiresAccessToken\":true,\"output\":[]}")).hasMessageContaining("transactionTime");
        assertThatThrownBy(() -> parse("{\"transactionTime\":\"2024-01-01\",\"requiresAccessToken\":true,\"output\":[]}"))
                .hasMessageContaining("not a FHIR instant");
        assertThatThrownBy(() -> parse("{\"transactionTime\":\"2024-01-01T00:00:00Z\",\"output\":[]}"))
                .hasMessageContaining("requiresAccessToken");
        assertThatThrownBy(() -> parse("{\"transactionTime\":\"2024-01-01T00:00:00Z\",\"requiresAccessToken\":true}"))
                .hasMessageContaining("output");
        assertThatThrownBy(() -> parse("<html/>")).hasMessageContaining("not JSON");
    }
}
