package io.ssmd.core.settings;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code ssmd.secmaster.relay-*} and {@code stream-*}: how the outbox relay publishes the security master's change
 * events and the stream it publishes them to (docs/secmaster.md).
 *
 * @param interval              how often the relay looks for unpublished outbox rows (it publishes all of them)
 * @param batch                 rows read, published and marked per round trip
 * @param ackTimeout            how long a batch waits for its PubAcks before the relay backs off and retries
 * @param backoffMax            the longest wait between retries while NATS or the database fails
 * @param lookback              how far before the oldest unpublished row's created_at the relay reads the stream on
 *                              start, for rows it published but could not mark (covers clock skew between nodes)
 * @param streamMaxAge          the stream's age limit ({@link Duration#ZERO}: none)
 * @param streamDuplicateWindow how long the server drops a republished outbox id
 * @param streamReplicas        the stream's replicas
 */
public record SecmasterRelaySettings(
        Duration interval,
        int batch,
        Duration ackTimeout,
        Duration backoffMax,
        Duration lookback,
        Duration streamMaxAge,
        Duration streamDuplicateWindow,
        int streamReplicas) {

    public SecmasterRelaySettings {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("ssmd.secmaster.relay-interval must be above 0, got " + interval);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("ssmd.secmaster.relay-batch must be 1 or more, got " + batch);
        }
        if (ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("ssmd.secmaster.relay-ack-timeout must be above 0, got " + ackTimeout);
        }
        if (backoffMax.compareTo(interval) < 0) {
            throw new IllegalArgumentException("ssmd.secmaster.relay-backoff-max must be at least relay-interval ("
                    + interval + "), got " + backoffMax);
        }
        if (lookback.isNegative()) {
            throw new IllegalArgumentException("ssmd.secmaster.relay-lookback must be 0 or more, got " + lookback);
        }
        if (streamMaxAge.isNegative()) {
            throw new IllegalArgumentException("ssmd.secmaster.stream-max-age must be 0 or more, got " + streamMaxAge);
        }
        if (streamDuplicateWindow.isNegative() || streamDuplicateWindow.isZero()) {
            throw new IllegalArgumentException(
                    "ssmd.secmaster.stream-duplicate-window must be above 0, got " + streamDuplicateWindow);
        }
        if (!streamMaxAge.isZero() && streamDuplicateWindow.compareTo(streamMaxAge) > 0) {
            throw new IllegalArgumentException("ssmd.secmaster.stream-duplicate-window (" + streamDuplicateWindow
                    + ") must not exceed stream-max-age (" + streamMaxAge + ")");
        }
        if (streamReplicas < 1 || streamReplicas > 5) {
            throw new IllegalArgumentException("ssmd.secmaster.stream-replicas must be 1 to 5, got " + streamReplicas);
        }
    }

    /** Reads {@code ssmd.secmaster} from a resolved config. */
    public static SecmasterRelaySettings create(Config config) {
        Config c = config.getConfig("ssmd.secmaster");
        return new SecmasterRelaySettings(
                c.getDuration("relay-interval"),
                c.getInt("relay-batch"),
                c.getDuration("relay-ack-timeout"),
                c.getDuration("relay-backoff-max"),
                c.getDuration("relay-lookback"),
                c.getDuration("stream-max-age"),
                c.getDuration("stream-duplicate-window"),
                c.getInt("stream-replicas"));
    }

    /** The defaults of reference.conf. */
    public static SecmasterRelaySettings defaults() {
        return new SecmasterRelaySettings(
                Duration.ofMillis(200),
                500,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                Duration.ofMinutes(5),
                Duration.ofDays(30),
                Duration.ofMinutes(2),
                1);
    }

    public SecmasterRelaySettings withBatch(int rows) {
        return new SecmasterRelaySettings(
                interval, rows, ackTimeout, backoffMax, lookback, streamMaxAge, streamDuplicateWindow, streamReplicas);
    }

    public SecmasterRelaySettings withDuplicateWindow(Duration window) {
        return new SecmasterRelaySettings(
                interval, batch, ackTimeout, backoffMax, lookback, streamMaxAge, window, streamReplicas);
    }
}
