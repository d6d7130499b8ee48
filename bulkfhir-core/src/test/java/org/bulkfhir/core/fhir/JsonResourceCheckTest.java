package org.bulkfhir.core.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.bulkfhir.core.json.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The store rejects what HAPI's parser rejects (issue 2, bad input): on each case below the JSON
 * check and a HAPI parse with the store's error handling agree on accept or reject.
 */
class JsonResourceCheckTest {
    private final JsonResourceCheck check = new JsonResourceCheck();

    static List<String> accepted() {
        return List.of(
                "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"birthDate\":\"1970-01-31\",\"gender\":\"female\",\"active\":true}",
                "{\"resourceType\":\"Patient\",\"birthDate\":\"1970\",\"unknownThing\":{\"a\":1},\"_birthDate\":{\"extension\":[]}}",
                "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"Zoë\",null],\"_given\":[null,{\"id\":\"x\"}]}]}",
                "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
                        + "\"effectiveDateTime\":\"2020-03-01T10:15:00+02:00\",\"issued\":\"2020-03-01T10:15:00.123Z\","
                        + "\"valueQuantity\":{\"value\":72.50,\"unit\":\"kg\"},\"component\":[{\"code\":{\"text\":\"y\"},\"valueInteger\":3}]}",
                "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{},\"valueBoolean\":false}",
                "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">Hi</div>\"}}",
                "{\"resourceType\":\"Patient\",\"contained\":[{\"resourceType\":\"Organization\",\"id\":\"o\",\"active\":true}],"
                        + "\"managingOrganization\":{\"reference\":\"#o\"}}",
                "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"birthDate\":\"2001-02-03\"}}]}",
                "{\"resourceType\":\"Patient\",\"multipleBirthInteger\":2,\"extension\":[{\"url\":\"u\",\"valueDate\":\"2020-01\"}]}",
                // HAPI's parser tolerates values of the wrong JSON shape and empty ones
                "{\"resourceType\":\"Patient\",\"birthDate\":{\"x\":1}}",
                "{\"resourceType\":\"Patient\",\"birthDate\":[\"1970-01-01\"]}",
                "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":\"abc\"}",
                "{\"resourceType\":\"Patient\",\"name\":{\"family\":\"x\"}}",
                "{\"resourceType\":\"Patient\",\"gender\":\"\"}",
                "{\"resourceType\":\"Patient\",\"birthDate\":\"\"}",
                "{\"resourceType\":\"Patient\",\"birthDate\":null}",
                "{\"resourceType\":\"Patient\",\"id\":5}",
                "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"<div>no namespace</div>\"}}");
    }

    static List<String> rejected() {
        return List.of(
                "{\"resourceType\":\"Patient\",\"birthDate\":\"1970-13-45\"}",
                "{\"resourceType\":\"Patient\",\"birthDate\":\"yesterday\"}",
                "{\"resourceType\":\"Patient\",\"active\":\"yes\"}",
                "{\"resourceType\":\"Patient\",\"gender\":\"unicorn\"}",
                "{\"resourceType\":\"Patient\",\"multipleBirthInteger\":1.5}",
                "{\"resourceType\":\"Observation\",\"status\":\"finished\",\"code\":{}}",
                "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{},\"valueQuantity\":{\"value\":\"lots\"}}",
                "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{},\"issued\":\"last week\"}",
                "{\"resourceType\":\"Patient\",\"contained\":[{\"resourceType\":\"Organization\",\"id\":\"o\",\"active\":\"maybe\"}]}",
                "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"birthDate\":\"2001-02-30x\"}}]}",
                "{\"resourceType\":\"Patient\",\"extension\":[{\"url\":\"u\",\"valueDate\":\"soon\"}]}",
                "{\"resourceType\":\"Patient\",\"active\":1}",
                "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{},\"valueQuantity\":{\"value\":true}}",
                "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"<p>not a div\"}}",
                "{\"resourceType\":\"Patient\",\"contained\":[{\"id\":\"x\"}]}",
                "{\"resourceType\":\"Patient\",\"contained\":[{\"resourceType\":\"Nope\"}]}",
                "{\"resourceType\":\"Patient\",\"birthDate\":\"1970-01-01\",\"birthDate\":\"bad\"}",
                "{\"resourceType\":\"Unicorn\"}",
                "{\"id\":\"no-type\"}");
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void acceptsWhatHapisParserAccepts(String json) throws Exception {
        assertThat(hapiAccepts(json)).as("HAPI on " + json).isTrue();
        assertThat(check.check(Json.MAPPER.readTree(json))).isEqualTo(Json.MAPPER.readTree(json).get("resourceType").asText());
    }

    @ParameterizedTest
    @MethodSource("rejected")
    void rejectsWhatHapisParserRejects(String json) throws Exception {
        assertThat(hapiAccepts(json)).as("HAPI on " + json).isFalse();
        JsonNode tree = Json.MAPPER.readTree(json);
        assertThatThrownBy(() -> check.check(tree)).as(json).isInstanceOf(JsonResourceCheck.InvalidResource.class);
    }

    @Test
    void messagesNameTheElementButNotItsValue() throws Exception {
        assertThatThrownBy(() -> check.check(Json.MAPPER.readTree("{\"resourceType\":\"Patient\",\"birthDate\":\"1970-13-45\"}")))
                .hasMessage("invalid date value at Patient.birthDate");
        assertThatThrownBy(() -> check.check(Json.MAPPER.readTree("{\"resourceType\":\"Unicorn\"}")))
                .hasMessageContaining("Unicorn");
    }

    private static boolean hapiAccepts(String json) {
        IParser parser = Fhir.r4().newJsonParser();
        LenientErrorHandler handler = new LenientErrorHandler(false);
        handler.setErrorOnInvalidValue(true);
        parser.setParserErrorHandler(handler);
        try {
            parser.parseResource(json);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
