package org.bulkfhir.client.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import org.bulkfhir.client.BulkDataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C-3 (current and successor keys in the registered JWKS, for rotation) and C-2 (unique kids,
 * private key kept private): the first key signs, a successor is published before it signs, and
 * retiring the signing key hands signing to the successor.
 */
class KeyRotationTest {
    @TempDir
    Path dir;

    private List<String> publicKids() throws Exception {
        return JWKSet.parse(Files.readString(dir.resolve(KeyMaker.PUBLIC_FILE))).getKeys().stream().map(JWK::getKeyID).toList();
    }

    @Test
    void aSuccessorIsPublishedBeforeItSignsAndTakesOverWhenTheCurrentKeyRetires() throws Exception {
        String current = KeyMaker.writeTo(dir, "ES384").kid();

        KeyRotation.Keys rotated = KeyRotation.addSuccessor(dir, "RS384");
        String successor = rotated.kids().get(1);
        assertThat(rotated.kids()).containsExactly(current, successor);
        assertThat(rotated.signingKid()).isEqualTo(current);
        assertThat(ClientKey.load(dir.resolve(KeyMaker.PRIVATE_FILE), null).kid()).as("the current key still signs")
                .isEqualTo(current);
        assertThat(publicKids()).containsExactly(current, successor);
        assertThat(Files.readString(dir.resolve(KeyMaker.PUBLIC_FILE))).doesNotContain("\"d\"", "\"p\"", "\"q\"");
        assertThat(Files.getPosixFilePermissions(dir.resolve(KeyMaker.PRIVATE_FILE)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThatThrownBy(() -> KeyRotation.addSuccessor(dir, "ES384")).isInstanceOf(BulkDataException.class)
                .hasMessageContaining("already holds a successor key (kid " + successor + ")")
                .hasMessageContaining("--retire " + current);

        KeyRotation.Keys retired = KeyRotation.retire(dir, current);
        assertThat(retired.signingKid()).isEqualTo(successor);
        ClientKey signing = ClientKey.load(dir.resolve(KeyMaker.PRIVATE_FILE), null);
        assertThat(signing.kid()).isEqualTo(successor);
        assertThat(signing.algorithm().getName()).isEqualTo("RS384");
        assertThat(publicKids()).containsExactly(successor);
    }

    @Test
    void theOnlyKeyOrAnUnknownKidCannotBeRetired() throws Exception {
        String only = KeyMaker.writeTo(dir, "ES384").kid();
        assertThatThrownBy(() -> KeyRotation.retire(dir, only)).hasMessageContaining("is the only key")
                .hasMessageContaining("--rotate");
        assertThatThrownBy(() -> KeyRotation.retire(dir, "nope")).hasMessageContaining("has no key with kid nope")
                .hasMessageContaining(only);
    }

    @Test
    void aFolderWithoutAPrivateJwksIsExplained() throws Exception {
        assertThatThrownBy(() -> KeyRotation.addSuccessor(dir, "ES384")).isInstanceOf(BulkDataException.class)
                .hasMessageContaining("holds no private.jwks.json").hasMessageContaining("bulkfhir keys --out");
        Files.writeString(dir.resolve(KeyMaker.PRIVATE_FILE), "{\"keys\": 3}");
        assertThatThrownBy(() -> KeyRotation.addSuccessor(dir, "ES384")).hasMessageContaining("is not a JWKS");
        KeyMaker.KeyPairJwks pair = KeyMaker.generate("ES384");
        Files.writeString(dir.resolve(KeyMaker.PRIVATE_FILE), pair.publicJwks().toString());
        assertThatThrownBy(() -> KeyRotation.retire(dir, pair.kid())).hasMessageContaining("must hold private keys");
    }
}
