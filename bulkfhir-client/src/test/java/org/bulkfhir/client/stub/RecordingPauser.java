package org.bulkfhir.client.stub;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bulkfhir.client.http.Pacing;
import org.bulkfhir.client.http.Pauser;

/** Records every wait the client asks for and waits only a millisecond, so tests check delays without sleeping. */
public final class RecordingPauser implements Pauser {
    public final List<Duration> delays = new CopyOnWriteArrayList<>();

    @Override
    public void pause(Duration delay) throws InterruptedException {
        delays.add(delay);
        Thread.sleep(1);
    }

    /** Small, fast pacing: 10 ms first backoff, 200 ms cap, Retry-After honoured up to 60 s (recorded, not slept). */
    public Pacing pacing() {
        return new Pacing(Duration.ofMillis(10), Duration.ofMillis(200), Duration.ofSeconds(60), 5, 5, this,
                Clock.systemUTC());
    }
}
