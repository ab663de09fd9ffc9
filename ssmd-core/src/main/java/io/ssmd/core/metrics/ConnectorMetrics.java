package io.ssmd.core.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connector's Prometheus metrics (DESIGN §9), registered in the registry given, so each node (and each test) has
 * its own.
 *
 * <p>Counters are declared without their {@code _total} suffix: the Prometheus client strips it from a counter's name
 * and adds it back in every exposition format, so {@code /metrics} shows {@code ssmd_connector_duplicates_total}.
 */
public final class ConnectorMetrics {

    /** Publish latency buckets, in seconds: a local JetStream acks in about a millisecond, an outage takes seconds. */
    private static final double[] PUBLISH_BUCKETS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
    };

    /**
     * Venue-to-receive lag buckets, in seconds: a nearby venue delivers in milliseconds; seconds mean the venue or the
     * path is backed up; the top buckets catch a clock that is far off.
     */
    private static final double[] LAG_BUCKETS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300
    };

    /** {@code error_type} of {@link #errors()} for a frame that could not be parsed (as {@link #parseErrors()}). */
    public static final String ERROR_PARSE = "parse";
    /** {@code error_type} of {@link #errors()} for a message JetStream never acked (as {@link #publishFailed()}). */
    public static final String ERROR_PUBLISH = "publish";
    /** {@code error_type} of {@link #errors()} for a venue connection lost and reopened (as {@link #reconnects()}). */
    public static final String ERROR_CONNECTION = "connection";
    /** {@code error_type} of {@link #errors()} for a book found inconsistent and resynced (as {@link #resyncs()}). */
    public static final String ERROR_RESYNC = "resync";

    private final Counter messages;
    private final Gauge websocketConnected;
    private final Gauge idleSeconds;
    private final Counter reconnects;
    private final Counter parseErrors;
    private final Histogram publishSeconds;
    private final Counter publishFailed;
    private final Counter publishRetries;
    private final Counter duplicates;
    private final Counter resyncs;
    private final Counter instrumentQuiet;
    private final Gauge marketsSubscribed;
    private final Counter controlDropped;
    private final Counter framesTruncated;
    private final Counter discoveryHeld;
    private final Gauge discoveryUnconfirmed;
    private final Counter marketsDropped;
    private final Counter messagesReceived;
    private final Counter messagesPublished;
    private final Histogram lagSeconds;
    private final Counter errors;
    private final Map<String, PublishMetrics> publishByShard = new ConcurrentHashMap<>();

    private ConnectorMetrics(PrometheusRegistry registry) {
        messages = counter(
                        "ssmd_connector_messages", "Venue messages received, by message type", "feed", "shard", "type")
                .register(registry);
        websocketConnected = Gauge.builder()
                .name("ssmd_connector_websocket_connected")
                .help("1 while the shard's venue WebSocket is open, else 0")
                .labelNames("feed", "shard")
                .withoutExemplars()
                .register(registry);
        idleSeconds = Gauge.builder()
                .name("ssmd_connector_idle_seconds")
                .help("Seconds since the shard last received application traffic from the venue")
                .labelNames("feed", "shard")
                .withoutExemplars()
                .register(registry);
        reconnects = counter("ssmd_connector_reconnects", "Venue connections reopened after a loss", "feed", "shard")
                .register(registry);
        parseErrors = counter(
                        "ssmd_connector_parse_errors",
                        "Venue frames that could not be parsed (kept as unparsed)",
                        "feed",
                        "shard")
                .register(registry);
        publishSeconds = Histogram.builder()
                .name("ssmd_connector_publish_seconds")
                .help("Time from a message's first JetStream publish attempt to its final outcome")
                .labelNames("feed", "shard")
                .classicOnly()
                .classicUpperBounds(PUBLISH_BUCKETS)
                .withoutExemplars()
                .register(registry);
        publishFailed = counter(
                        "ssmd_connector_publish_failed",
                        "Messages not acked by JetStream after every attempt; each is also a publish_failed control event",
                        "feed",
                        "shard")
                .register(registry);
        publishRetries = counter(
                        "ssmd_connector_publish_retries",
                        "JetStream publish attempts repeated after a timeout or an error",
                        "feed",
                        "shard")
                .register(registry);
        duplicates = counter(
                        "ssmd_connector_duplicates",
                        "Publishes JetStream acked as duplicates (a retry of a message it already had)",
                        "feed",
                        "shard")
                .register(registry);
        resyncs = counter(
                        "ssmd_connector_resyncs",
                        "Order books resynchronized after a checksum or sequence error",
                        "feed",
                        "shard")
                .register(registry);
        instrumentQuiet = counter(
                        "ssmd_connector_instrument_quiet",
                        "Instruments whose channel sent nothing for its liveness quiet time while other instruments of"
                                + " that channel on the same connection streamed (each also an instrument_quiet"
                                + " control event)",
                        "feed",
                        "shard",
                        "channel")
                .register(registry);
        marketsSubscribed = Gauge.builder()
                .name("ssmd_connector_markets_subscribed")
                .help("Instruments the shard is subscribed to")
                .labelNames("feed", "shard")
                .withoutExemplars()
                .register(registry);
        controlDropped = counter(
                        "ssmd_connector_control_dropped",
                        "Control events dropped (oldest first) because the local queue was full while NATS was unreachable",
                        "feed")
                .register(registry);
        framesTruncated = counter(
                        "ssmd_connector_frames_truncated",
                        "Venue frames too large to publish whole (limits.max-frame-bytes, or the NATS server's"
                                + " max_payload less headers): their head went to the unparsed subject with the full"
                                + " size in Ssmd-Frame-Size",
                        "feed",
                        "shard")
                .register(registry);
        discoveryHeld = counter(
                        "ssmd_connector_discovery_held",
                        "Discovery answers that were empty or lost more than half the instruments, held until a second"
                                + " answer confirmed them",
                        "feed")
                .register(registry);
        discoveryUnconfirmed = Gauge.builder()
                .name("ssmd_connector_discovery_unconfirmed")
                .help("1 while a suspicious discovery answer is held (the shards keep their instruments), else 0")
                .labelNames("feed")
                .withoutExemplars()
                .register(registry);
        marketsDropped = counter(
                        "ssmd_secmaster_markets_dropped",
                        "Security-master markets a feed manager should run but could not add to a shard (an event it"
                                + " could not read, a shard or the venue refusing it): each is logged and retried with"
                                + " backoff; the objective is zero",
                        "feed",
                        "reason")
                .register(registry);
        // The seeds' names (DESIGN §17), beside the names above: each is counted where its counterpart is.
        messagesReceived = counter(
                        "ssmd_connector_messages_received",
                        "Venue frames received (the seeds' name; ssmd_connector_messages_total splits them by type)",
                        "feed",
                        "shard")
                .register(registry);
        messagesPublished = counter(
                        "ssmd_connector_messages_published",
                        "Messages JetStream acked (stored, or a duplicate of an earlier attempt), once per message",
                        "feed",
                        "shard")
                .register(registry);
        lagSeconds = Histogram.builder()
                .name("ssmd_connector_lag_seconds")
                .help("Venue time to receive: the shard's receive time less the venue's own timestamp in the frame,"
                        + " sampled on market-data frames that carry one (none for a venue or frame type without)")
                .labelNames("feed", "shard")
                .classicOnly()
                .classicUpperBounds(LAG_BUCKETS)
                .withoutExemplars()
                .register(registry);
        errors = counter(
                        "ssmd_connector_errors",
                        "Connector errors by error_type: parse (as parse_errors), publish (as publish_failed),"
                                + " connection (as reconnects), resync (as resyncs)",
                        "feed",
                        "shard",
                        "error_type")
                .register(registry);
    }

    /** Registers the connector metrics in {@code registry}; call once per registry. */
    public static ConnectorMetrics create(PrometheusRegistry registry) {
        return new ConnectorMetrics(registry);
    }

    /** The publisher's data points for one shard, looked up once and cached: the hot path does no label lookups. */
    public PublishMetrics publish(String feed, String shard) {
        return publishByShard.computeIfAbsent(
                feed + '\u0000' + shard,
                key -> new PublishMetrics(
                        publishSeconds.labelValues(feed, shard), publishFailed.labelValues(feed, shard),
                        publishRetries.labelValues(feed, shard), duplicates.labelValues(feed, shard),
                        messagesPublished.labelValues(feed, shard), errors.labelValues(feed, shard, ERROR_PUBLISH)));
    }

    /** {@code ssmd_connector_messages_total{feed,shard,type}}. */
    public Counter messages() {
        return messages;
    }

    /** {@code ssmd_connector_websocket_connected{feed,shard}}. */
    public Gauge websocketConnected() {
        return websocketConnected;
    }

    /** {@code ssmd_connector_idle_seconds{feed,shard}}. */
    public Gauge idleSeconds() {
        return idleSeconds;
    }

    /** {@code ssmd_connector_reconnects_total{feed,shard}}. */
    public Counter reconnects() {
        return reconnects;
    }

    /** {@code ssmd_connector_parse_errors_total{feed,shard}}. */
    public Counter parseErrors() {
        return parseErrors;
    }

    /** {@code ssmd_connector_publish_seconds{feed,shard}}. */
    public Histogram publishSeconds() {
        return publishSeconds;
    }

    /** {@code ssmd_connector_publish_failed_total{feed,shard}}. */
    public Counter publishFailed() {
        return publishFailed;
    }

    /** {@code ssmd_connector_publish_retries_total{feed,shard}}. */
    public Counter publishRetries() {
        return publishRetries;
    }

    /** {@code ssmd_connector_duplicates_total{feed,shard}}. */
    public Counter duplicates() {
        return duplicates;
    }

    /** {@code ssmd_connector_resyncs_total{feed,shard}}. */
    public Counter resyncs() {
        return resyncs;
    }

    /** {@code ssmd_connector_instrument_quiet_total{feed,shard,channel}}. */
    public Counter instrumentQuiet() {
        return instrumentQuiet;
    }

    /** {@code ssmd_connector_markets_subscribed{feed,shard}}. */
    public Gauge marketsSubscribed() {
        return marketsSubscribed;
    }

    /** {@code ssmd_connector_control_dropped_total{feed}}. */
    public Counter controlDropped() {
        return controlDropped;
    }

    /** {@code ssmd_connector_frames_truncated_total{feed,shard}}. */
    public Counter framesTruncated() {
        return framesTruncated;
    }

    /** {@code ssmd_connector_discovery_held_total{feed}}. */
    public Counter discoveryHeld() {
        return discoveryHeld;
    }

    /** {@code ssmd_secmaster_markets_dropped_total{feed,reason}}: must stay 0. */
    public Counter marketsDropped() {
        return marketsDropped;
    }

    /** {@code ssmd_connector_messages_received_total{feed,shard}}: the seeds' name, counted with {@link #messages()}. */
    public Counter messagesReceived() {
        return messagesReceived;
    }

    /** {@code ssmd_connector_messages_published_total{feed,shard}}: acked messages, once each. */
    public Counter messagesPublished() {
        return messagesPublished;
    }

    /** {@code ssmd_connector_lag_seconds{feed,shard}}: venue time to receive. */
    public Histogram lagSeconds() {
        return lagSeconds;
    }

    /** {@code ssmd_connector_errors_total{feed,shard,error_type}}; the types are the {@code ERROR_} constants. */
    public Counter errors() {
        return errors;
    }

    /** {@code ssmd_connector_discovery_unconfirmed{feed}}. */
    public Gauge discoveryUnconfirmed() {
        return discoveryUnconfirmed;
    }

    private static Counter.Builder counter(String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars();
    }

    /**
     * One shard's publish data points.
     *
     * @param seconds    {@code ssmd_connector_publish_seconds}
     * @param failed     {@code ssmd_connector_publish_failed_total}
     * @param retries    {@code ssmd_connector_publish_retries_total}
     * @param duplicates {@code ssmd_connector_duplicates_total}
     * @param published  {@code ssmd_connector_messages_published_total}
     * @param errors     {@code ssmd_connector_errors_total{error_type="publish"}}
     */
    public record PublishMetrics(
            DistributionDataPoint seconds,
            CounterDataPoint failed,
            CounterDataPoint retries,
            CounterDataPoint duplicates,
            CounterDataPoint published,
            CounterDataPoint errors) {}
}
