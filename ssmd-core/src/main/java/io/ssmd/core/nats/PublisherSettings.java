package io.ssmd.core.nats;

import java.time.Duration;

/**
 * How the JetStream publisher behaves (DESIGN §5), from the environment's {@code transport.publish} section.
 *
 * @param window               publishes awaiting their PubAck at once; when full, the upstream is backpressured
 * @param maxAttempts          attempts per message (the first included) before it is declared failed
 * @param retryBackoff         wait before the first retry, doubled for each further one
 * @param ackTimeout           how long one attempt waits for its PubAck
 * @param controlQueueCapacity control events kept while NATS is unreachable, sent on reconnect
 */
public record PublisherSettings(
        int window, int maxAttempts, Duration retryBackoff, Duration ackTimeout, int controlQueueCapacity) {

    public static PublisherSettings defaults() {
        return new PublisherSettings(1024, 5, Duration.ofMillis(250), Duration.ofSeconds(5), 10_000);
    }
}
