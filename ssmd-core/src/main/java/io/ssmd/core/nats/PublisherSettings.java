package io.ssmd.core.nats;

import io.ssmd.core.Backoff;
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

    /**
     * The waits between attempts: {@code retryBackoff} doubled per retry, without jitter (the attempts of one message
     * are already spread by when each was sent). The cap, 2^20 times the first wait, is never reached in practice:
     * {@code max-attempts} and the duplicate window bound a message's retries long before.
     */
    public Backoff retryDelays() {
        return new Backoff(retryBackoff, retryBackoff.multipliedBy(1L << 20), 0);
    }
}
