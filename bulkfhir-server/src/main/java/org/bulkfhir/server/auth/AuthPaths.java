package org.bulkfhir.server.auth;

import org.bulkfhir.server.http.BaseUrls;
import org.bulkfhir.server.http.Exchange;

/** Where the authorization endpoints live: beside the FHIR base, under {@code /auth}. */
public final class AuthPaths {
    public static final String AUTH_PATH = "/auth";
    public static final String TOKEN = "/token";
    public static final String REGISTER = "/register";

    private AuthPaths() {
    }

    public static String tokenUrl(BaseUrls urls, Exchange ex) {
        return urls.root(ex) + AUTH_PATH + TOKEN;
    }

    public static String registrationUrl(BaseUrls urls, Exchange ex) {
        return urls.root(ex) + AUTH_PATH + REGISTER;
    }
}
