package org.bulkfhir.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bulkfhir.core.search.SearchQuery.TokenCriterion;
import org.junit.jupiter.api.Test;

/** §5.20, S-41: splitting 2.0 comma lists, decoding, escapes; the SQL side is tested over HTTP. */
class TypeFilterParserTest {
    private final TypeFilterParser parser = new TypeFilterParser(0);

    @Test
    void commaListIsCutOnlyBeforeATypeAndQuestionMark() {
        assertThat(TypeFilterParser.splitList("Observation?code=a,b,Condition?code=c,d"))
                .containsExactly("Observation?code=a,b", "Condition?code=c,d");
        assertThat(TypeFilterParser.splitList("Observation?code=a,Nope?b")).containsExactly("Observation?code=a,Nope?b");
    }

    @Test
    void valuesAreDecodedOnceMoreButPlusStays() {
        SearchQuery q = parser.parse("Observation?code=http%3A%2F%2Floinc.org%7C8867-4&date=ge2020-01-01T00:00:00+01:00");
        TokenCriterion code = (TokenCriterion) q.criteria().get(0);
        assertThat(code.anyOf()).containsExactly(new SearchQuery.Token("http://loinc.org", "8867-4", true));
        SearchQuery.DateCriterion date = (SearchQuery.DateCriterion) q.criteria().get(1);
        assertThat(date.anyOf().get(0).low()).isEqualTo(DateRanges.low("2019-12-31T23:00:00Z"));
    }

    @Test
    void escapedCommasAndBarsAreLiteral() {
        TokenCriterion t = (TokenCriterion) parser.parse("Observation?code=a\\,b,c\\|d").criteria().get(0);
        assertThat(t.anyOf()).extracting(SearchQuery.Token::code).containsExactly("a,b", "c|d");
    }

    @Test
    void unsupportedThingsNameThemselves() {
        assertThatThrownBy(() -> parser.parse("Observation?_include=x")).hasMessageContaining("_include");
        assertThatThrownBy(() -> parser.parse("Observation?subject.name=x")).hasMessageContaining("Chained");
        assertThatThrownBy(() -> parser.parse("Observation?code:below=x")).hasMessageContaining(":below");
        assertThatThrownBy(() -> parser.parse("Observation?date=xx2020")).hasMessageContaining("xx2020");
        assertThatThrownBy(() -> parser.parse("Observation?combo-code-value-quantity=1")).hasMessageContaining("combo");
    }
}
