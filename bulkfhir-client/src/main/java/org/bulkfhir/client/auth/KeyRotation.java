package org.bulkfhir.client.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.bulkfhir.client.BulkDataException;

/**
 * Key rotation for a key folder made by {@link KeyMaker} (C-3). The first key of
 * {@code private.jwks.json} signs ({@link ClientKey#load} picks it); {@link #addSuccessor}
 * appends a new key after it, so the public JWKS — inline in a registration or served at the
 * JWKS URL — lists the successor before it is ever used; {@link #retire} removes a key, and
 * retiring the signing key hands signing to its successor. Signing with the successor only once
 * the old key is retired is what lets an inline registration carry "current and successor"
 * keys: a server that learnt both at registration accepts the successor without a new one.
 * {@code public.jwks.json} is always rewritten from the private file.
 */
public final class KeyRotation {
    private KeyRotation() {
    }

    /** The keys after a change, and which one signs from now on. */
    public record Keys(List<String> kids, String signingKid) {
    }

    /**
     * Adds a successor key of algorithm {@code alg} after the signing key, which keeps signing.
     * One successor at a time: a second would never sign before being retired itself.
     */
    public static Keys addSuccessor(Path dir, String alg) throws IOException {
        List<JWK> keys = readPrivate(dir);
        if (keys.size() > 1) {
            throw usage(dir.resolve(KeyMaker.PRIVATE_FILE) + " already holds a successor key (kid " + keys.get(1).getKeyID()
                    + "); retire the signing key first (--retire " + keys.get(0).getKeyID() + ")");
        }
        List<JWK> next = new ArrayList<>(keys);
        next.add(KeyMaker.generate(alg).privateJwks().getKeys().get(0));
        return write(dir, next);
    }

    /** Removes the key {@code kid}; the next key signs if it was the signing one. */
    public static Keys retire(Path dir, String kid) throws IOException {
        List<JWK> keys = readPrivate(dir);
        List<JWK> next = keys.stream().filter(k -> !kid.equals(k.getKeyID())).collect(Collectors.toList());
        if (next.size() == keys.size()) {
            throw usage(dir.resolve(KeyMaker.PRIVATE_FILE) + " has no key with kid " + kid + " (it has "
                    + keys.stream().map(JWK::getKeyID).collect(Collectors.joining(", ")) + ")");
        }
        if (next.isEmpty()) {
            throw usage("kid " + kid + " is the only key in " + dir.resolve(KeyMaker.PRIVATE_FILE)
                    + "; add a successor first (--rotate), publish it, then retire this one");
        }
        return write(dir, next);
    }

    /** The private keys of {@code dir}, signing key first. */
    public static List<JWK> readPrivate(Path dir) throws IOException {
        Path file = dir.resolve(KeyMaker.PRIVATE_FILE);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw usage(dir + " holds no " + KeyMaker.PRIVATE_FILE + "; make a key pair first with 'bulkfhir keys --out "
                    + dir + "'");
        }
        List<JWK> keys;
        try {
            keys = JWKSet.parse(text).getKeys();
        } catch (ParseException e) {
            throw usage(file + " is not a JWKS (" + e.getMessage() + ")");
        }
        if (keys.isEmpty() || keys.stream().anyMatch(k -> !k.isPrivate() || k.getKeyID() == null)) {
            throw usage(file + " must hold private keys, each with a kid (as 'bulkfhir keys' writes them)");
        }
        return keys;
    }

    private static Keys write(Path dir, List<JWK> keys) throws IOException {
        JWKSet set = new JWKSet(keys);
        // Private first: a crash between the two writes leaves a public file that lacks the new
        // key (the next --rotate or --retire rewrites it), never one listing a key whose private
        // part was not saved.
        KeyMaker.writeAtomically(dir.resolve(KeyMaker.PRIVATE_FILE), set.toString(false), true);
        KeyMaker.writeAtomically(dir.resolve(KeyMaker.PUBLIC_FILE), set.toPublicJWKSet().toString(), false);
        return new Keys(keys.stream().map(JWK::getKeyID).toList(), keys.get(0).getKeyID());
    }

    private static BulkDataException usage(String message) {
        return new BulkDataException(BulkDataException.Kind.USAGE, message);
    }
}
