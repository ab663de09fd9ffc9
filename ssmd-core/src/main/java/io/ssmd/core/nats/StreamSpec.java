package io.ssmd.core.nats;

import java.time.Duration;
import java.util.List;

/**
 * A JetStream stream as the environment asks for it. Retention is always "limits": the archive, not an ack,
 * decides what has been kept.
 *
 * @param maxBytes          size limit in bytes, or -1 for none
 * @param maxAge            age limit, or {@link Duration#ZERO} for none
 * @param duplicateWindow   how long the server remembers {@code Nats-Msg-Id}s to drop retried publishes
 */
public record StreamSpec(
        String name,
        List<String> subjects,
        long maxBytes,
        Duration maxAge,
        Duration duplicateWindow,
        Storage storage,
        int replicas) {

    public enum Storage {
        FILE,
        MEMORY
    }

    public StreamSpec {
        subjects = List.copyOf(subjects);
    }
}
