package org.bulkfhir.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bulkfhir.client.auth.KeyMaker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Makes a client key pair for SMART Backend Services:",
                "  DIR/private.jwks.json  the private key (file mode 0600): keep it, pass it to 'export --key'",
                "  DIR/public.jwks.json   the public key: register it with the server (inline or at a JWKS URL)",
                "The kid is the key's RFC 7638 thumbprint. An existing private key is never overwritten."})
final class KeysCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the two files (created if needed).")
    Path out;

    @Option(names = "--alg", paramLabel = "ALG", defaultValue = "ES384",
            description = "ES384 (P-384, default) or RS384 (RSA 3072).")
    String alg;

    @Override
    public Integer call() throws Exception {
        if (!alg.equalsIgnoreCase("ES384") && !alg.equalsIgnoreCase("RS384")) {
            throw new UsageError("--alg must be ES384 or RS384, not '" + alg + "'");
        }
        KeyMaker.KeyPairJwks keys = KeyMaker.writeTo(out, alg);
        System.out.println("Wrote " + out.resolve("private.jwks.json") + " (keep it secret) and "
                + out.resolve("public.jwks.json") + " (register it)");
        System.out.println("kid " + keys.kid() + ", alg " + keys.alg());
        return 0;
    }
}
