package org.bulkfhir.client.auth;

import java.net.URI;

/** URL resolution the way legacy servers expect it. */
public final class Urls {
    private Urls() {
    }

    public static URI withTrailingSlash(URI base) {
        String s = base.toString();
        return s.endsWith("/") ? base : URI.create(s + "/");
    }

    /**
     * Resolves a possibly relative URL against the FHIR base, treating the base as a directory:
     * {@code auth/token} against {@code https://h/fhir} is {@code https://h/fhir/auth/token}, as
     * servers that send relative endpoints mean (plain RFC 3986 would drop {@code fhir}).
     */
    public static URI resolveAgainstBase(URI base, String url) {
        URI u = URI.create(url.trim());
        return u.isAbsolute() ? u : withTrailingSlash(base).resolve(u);
    }
}
