package org.bulkfhir.core.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.junit.jupiter.api.Test;

/**
 * The shortcut of the write-time check (issue 2, bad input) never accepts what HAPI rejects: every
 * value it calls valid, over every day of four years and thousands of mutated strings, HAPI
 * accepts too; and it does recognise the common forms, or it would save nothing.
 */
class ObviousPrimitivesTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void everyDateItAcceptsHapiAccepts() {
        List<String> candidates = new ArrayList<>();
        for (LocalDate d = LocalDate.of(1999, 12, 1); d.isBefore(LocalDate.of(2004, 3, 2)); d = d.plusDays(1)) {
            candidates.add(d.toString());
            candidates.add(d + "T23:59:59Z");
            candidates.add(d + "T00:00:00.123+14:00");
        }
        Random random = new Random(42);
        String alphabet = "0123456789-:T.Z+ x";
        for (String seed : List.of("2020-02-29T10:15:00+02:00", "2021-02-29", "1970-13-45", "2020-04-31T24:00:00Z",
                "2020-01-01T10:15:00.1234Z", "0999-01-01", "2020-1-01", "2020-01-01T10:15Z")) {
            candidates.add(seed);
            for (int i = 0; i < 400; i++) {
                char[] c = seed.toCharArray();
                c[random.nextInt(c.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
                candidates.add(new String(c));
            }
        }
        int accepted = 0;
        for (String type : List.of("date", "dateTime", "instant")) {
            for (String s : candidates) {
                if (ObviousPrimitives.valid(type, NODES.textNode(s))) {
                    assertThat(hapiAccepts(type, s)).as(type + " " + s).isTrue();
                    accepted++;
                }
            }
        }
        assertThat(accepted).isGreaterThan(candidates.size());
        assertThat(ObviousPrimitives.valid("date", NODES.textNode("2021-02-29"))).isFalse();
        assertThat(ObviousPrimitives.valid("dateTime", NODES.textNode("2020-02-29T10:15:00+02:00"))).isTrue();
    }

    @Test
    void numbersBooleansAndBase64() {
        assertThat(ObviousPrimitives.valid("boolean", NODES.booleanNode(true))).isTrue();
        assertThat(ObviousPrimitives.valid("boolean", NODES.textNode("true"))).isFalse(); // left to HAPI
        assertThat(ObviousPrimitives.valid("integer", NODES.numberNode(3))).isTrue();
        assertThat(ObviousPrimitives.valid("positiveInt", NODES.numberNode(0))).isFalse();
        assertThat(ObviousPrimitives.valid("decimal", NODES.numberNode(new java.math.BigDecimal("72.50")))).isTrue();
        for (String s : List.of("SGVsbG8=", "SGVsbG8h", "SGk=", "", "SGVsbG8", "SGV=bG8=", "SGVs bG8=")) {
            if (ObviousPrimitives.valid("base64Binary", NODES.textNode(s))) {
                assertThat(hapiAccepts("base64Binary", s)).as(s).isTrue();
            }
        }
        assertThat(ObviousPrimitives.valid("base64Binary", NODES.textNode("SGVsbG8h"))).isTrue();
        assertThat(ObviousPrimitives.valid("string", NODES.textNode("x"))).isFalse();
    }

    private static boolean hapiAccepts(String type, String value) {
        BaseRuntimeElementDefinition<?> def = Fhir.r4().getElementDefinition(type);
        try {
            ((IPrimitiveType<?>) def.newInstance()).setValueAsString(value);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
