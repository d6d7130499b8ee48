package org.bulkfhir.cli;

import java.security.SecureRandom;
import java.util.Base64;

/** A random operator token for a server started without one. */
final class AdminTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AdminTokens() {
    }

    static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
