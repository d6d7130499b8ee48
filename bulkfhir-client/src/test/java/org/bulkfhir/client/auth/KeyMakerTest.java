package org.bulkfhir.client.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.bulkfhir.client.BulkDataException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** C-2 (key pair, kid, JWKS), C-4 (both algorithms). */
class KeyMakerTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ES384", "RS384"})
    void writesPrivateAndPublicJwks(String alg) throws Exception {
        KeyMaker.writeTo(dir, alg);
        Path priv = dir.resolve("private.jwks.json");
        Path pub = dir.resolve("public.jwks.json");
        assertThat(Files.getPosixFilePermissions(priv))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        JWK privateKey = JWKSet.parse(Files.readString(priv)).getKeys().get(0);
        JWK publicKey = JWKSet.parse(Files.readString(pub)).getKeys().get(0);
        assertThat(privateKey.isPrivate()).isTrue();
        assertThat(publicKey.isPrivate()).isFalse();
        assertThat(publicKey.getKeyID()).isNotBlank().isEqualTo(privateKey.getKeyID());
        assertThat(publicKey.getAlgorithm().getName()).isEqualTo(alg);
        assertThat(publicKey.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
        if (alg.equals("RS384")) {
            assertThat(publicKey.size()).isEqualTo(3072);
        } else {
            assertThat(publicKey.toJSONObject()).containsEntry("crv", "P-384");
        }
        ClientKey loaded = ClientKey.load(priv, null);
        assertThat(loaded.kid()).isEqualTo(publicKey.getKeyID());
        assertThat(loaded.algorithm().getName()).isEqualTo(alg);
    }

    @Test
    void refusesToOverwriteAPrivateKey() throws Exception {
        KeyMaker.writeTo(dir, "ES384");
        assertThatThrownBy(() -> KeyMaker.writeTo(dir, "ES384")).hasMessageContaining("already exists");
    }

    @Test
    void publicOrUnreadableKeyFilesAreExplained() throws Exception {
        KeyMaker.writeTo(dir, "ES384");
        assertThatThrownBy(() -> ClientKey.load(dir.resolve("public.jwks.json"), null))
                .isInstanceOf(BulkDataException.class).hasMessageContaining("no private key");
        assertThatThrownBy(() -> ClientKey.load(dir.resolve("missing.json"), null))
                .isInstanceOf(BulkDataException.class).hasMessageContaining("cannot read the key file");
        Files.writeString(dir.resolve("junk.json"), "not json");
        assertThatThrownBy(() -> ClientKey.load(dir.resolve("junk.json"), null))
                .isInstanceOf(BulkDataException.class).hasMessageContaining("not a JWKS");
        assertThat(Set.of(BulkDataException.Kind.values())).contains(BulkDataException.Kind.USAGE);
    }
}
