package org.bulkfhir.core.search;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.search.SearchQuery.Criterion;
import org.bulkfhir.core.search.SearchQuery.DateValue;
import org.bulkfhir.core.search.SearchQuery.QuantityValue;
import org.bulkfhir.core.search.SearchQuery.Ref;
import org.bulkfhir.core.search.SearchQuery.Token;

/**
 * Parses {@code _typeFilter} values ({@code Type?name[:modifier]=value&…}) into
 * {@link SearchQuery}s, refusing anything the SQL compiler could not run exactly: unknown or
 * unindexed parameters, unsupported modifiers and prefixes, chains, and search-result
 * parameters (S-41).
 *
 * <p>The kick-off URL is decoded once by the HTTP layer; inside a query, names and values are
 * percent-decoded once more, because a query's own {@code &}, {@code =} and {@code ,} can only
 * travel inside a parameter value when encoded twice (§5.20). A {@code +} stays a plus sign, so
 * a time-zone offset survives a client that encoded it only once.
 */
public final class TypeFilterParser {
    /** Search-result and control parameters, which the IG rules out of {@code _typeFilter}. */
    static final Set<String> RESULT_PARAMETERS = Set.of("_include", "_revinclude", "_sort", "_count", "_elements",
            "_summary", "_total", "_contained", "_containedType", "_format", "_pretty", "_maxresults", "_graph");

    private final long now;

    /** @param now the instant {@code ap} tolerances are measured from (the job's transactionTime) */
    public TypeFilterParser(long now) {
        this.now = now;
    }

