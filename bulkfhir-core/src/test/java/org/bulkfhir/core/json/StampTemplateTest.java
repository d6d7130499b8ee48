package org.bulkfhir.core.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StampTemplateTest {

    private static String stamp(String json, String id) {
        return new String(StampTemplate.of(json.getBytes(UTF_8), id).stamp("3", "2024-01-02T03:04:05.678Z"), UTF_8);
    }

    @Test
    void insertsIdAndMetaAfterResourceType() {
        assertThat(stamp("{\"resourceType\":\"Patient\",\"gender\":\"male\"}", "p1")).isEqualTo(
                "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"versionId\":\"3\",\"lastUpdated\":\"2024-01-02T03:04:05.678Z\"},"
                        + "\"gender\":\"male\"}");
    }

    @Test
    void replacesIdAndVersionKeepsOtherMetaAndFieldOrderAndExactValues() {
        String in = "{\"gender\":\"female\", \"id\":\"old\",\"resourceType\":\"Observation\",\"meta\":{\"tag\":[{\"code\":\"x\"}],"
                + " \"versionId\":\"9\",\"lastUpdated\":\"2000-01-01T00:00:00Z\",\"profile\":[\"http://p\"]},"
                + "\"valueQuantity\":{\"value\":72.50},\"note\":[{\"text\":\"a \\\"quoted\\\" , } text\"}]}";
        assertThat(stamp(in, "new")).isEqualTo("{\"resourceType\":\"Observation\",\"id\":\"new\",\"meta\":{\"versionId\":\"3\","
                + "\"lastUpdated\":\"2024-01-02T03:04:05.678Z\",\"tag\":[{\"code\":\"x\"}],\"profile\":[\"http://p\"]},"
                + "\"gender\":\"female\",\"valueQuantity\":{\"value\":72.50},\"note\":[{\"text\":\"a \\\"quoted\\\" , } text\"}]}");
    }

    @Test
    void compactsPrettyPrintedInputToOneLine() {
        String in = "{\n  \"resourceType\" : \"Patient\",\n  \"birthDate\" : \"1970-01-01\",\n  \"multipleBirthInteger\" : 2\n}\n";
        String out = stamp(in, "p");
        assertThat(out).doesNotContain("\n").isEqualTo("{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"versionId\":\"3\","
                + "\"lastUpdated\":\"2024-01-02T03:04:05.678Z\"},\"birthDate\":\"1970-01-01\",\"multipleBirthInteger\":2}");
    }

    @Test
    void keepsNonAsciiTextByteForByte() {
        assertThat(stamp("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Zoë Ñandú 漢字\"}]}", "x"))
                .endsWith(",\"name\":[{\"family\":\"Zoë Ñandú 漢字\"}]}");
    }

    @Test
    void readsTheSameTreeAsTheMapperInTheSamePass() throws Exception {
        String in = "{\"resourceType\":\"Observation\",\"meta\":{\"tag\":[{\"code\":\"x\"}],\"versionId\":\"2\"},"
                + "\"valueQuantity\":{\"value\":72.50},\"component\":[{\"valueInteger\":12345678901},{\"x\":null}],"
                + "\"big\":123456789012345678901234567890,\"flag\":true,\"off\":false,\"note\":[\"Zoë\",\"a\\\"b\"]}";
        StampTemplate.Read read = StampTemplate.read(in.getBytes(UTF_8));
        assertThat(read.tree()).isEqualTo(Json.MAPPER.readTree(in));
        assertThat(read.tree().path("valueQuantity").path("value").asText()).isEqualTo("72.50");
    }

    @Test
    void rejectsWhatIsNotOneJsonObject() {
        for (String bad : new String[] {"[1]", "{\"a\":1}{\"b\":2}", "{\"a\":", "\"text\""}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> StampTemplate.read(bad.getBytes(UTF_8)))
                    .as(bad).isInstanceOf(java.io.IOException.class);
        }
    }
}
