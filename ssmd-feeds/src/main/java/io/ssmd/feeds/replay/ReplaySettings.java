package io.ssmd.feeds.replay;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a replay server runs.
 *
 * @param venue             kraken, kraken-futures, kalshi or polymarket
 * @param recording         recorded mode: a JSONL file of venue frames or an ssmd archive file; empty: synthetic
 * @param speed             recorded mode: pacing factor on the recorded times (2.0 = twice as fast); 0 = as fast as
 *                          the client reads
 * @param rate              data frames per second per session (synthetic frames, and recorded frames that carry no
 *                          time); 0 = as fast as the client reads
 * @param instruments       the synthetic market's instruments (empty: the venue's defaults); a subscription to
 *                          anything else is rejected the venue's way
 * @param seed              synthetic data is deterministic for a seed
 * @param loop              recorded mode: start the recording again when it ends
 * @param clientIdleTimeout close a client silent for this long, where the venue does (Kraken Futures: 60 s;
 *                          Polymarket: no PING); empty: the venue's default
 * @param kalshiPublicKey   Kalshi: PEM public key that handshake signatures are checked against
 * @param maxClockSkew      Kalshi: how far the handshake timestamp may be from the server's clock
 * @param maxConnections    the venue's limit of connections open at once (the feed file's
 *                          {@code limits.max-connections}): one handshake more is refused with 429; empty: none
 */
public record ReplaySettings(
        String venue,
        String host,
        int port,
        Optional<Path> recording,
        double speed,
        int rate,
        List<String> instruments,
        long seed,
        boolean loop,
        Optional<Duration> clientIdleTimeout,
        Optional<Path> kalshiPublicKey,
        Duration maxClockSkew,
        java.util.OptionalInt maxConnections) {

    public ReplaySettings {
        instruments = List.copyOf(instruments);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (speed < 0) {
            throw new IllegalArgumentException("speed must be 0 (as fast as possible) or more, got " + speed);
        }
        if (rate < 0) {
            throw new IllegalArgumentException("rate must be 0 (as fast as possible) or more, got " + rate);
        }
        if (maxConnections.isPresent() && maxConnections.getAsInt() < 1) {
            throw new IllegalArgumentException("max-connections must be 1 or more, got " + maxConnections.getAsInt());
        }
    }

    /** Synthetic data at {@code rate} frames/s on {@code port}, everything else at its default. */
    public static ReplaySettings synthetic(String venue, int port, int rate, long seed) {
        return new ReplaySettings(
                venue,
                "127.0.0.1",
                port,
                Optional.empty(),
                1.0,
                rate,
                List.of(),
                seed,
                false,
                Optional.empty(),
                Optional.empty(),
                Duration.ofSeconds(10),
                java.util.OptionalInt.empty());
    }

    public boolean synthetic() {
        return recording.isEmpty();
    }

    public ReplaySettings withRecording(Path file, double speed, boolean loop) {
        return new ReplaySettings(
                venue,
                host,
                port,
                Optional.of(file),
                speed,
                rate,
                instruments,
                seed,
                loop,
                clientIdleTimeout,
                kalshiPublicKey,
                maxClockSkew,
                maxConnections);
    }

    public ReplaySettings withInstruments(List<String> list) {
        return new ReplaySettings(
                venue,
                host,
                port,
                recording,
                speed,
                rate,
                list,
                seed,
                loop,
                clientIdleTimeout,
                kalshiPublicKey,
                maxClockSkew,
                maxConnections);
    }

    public ReplaySettings withClientIdleTimeout(Duration timeout) {
        return new ReplaySettings(
                venue,
                host,
                port,
                recording,
                speed,
                rate,
                instruments,
                seed,
                loop,
                Optional.of(timeout),
                kalshiPublicKey,
                maxClockSkew,
                maxConnections);
    }

    public ReplaySettings withKalshiPublicKey(Path pem) {
        return new ReplaySettings(
                venue,
                host,
                port,
                recording,
                speed,
                rate,
                instruments,
                seed,
                loop,
                clientIdleTimeout,
                Optional.of(pem),
                maxClockSkew,
                maxConnections);
    }

    /** The venue's limit of connections open at once: one more handshake is refused with 429. */
    public ReplaySettings withMaxConnections(int connections) {
        return new ReplaySettings(
                venue,
                host,
                port,
                recording,
                speed,
                rate,
                instruments,
                seed,
                loop,
                clientIdleTimeout,
                kalshiPublicKey,
                maxClockSkew,
                java.util.OptionalInt.of(connections));
    }
}