    /**
     * Splits one {@code _typeFilter} value of the 2.0 comma-list form. Commas also separate
     * alternatives inside a search value, so the list is cut only where a comma is followed by a
     * resource type and {@code ?}.
     */
    public static List<String> splitList(String value) {
        Set<String> types = Fhir.r4().getResourceTypes();
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = value.indexOf(','); i >= 0; i = value.indexOf(',', i + 1)) {
            int q = value.indexOf('?', i + 1);
            if (q > i + 1 && types.contains(value.substring(i + 1, q).trim())) {
                parts.add(value.substring(start, i).trim());
                start = i + 1;
            }
        }
        parts.add(value.substring(start).trim());
        return parts;
    }

    public SearchQuery parse(String query) {
        String q = query.trim();
        int mark = q.indexOf('?');
        if (mark <= 0) {
            throw new InvalidSearchException("'" + query + "' is not of the form ResourceType?search-parameters");
        }
        String type = q.substring(0, mark);
        if (!Fhir.r4().getResourceTypes().contains(type)) {
            throw new InvalidSearchException("'" + type + "' in '" + query + "' is not a FHIR R4 resource type");
        }
        List<Criterion> criteria = new ArrayList<>();
        for (String part : q.substring(mark + 1).split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new InvalidSearchException("'" + part + "' in '" + query + "' is not name=value");
            }
            String name = decode(part.substring(0, eq));
            String value = decode(part.substring(eq + 1));
            String modifier = null;
            int colon = name.indexOf(':');
            if (colon >= 0) {
                modifier = name.substring(colon + 1);
                name = name.substring(0, colon);
            }
            criteria.add(criterion(type, name, modifier, value));
        }
        if (criteria.isEmpty()) {
            throw new InvalidSearchException("'" + query + "' has no search criteria");
        }
        return new SearchQuery(type, criteria, q);
    }

    private Criterion criterion(String type, String name, String modifier, String value) {
        if (RESULT_PARAMETERS.contains(name)) {
            throw new InvalidSearchException("'" + name + "' is a search result parameter, not allowed in _typeFilter");
        }
        if (name.contains(".")) {
            throw new InvalidSearchException("Chained parameter '" + name + "' is not supported in _typeFilter");
        }
        SearchParamKind kind = SearchParameters.kind(type, name);
        if (kind == null) {
            throw new InvalidSearchException("'" + name + "' is not a search parameter of " + type
                    + " this server supports in _typeFilter (see the CapabilityStatement)");
        }
        if (value.isEmpty()) {
            throw new InvalidSearchException("Search parameter '" + name + "' has an empty value");
        }
        String shown = modifier == null ? name : name + ":" + modifier;
        boolean special = name.equals("_id") || name.equals("_lastUpdated");
        if ("missing".equals(modifier) && !special) {
            if (!value.equals("true") && !value.equals("false")) {
                throw new InvalidSearchException(shown + " takes true or false, not '" + value + "'");
            }
            return new SearchQuery.MissingCriterion(name, kind, value.equals("true"));
        }
        List<String> values = new ArrayList<>();
        for (String raw : split(value, ',')) {
            if (raw.isEmpty()) {
                throw new InvalidSearchException(shown + " has an empty value in '" + value + "'");
            }
            values.add(raw);
        }
        if (name.equals("_id")) {
            noModifier(shown, modifier);
            return new SearchQuery.IdCriterion(values.stream().map(TypeFilterParser::unescape).toList());
        }
        if (name.equals("_lastUpdated")) {
            noModifier(shown, modifier);
            return new SearchQuery.LastUpdatedCriterion(values.stream().map(v -> date(shown, v)).toList());
        }
        return switch (kind) {
            case TOKEN -> token(name, shown, modifier, values);
            case STRING -> string(name, shown, modifier, values);
            case DATE -> {
                noModifier(shown, modifier);
                yield new SearchQuery.DateCriterion(name, values.stream().map(v -> date(shown, v)).toList());
            }
            case REFERENCE -> reference(name, shown, modifier, values);
            case QUANTITY -> {
                noModifier(shown, modifier);
                yield new SearchQuery.QuantityCriterion(name, values.stream().map(v -> quantity(shown, v)).toList());
            }
            case URI -> uri(name, shown, modifier, values);
        };
    }

    private static void noModifier(String shown, String modifier) {
        if (modifier != null) {
            throw new InvalidSearchException("Modifier ':" + modifier + "' is not supported on '" + shown + "'");
        }
    }

    private static Criterion token(String name, String shown, String modifier, List<String> values) {
        if (modifier != null && !modifier.equals("not") && !modifier.equals("text")) {
            throw new InvalidSearchException("Modifier ':" + modifier + "' is not supported on token parameter '"
                    + name + "' (supported: :not, :text, :missing)");
        }
        boolean text = "text".equals(modifier);
        List<Token> tokens = new ArrayList<>();
        for (String v : values) {
            if (text) {
                tokens.add(new Token(null, SearchText.normalize(unescape(v)), false));
                continue;
            }
            List<String> parts = split(v, '|');
            if (parts.size() == 1) {
                tokens.add(new Token(null, unescape(v), false));
            } else if (parts.size() == 2) {
                String system = parts.get(0).isEmpty() ? null : unescape(parts.get(0));
                String code = parts.get(1).isEmpty() ? null : unescape(parts.get(1));
                if (system == null && code == null) {
                    throw new InvalidSearchException(shown + ": '|' alone is not a token");
                }
                tokens.add(new Token(system, code, true));
            } else {
                throw new InvalidSearchException(shown + ": '" + v + "' is not code, system|code, |code or system|");
            }
        }
        return new SearchQuery.TokenCriterion(name, "not".equals(modifier), text, tokens);
    }

    private static Criterion string(String name, String shown, String modifier, List<String> values) {
        SearchQuery.StringMatch match;
        if (modifier == null) {
            match = SearchQuery.StringMatch.STARTS_WITH;
        } else if (modifier.equals("exact")) {
            match = SearchQuery.StringMatch.EXACT;
        } else if (modifier.equals("contains")) {
            match = SearchQuery.StringMatch.CONTAINS;
        } else {
            throw new InvalidSearchException("Modifier ':" + modifier + "' is not supported on string parameter '"
                    + name + "' (supported: :exact, :contains, :missing)");
        }
        List<String> out = new ArrayList<>();
        for (String v : values) {
            String s = unescape(v);
            out.add(match == SearchQuery.StringMatch.EXACT ? SearchText.truncate(s) : SearchText.normalize(s));
        }
        return new SearchQuery.StringCriterion(name, match, out);
    }

    private static Criterion uri(String name, String shown, String modifier, List<String> values) {
        SearchQuery.UriMatch match;
        if (modifier == null) {
            match = SearchQuery.UriMatch.EXACT;
        } else if (modifier.equals("below")) {
            match = SearchQuery.UriMatch.BELOW;
        } else if (modifier.equals("above")) {
            match = SearchQuery.UriMatch.ABOVE;
        } else {
            throw new InvalidSearchException("Modifier ':" + modifier + "' is not supported on uri parameter '"
                    + name + "' (supported: :below, :above, :missing)");
        }
        return new SearchQuery.UriCriterion(name, match, values.stream().map(TypeFilterParser::unescape).toList());
    }

    private static Criterion reference(String name, String shown, String modifier, List<String> values) {
        Set<String> types = Fhir.r4().getResourceTypes();
        if (modifier != null && !types.contains(modifier)) {
            throw new InvalidSearchException("Modifier ':" + modifier + "' is not supported on reference parameter '"
                    + name + "' (supported: :[ResourceType], :missing)");
        }
        List<Ref> refs = new ArrayList<>();
        for (String raw : values) {
            String v = unescape(raw);
            if (v.indexOf(':') >= 0) {
                refs.add(new Ref(null, null, v));
                continue;
            }
            int history = v.indexOf("/_history/");
            if (history >= 0) {
                v = v.substring(0, history);
            }
            int slash = v.indexOf('/');
            if (slash < 0) {
                refs.add(new Ref(modifier, v, null));
                continue;
            }
            String type = v.substring(0, slash);
            String id = v.substring(slash + 1);
            if (!types.contains(type) || id.isEmpty() || id.contains("/")) {
                throw new InvalidSearchException(shown + ": '" + v + "' is not Type/id, an id or an absolute URL");
            }
            if (modifier != null && !modifier.equals(type)) {
                throw new InvalidSearchException(shown + ": '" + v + "' contradicts the :" + modifier + " modifier");
            }
            refs.add(new Ref(type, id, null));
        }
        return new SearchQuery.ReferenceCriterion(name, refs);
    }

    private DateValue date(String shown, String raw) {
        String v = unescape(raw);
        SearchPrefix prefix = SearchPrefix.at(v);
        String date = prefix == null ? v : v.substring(2);
        long[] range = DateRanges.range(date);
        if (range == null) {
            throw new InvalidSearchException(shown + ": '" + v + "' is not a FHIR date, dateTime or instant"
                    + " (optionally prefixed with eq, ne, gt, lt, ge, le, sa, eb or ap)");
        }
        if (prefix == null) {
            prefix = SearchPrefix.EQ;
        }
        if (prefix == SearchPrefix.AP) {
            // FHIR suggests 10% of the distance between now and the value as the tolerance.
            long middle = range[0] / 2 + range[1] / 2;
            long slack = Math.abs(now - middle) / 10;
            return new DateValue(prefix, range[0] - slack, range[1] + slack);
        }
        return new DateValue(prefix, range[0], range[1]);
    }

    private static QuantityValue quantity(String shown, String raw) {
        List<String> parts = split(raw, '|');
        if (parts.size() != 1 && parts.size() != 3) {
            throw new InvalidSearchException(shown + ": '" + raw + "' is not [prefix]number, or number|system|code");
        }
        String first = unescape(parts.get(0));
        SearchPrefix prefix = SearchPrefix.at(first);
        String digits = prefix == null ? first : first.substring(2);
        BigDecimal number;
        try {
            number = new BigDecimal(digits);
        } catch (NumberFormatException e) {
            throw new InvalidSearchException(shown + ": '" + digits + "' is not a number");
        }
        if (prefix == null) {
            prefix = SearchPrefix.EQ;
        }
        String system = parts.size() == 3 && !parts.get(1).isEmpty() ? unescape(parts.get(1)) : null;
        String code = parts.size() == 3 && !parts.get(2).isEmpty() ? unescape(parts.get(2)) : null;
        double n = number.doubleValue();
        // "5.4" means [5.35, 5.45): half a unit of the last digit written.
        double half = BigDecimal.ONE.movePointLeft(Math.max(number.scale(), -10)).doubleValue() / 2;
        double low = n - half;
        double high = n + half;
        if (prefix == SearchPrefix.AP) {
            double slack = Math.max(half, Math.abs(n) / 10);
            low = n - slack;
            high = n + slack;
        }
        return new QuantityValue(prefix, n, low, high, system, code);
    }

    /** Splits at unescaped {@code sep}; escapes are kept for {@link #unescape}. */
    static List<String> split(String s, char sep) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
            } else if (c == sep) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }

    /** Removes FHIR search escapes: {@code \,} {@code \|} {@code \$} {@code \\}. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                c = s.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Decodes {@code %XX} escapes (UTF-8); leaves {@code +} alone. */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new InvalidSearchException("Bad percent-encoding in '" + s + "'");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new InvalidSearchException("Bad percent-encoding in '" + s + "'");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(b);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
