package org.bulkfhir.server.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rules a client's public keys must follow to be registered (S-85): every JWK in "bare key"
 * form with {@code kty} and {@code kid}, RSA with {@code n} and {@code e}, EC with {@code crv},
 * {@code x} and {@code y}; no private parts, since the server must never hold a client's secret.
 */
public final class ClientKeys {
    private ClientKeys() {
    }

    /** Parses and checks an inline JWKS; the message of the exception says what is wrong. */
    public static JWKSet parseRegistered(String json) {
        Map<String, Object> object;
        try {
            object = com.nimbusds.jose.util.JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("The JWKS is not a JSON object: " + e.getMessage());
        }
        return parseRegistered(object);
    }

    public static JWKSet parseRegistered(Map<String, Object> jwks) {
        Object keys = jwks.get("keys");
        if (!(keys instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("The JWKS needs a non-empty \"keys\" array");
        }
        List<JWK> parsed = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        int index = 0;
        for (Object item : list) {
            String where = "keys[" + index++ + "]";
            if (!(item instanceof Map<?, ?> key)) {
                throw new IllegalArgumentException(where + " is not a JSON object");
            }
            requireString(key, "kty", where);
            requireString(key, "kid", where);
            String kty = (String) key.get("kty");
            switch (kty) {
                case "RSA" -> {
                    requireString(key, "n", where);
                    requireString(key, "e", where);
                }
                case "EC" -> {
                    requireString(key, "crv", where);
                    requireString(key, "x", where);
                    requireString(key, "y", where);
                }
                default -> throw new IllegalArgumentException(where + " has kty \"" + kty
                        + "\"; only RSA and EC keys can sign client assertions");
            }
            if (!seen.add(kty + "/" + key.get("kid"))) {
                throw new IllegalArgumentException(where + " repeats kid \"" + key.get("kid") + "\" for another " + kty
                        + " key; a token request must find exactly one key per kid");
            }
            if (key.containsKey("d") || key.containsKey("p") || key.containsKey("q")) {
                throw new IllegalArgumentException(where + " (kid \"" + key.get("kid")
                        + "\") contains private key material; register the public key only and keep the private key secret");
            }
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> json = (Map<String, Object>) key;
                parsed.add(JWK.parse(json));
            } catch (ParseException e) {
                throw new IllegalArgumentException(where + " (kid \"" + key.get("kid") + "\") is not a valid "
                        + kty + " key: " + e.getMessage());
            }
        }
        return new JWKSet(parsed);
    }

    private static void requireString(Map<?, ?> key, String member, String where) {
        Object v = key.get(member);
        if (!(v instanceof String s) || s.isBlank()) {
            Object kid = key.get("kid");
            throw new IllegalArgumentException(where + (kid instanceof String k && !member.equals("kid") ? " (kid \"" + k + "\")" : "")
                    + " lacks \"" + member + "\"; every key needs kty and kid, RSA keys n and e, EC keys crv, x and y");
        }
    }
}
