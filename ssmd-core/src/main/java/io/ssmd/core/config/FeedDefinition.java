package io.ssmd.core.config;

import io.ssmd.core.subject.Venue;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A venue as described by {@code exchanges/feeds/{feed}.yaml}: where to connect, what to subscribe to, the
 * per-connection limits the shard packing and frame collector obey, and how liveness is kept and watched.
 *
 * @param file      the feed file it was read from
 * @param name      the feed name (the file's {@code name}, equal to the name the environment uses)
 * @param venue     which protocol the feed speaks
 * @param endpoints where to connect
 * @param channels  the venue channels every shard subscribes to, in order
 * @param limits    per-connection limits
 * @param keepalive app-level pings and the inbound-silence watchdog
 * @param reconnect backoff between reconnects of one shard
 * @param auth      how the connection authenticates (names of secrets, never the secrets)
 * @param book      order-book depth, for venues whose book subscription takes one
 * @param liveness  per-instrument liveness: how long an instrument's channel may be quiet while its siblings stream
 */
public record FeedDefinition(
        Path file,
        String name,
        Venue venue,
        Endpoints endpoints,
        List<String> channels,
        Limits limits,
        Keepalive keepalive,
        Reconnect reconnect,
        FeedAuth auth,
        Optional<BookDepth> book,
        Liveness liveness) {

    /**
     * The largest frame any venue may be configured to send: NATS's own hard limit on {@code max_payload}. The
     * server actually used (8 MiB for the embedded one) is checked at startup against its INFO.
     */
    public static final int MAX_FRAME_BYTES_CEILING = 64 * 1024 * 1024;

    public FeedDefinition {
        channels = List.copyOf(channels);
    }

    /** A feed without per-instrument liveness. */
    public FeedDefinition(
            Path file,
            String name,
            Venue venue,
            Endpoints endpoints,
            List<String> channels,
            Limits limits,
            Keepalive keepalive,
            Reconnect reconnect,
            FeedAuth auth,
            Optional<BookDepth> book) {
        this(file, name, venue, endpoints, channels, limits, keepalive, reconnect, auth, book, Liveness.OFF);
    }

    /**
     * Per-instrument liveness (the feed file's {@code liveness}): an instrument whose channel has sent nothing for
     * that channel's quiet time, while other instruments of the same channel on the same connection did, is reported
     * ({@code instrument_quiet}) and resubscribed on the open connection, where the venue allows it. Venues have been
     * seen to ack a subscription and then send nothing for minutes on a live pair.
     *
     * @param quietTimes            channel → quiet time; a channel not named is not watched, and none: off
     * @param resubscribeInterval   the least time between two resubscribes of one instrument's channel
     * @param resubscribesPerMinute the most resubscribes one shard sends in any minute
     */
    public record Liveness(Map<String, Duration> quietTimes, Duration resubscribeInterval, int resubscribesPerMinute) {

        /** Nothing watched. */
        public static final Liveness OFF = new Liveness(Map.of(), Duration.ofMinutes(5), 10);

        public Liveness {
            quietTimes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(quietTimes));
        }

        /** Whether any channel is watched. */
        public boolean on() {
            return !quietTimes.isEmpty();
        }
    }

    /**
     * @param websocket the market-data WebSocket URL
     * @param rest      the venue's REST base URL, if ssmd uses it
     * @param discovery the base URL of the instrument discovery API when it is not {@code rest} (Polymarket Gamma)
     */
    public record Endpoints(URI websocket, Optional<URI> rest, Optional<URI> discovery) {

        /** Where instrument discovery goes: {@code discovery}, else {@code rest}. */
        public Optional<URI> discoveryBase() {
            return discovery.or(() -> rest);
        }
    }

    /**
     * @param maxInstrumentsPerConnection the most instruments one shard's connection may carry
     * @param maxFrameBytes               frames above this are not reassembled but routed as unparsed
     * @param subscribeRatePerSecond      the most subscribe requests per second, where the venue limits them
     * @param maxConnections              the most connections the venue accepts at once from one client, where it
     *                                    limits them: what paces a renewal that opens a second connection per shard
     */
    public record Limits(
            int maxInstrumentsPerConnection,
            int maxFrameBytes,
            OptionalInt subscribeRatePerSecond,
            OptionalInt maxConnections) {

        /** Without a connection limit. */
        public Limits(int maxInstrumentsPerConnection, int maxFrameBytes, OptionalInt subscribeRatePerSecond) {
            this(maxInstrumentsPerConnection, maxFrameBytes, subscribeRatePerSecond, OptionalInt.empty());
        }
    }

    /**
     * @param pingInterval      how often the client sends the venue's app-level ping; empty when the venue needs none
     * @param silenceTimeout    the watchdog: a connection with no inbound app traffic for this long is restarted
     * @param serverIdleTimeout how long the venue tolerates a silent client, where it says
     * @param dataSilenceTimeout the stall watchdog: a connection that stays open and answers pings but brings no
     *                          market data for any of its instruments for this long is restarted (Polymarket's
     *                          sockets are known to freeze this way for hours); empty: off
     */
    public record Keepalive(
            Optional<Duration> pingInterval,
            Duration silenceTimeout,
            Optional<Duration> serverIdleTimeout,
            Optional<Duration> dataSilenceTimeout) {

        public Keepalive(
                Optional<Duration> pingInterval, Duration silenceTimeout, Optional<Duration> serverIdleTimeout) {
            this(pingInterval, silenceTimeout, serverIdleTimeout, Optional.empty());
        }
    }

    /**
     * Exponential backoff between reconnects of one shard, {@code jitter} a fraction from 0 to 1.
     *
     * @param scheduledInterval when present, each shard also reconnects on purpose about this often, shards
     *                          staggered so that no two go at once; empty: only when something fails
     */
    public record Reconnect(
            Duration minBackoff, Duration maxBackoff, double jitter, Optional<Duration> scheduledInterval) {

        public Reconnect(Duration minBackoff, Duration maxBackoff, double jitter) {
            this(minBackoff, maxBackoff, jitter, Optional.empty());
        }
    }

    /** The book depth subscribed, one of the depths the venue accepts. */
    public record BookDepth(int depth, List<Integer> allowed) {

        public BookDepth {
            allowed = List.copyOf(allowed);
        }
    }

    /** The largest frame reassembled; see {@link Limits#maxFrameBytes()}. */
    public int maxFrameBytes() {
        return limits.maxFrameBytes();
    }

    /** The most instruments per connection; see {@link Limits}. */
    public int maxInstrumentsPerConnection() {
        return limits.maxInstrumentsPerConnection();
    }

    /** The app-level ping interval, empty when the venue needs none. */
    public Optional<Duration> pingInterval() {
        return keepalive.pingInterval();
    }

    /** The watchdog timeout: inbound silence this long restarts the connection. */
    public Duration silenceTimeout() {
        return keepalive.silenceTimeout();
    }

    /** The stall watchdog's timeout; see {@link Keepalive#dataSilenceTimeout()}. */
    public Optional<Duration> dataSilenceTimeout() {
        return keepalive.dataSilenceTimeout();
    }

    /** How often each shard reconnects on purpose; see {@link Reconnect#scheduledInterval()}. */
    public Optional<Duration> scheduledReconnect() {
        return reconnect.scheduledInterval();
    }

    /** The first reconnect wait. */
    public Duration reconnectMinBackoff() {
        return reconnect.minBackoff();
    }

    /** The longest reconnect wait. */
    public Duration reconnectMaxBackoff() {
        return reconnect.maxBackoff();
    }

    /** The random fraction added to each reconnect wait. */
    public double reconnectJitter() {
        return reconnect.jitter();
    }
}
