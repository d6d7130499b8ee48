package org.bulkfhir.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.bulkfhir.client.auth.KeyMaker;
import org.bulkfhir.client.auth.KeyRotation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "keys", mixinStandardHelpOptions = true, subcommands = KeysCommand.Serve.class,
        description = {"Makes and rotates a client key pair for SMART Backend Services:",
                "  DIR/private.jwks.json  private keys (mode 0600): keep them; 'export --key'",
                "  DIR/public.jwks.json   public keys: register them (inline or at a JWKS URL)",
                "The kid is the key's RFC 7638 thumbprint. A private key is never overwritten.",
                "The FIRST key of private.jwks.json signs. Rotation in two steps:",
                "  --rotate      adds a successor; the current key keeps signing and the",
                "                public JWKS lists both, so servers learn the successor first",
                "  --retire KID  once servers have it (re-registered inline, or the JWKS URL's",
                "                max-age passed), removes the old key: the successor signs",
                "'keys serve' hosts public.jwks.json as your JWKS URL."})
final class KeysCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "Folder of the two files (created for a new pair).")
    Path out;

    @Option(names = "--alg", paramLabel = "ALG", defaultValue = "ES384",
            description = "ES384 (P-384, default) or RS384 (RSA 3072), for a new key or a successor.")
    String alg;

    @Option(names = "--rotate", description = "Add a successor key to the existing pair in --out; the current key keeps"
            + " signing until it is retired.")
    boolean rotate;

    @Option(names = "--retire", paramLabel = "KID", description = "Remove the key KID from both files of --out; if it was"
            + " the signing key, its successor signs from now on.")
    String retire;

    @Override
    public Integer call() throws Exception {
        if (out == null) {
            throw new UsageError("--out is required: the folder for private.jwks.json and public.jwks.json");
        }
        if (!alg.equalsIgnoreCase("ES384") && !alg.equalsIgnoreCase("RS384")) {
            throw new UsageError("--alg must be ES384 or RS384, not '" + alg + "'");
        }
        if (rotate && retire != null) {
            throw new UsageError("--rotate and --retire are separate steps: publish the successor before retiring");
        }
        if (rotate) {
            KeyRotation.Keys keys = KeyRotation.addSuccessor(out, alg);
            System.out.println("Added successor key " + keys.kids().get(keys.kids().size() - 1) + " to " + out
                    + "; kid " + keys.signingKid() + " still signs.");
            System.out.println("Publish " + out.resolve(KeyMaker.PUBLIC_FILE) + " (re-register it inline, or let"
                    + " servers re-fetch your JWKS URL), then: bulkfhir keys --out " + out + " --retire " + keys.signingKid());
            return 0;
        }
        if (retire != null) {
            KeyRotation.Keys keys = KeyRotation.retire(out, retire);
            System.out.println("Retired kid " + retire + "; kid " + keys.signingKid() + " signs from now on ("
                    + keys.kids().size() + " key(s) left in " + out + ").");
            return 0;
        }
        KeyMaker.KeyPairJwks keys = KeyMaker.writeTo(out, alg);
        System.out.println("Wrote " + out.resolve(KeyMaker.PRIVATE_FILE) + " (keep it secret) and "
                + out.resolve(KeyMaker.PUBLIC_FILE) + " (register it)");
        System.out.println("kid " + keys.kid() + ", alg " + keys.alg());
        return 0;
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Hosts DIR/public.jwks.json as the client's JWKS URL, until Ctrl-C.",
                    "Anonymous GET /.well-known/jwks.json (or /jwks.json) answers the public keys",
                    "as application/json with Cache-Control: max-age. The file is re-read on each",
                    "request, so --rotate and --retire show at once; the private file is never",
                    "served. Servers fetch JWKS URLs over HTTPS: give --tls-* unless this is a",
                    "loopback test. Prints the URL to register with 'register --jwks-url'."})
    static final class Serve implements Callable<Integer> {
        @Option(names = "--keys", paramLabel = "DIR", required = true, description = "The key folder (from 'bulkfhir keys').")
        Path keys;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", defaultValue = "8081",
                description = "Port to bind, 0 for any free port (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--max-age", paramLabel = "SECONDS", defaultValue = "300",
                description = "How long servers may cache the keys (Cache-Control max-age; default: ${DEFAULT-VALUE})."
                        + " After --rotate, wait this long before --retire.")
        long maxAge;

        @Mixin
        TlsOptions tls;

        @Override
        public Integer call() throws Exception {
            if (maxAge < 0) {
                throw new UsageError("--max-age must be zero or more seconds");
            }
            try (JwksServer server = JwksServer.start(keys, host, port, Duration.ofSeconds(maxAge), tls.config())) {
                System.out.println("JWKS URL: " + server.url());
                if (tls.config() == null) {
                    System.out.println("Plain HTTP: fine for a loopback test; give --tls-cert and --tls-key (or"
                            + " --tls-keystore) to serve it over HTTPS as servers expect.");
                }
                System.out.println("Register it: bulkfhir register --server URL --jwks-url " + server.url()
                        + "   (Ctrl-C stops)");
                ShutdownSignal.await();
            } finally {
                ShutdownSignal.closed();
            }
            return 0;
        }
    }
}
