package org.bulkfhir.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.bulkfhir.store.Database;
import org.bulkfhir.store.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Server signing keys shared through the database, and rotation. */
class ServerKeysTest {
    @TempDir
    Path dir;

    @Test
    void aKeyRotatedOnOneNodeIsKnownToTheOther() {
        try (Database db = Database.open(TestDatabases.sqlite(dir))) {
            ServerKeys a = ServerKeys.open(db, Duration.ofMinutes(6), Clock.systemUTC());
            ServerKeys b = ServerKeys.open(db, Duration.ofMinutes(6), Clock.systemUTC());
            String first = a.signingKey().getKeyID();
            assertThat(b.signingKey().getKeyID()).isEqualTo(first);
            String second = a.rotate();
            assertThat(a.signingKey().getKeyID()).isEqualTo(second);
            assertThat(b.verificationKey(second)).isPresent();
            assertThat(b.verificationKey(first)).isPresent();
            assertThat(b.verificationKey("unknown")).isEmpty();
            assertThat(a.list()).extracting(ServerKeys.KeyInfo::kid).containsExactly(first, second);
            assertThat(a.list().get(0).retiredAt()).isNotNull();
        }
    }

    @Test
    void retiredKeysStopVerifyingAfterTheGrace() {
        try (Database db = Database.open(TestDatabases.sqlite(dir))) {
            java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());
            Clock clock = new Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return java.time.ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public java.time.Instant instant() {
                    return java.time.Instant.ofEpochMilli(now.get());
                }
            };
            ServerKeys keys = ServerKeys.open(db, Duration.ofMinutes(6), clock);
            String old = keys.signingKey().getKeyID();
            keys.rotate();
            now.addAndGet(Duration.ofMinutes(6).toMillis());
            assertThat(keys.verificationKey(old)).isPresent();
            now.addAndGet(Duration.ofMinutes(1).toMillis());
            assertThat(keys.verificationKey(old)).isEmpty();
        }
    }
}
