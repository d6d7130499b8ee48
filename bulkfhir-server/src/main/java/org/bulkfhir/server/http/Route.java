package org.bulkfhir.server.http;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A method set and a path pattern (relative to the FHIR base or a sibling root) mapped to an endpoint. */
public record Route(Set<String> methods, Pattern path, Endpoint endpoint) {

    /** Handles one matched request; groups of the path pattern are in {@code match}. */
    @FunctionalInterface
    public interface Endpoint {
        void handle(Exchange exchange, Matcher match) throws Exception;
    }

    public static Route of(String methods, String regex, Endpoint endpoint) {
        return new Route(Set.of(methods.split(",")), Pattern.compile(regex), endpoint);
    }
}
