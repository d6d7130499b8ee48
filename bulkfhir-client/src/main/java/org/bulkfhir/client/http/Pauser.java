package org.bulkfhir.client.http;

import java.time.Duration;

/** Waits between attempts. Tests substitute one that records the delay instead of sleeping. */
@FunctionalInterface
public interface Pauser {
    Pauser SLEEP = d -> {
        if (!d.isNegative() && !d.isZero()) {
            Thread.sleep(d.toMillis(), 0);
        }
    };

    void pause(Duration delay) throws InterruptedException;
}
