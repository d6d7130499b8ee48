package org.bulkfhir.server.auth;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Client JWKS documents fetched from their registered URLs (S-84: plain GET, {@code Accept:
 * application/json}, no client credentials), with a timeout and a size limit so a slow or huge
 * answer cannot tie up the token endpoint, and cached no longer than the response's
 * {@code Cache-Control} allows (S-90). A key id the cached copy lacks triggers an early refetch,
 * rate limited per URL, so a client that rotated its keys is not locked out until max-age passes.
 */
public final class JwksCache {
    static final int MAX_BYTES = 256 * 1024;
    /** Used when the response says nothing about caching. */
    static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    /** Upper bound even when a client allows more, so revoked keys age out. */
    static final Duration MAX_TTL = Duration.ofHours(1);
    private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d+)\"?");

    private final HttpClient http;
    private final Duration timeout;
    private final Duration minRefetchInterval;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    private record Entry(JWKSet keys, long fetchedAt, long expiresAt) {
    }

    /** Thrown when a JWKS URL cannot be read or does not hold a JWKS; the message says why. */
    public static final class UnavailableException extends Exception {
        UnavailableException(String message) {
            super(message);
        }
    }

    public JwksCache() {
        this(Duration.ofSeconds(5), Duration.ofSeconds(5), Clock.systemUTC());
    }

    public JwksCache(Duration timeout, Duration minRefetchInterval, Clock clock) {
        this.timeout = timeout;
        this.minRefetchInterval = minRefetchInterval;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The keys at {@code url}: the cached copy while it is fresh, otherwise fetched now. */
    public JWKSet keys(String url) throws UnavailableException {
        Entry e = entries.get(url);
        if (e != null && clock.millis() < e.expiresAt) {
            return e.keys;
        }
        synchronized (lock(url)) {
            e = entries.get(url);
            if (e != null && clock.millis() < e.expiresAt) {
                return e.keys;
            }
            return fetch(url).keys;
        }
    }

    /**
     * Fetches again unless the copy in hand is younger than the minimum refetch interval; for
     * a key id the cached copy does not have.
     */
    public JWKSet refresh(String url) throws UnavailableException {
        synchronized (lock(url)) {
            Entry e = entries.get(url);
            if (e != null && clock.millis() - e.fetchedAt < minRefetchInterval.toMillis()) {
                return e.keys;
            }
            return fetch(url).keys;
        }
    }

    private Object lock(String url) {
        return locks.computeIfAbsent(url, k -> new Object());
    }

    private Entry fetch(String url) throws UnavailableException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Accept", "application/json").GET().build();
        } catch (IllegalArgumentException ex) {
            throw new UnavailableException("The registered JWKS URL is not usable: " + url);
        }
        HttpResponse<InputStream> response;
        byte[] body;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_BYTES + 1);
            }
        } catch (IOException ex) {
            throw new UnavailableException("Could not fetch the JWKS at " + url + ": " + describe(ex));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("Interrupted while fetching the JWKS at " + url);
        }
        if (response.statusCode() != 200) {
            throw new UnavailableException("The JWKS URL " + url + " answered HTTP " + response.statusCode());
        }
        if (body.length > MAX_BYTES) {
            throw new UnavailableException("The JWKS at " + url + " is larger than " + MAX_BYTES + " bytes");
        }
        JWKSet keys;
        try {
            keys = JWKSet.parse(new String(body, StandardCharsets.UTF_8));
        } catch (java.text.ParseException ex) {
            throw new UnavailableException("The document at " + url + " is not a JWKS: " + ex.getMessage());
        }
        long now = clock.millis();
        Duration ttl = ttl(response.headers().allValues("Cache-Control"));
        Entry entry = new Entry(keys, now, now + ttl.toMillis());
        if (ttl.isZero()) {
            entries.remove(url);
        } else {
            entries.put(url, entry);
        }
        return entry;
    }

    private static String describe(IOException ex) {
        String m = ex.getMessage();
        return ex instanceof java.net.http.HttpTimeoutException ? "timed out"
                : m == null ? ex.getClass().getSimpleName() : m;
    }

    /** How long a response may be kept, per its Cache-Control (RFC 9111). */
    static Duration ttl(java.util.List<String> cacheControl) {
        String all = String.join(",", cacheControl).toLowerCase(Locale.ROOT);
        if (all.contains("no-store") || all.contains("no-cache")) {
            return Duration.ZERO;
        }
        Matcher m = MAX_AGE.matcher(all);
        if (m.find()) {
            try {
                Duration d = Duration.ofSeconds(Long.parseLong(m.group(1)));
                return d.compareTo(MAX_TTL) > 0 ? MAX_TTL : d;
            } catch (NumberFormatException e) {
                return Duration.ZERO;
            }
        }
        return DEFAULT_TTL;
    }
}
