package org.bulkfhir.server.http;

/**
 * The externally visible URLs of this server. Absolute URLs handed to clients (Content-Location,
 * manifest file URLs, Location) are built here, from the configured public base when there is
 * one (a proxy in front), otherwise from the scheme and Host the client used.
 */
public final class BaseUrls {
    public static final String FHIR_PATH = "/fhir";

    private final String configuredRoot;

    /** @param publicFhirBase the configured external FHIR base ({@code https://host/fhir}), or null */
    public BaseUrls(String publicFhirBase) {
        if (publicFhirBase == null || publicFhirBase.isBlank()) {
            this.configuredRoot = null;
        } else {
            String base = publicFhirBase.endsWith("/") ? publicFhirBase.substring(0, publicFhirBase.length() - 1) : publicFhirBase;
            if (!base.endsWith(FHIR_PATH)) {
                throw new IllegalArgumentException("The public base URL must end in " + FHIR_PATH + ": " + publicFhirBase);
            }
            this.configuredRoot = base.substring(0, base.length() - FHIR_PATH.length());
        }
    }

    /** Scheme, host, port and any proxy prefix, without a trailing slash. */
    public String root(Exchange exchange) {
        if (configuredRoot != null) {
            return configuredRoot;
        }
        var uri = exchange.jettyRequest().getHttpURI();
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    public String fhirBase(Exchange exchange) {
        return root(exchange) + FHIR_PATH;
    }
}
