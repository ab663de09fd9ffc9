package io.ssmd.core.shard;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.ssmd.core.SsmdVersion;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.EpochMicros;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shard's announcements: control events ({@code connected}, {@code disconnected}, {@code resync},
 * {@code backpressure}), metrics and
 * log lines, in one place so the actor and its stream say things the same way. Thread-safe.
 */
final class ShardEvents {

    private static final Logger log = LoggerFactory.getLogger(ShardEvents.class);

    /** Parse errors are logged once per this many, so a broken venue cannot flood the log. */
    private static final long PARSE_ERROR_LOG_EVERY = 1000;

    private final ShardContext shard;
    private final long epoch;
    private final ShardRuntime runtime;
    private final Map<String, CounterDataPoint> messagesByType = new ConcurrentHashMap<>();
    private final CounterDataPoint parseErrors;
    private final CounterDataPoint resyncs;
    private final CounterDataPoint received;
    private final DistributionDataPoint lag;
    private final CounterDataPoint parseErrorsSeeds;
    private final CounterDataPoint resyncErrors;
    private final AtomicLong parseErrorCount = new AtomicLong();

    ShardEvents(ShardContext shard, long epoch, ShardRuntime runtime) {
        this.shard = shard;
        this.epoch = epoch;
        this.runtime = runtime;
        this.parseErrors = runtime.metrics().parseErrors().labelValues(shard.feed(), shard.shard());
        this.resyncs = runtime.metrics().resyncs().labelValues(shard.feed(), shard.shard());
        ConnectorMetrics metrics = runtime.metrics();
        this.received = metrics.messagesReceived().labelValues(shard.feed(), shard.shard());
        this.lag = metrics.lagSeconds().labelValues(shard.feed(), shard.shard());
        this.parseErrorsSeeds = metrics.errors().labelValues(shard.feed(), shard.shard(), ConnectorMetrics.ERROR_PARSE);
        this.resyncErrors = metrics.errors().labelValues(shard.feed(), shard.shard(), ConnectorMetrics.ERROR_RESYNC);
        // Present at 0 from the shard's first connection, so that a rate over them starts before the first error.
        metrics.errors().labelValues(shard.feed(), shard.shard(), ConnectorMetrics.ERROR_CONNECTION);
        metrics.errors().labelValues(shard.feed(), shard.shard(), ConnectorMetrics.ERROR_PUBLISH);
    }

    void counted(String type) {
        messagesByType
                .computeIfAbsent(type, t -> runtime.metrics().messages().labelValues(shard.feed(), shard.shard(), t))
                .inc();
        received.inc();
    }

    /**
     * One sample of venue time to receive, in microseconds. A venue clock ahead of ours reads as a negative lag, which
     * is observed as 0: the lag cannot be told apart from the skew then.
     */
    void lag(long micros) {
        lag.observe(Math.max(0, micros) / 1e6);
    }

    void parseError(String reason) {
        parseErrors.inc();
        parseErrorsSeeds.inc();
        long n = parseErrorCount.incrementAndGet();
        if (n == 1 || n % PARSE_ERROR_LOG_EVERY == 0) {
            log.warn(
                    "{}: frame kept on {} unparsed ({} so far on this connection): {}",
                    shard.shard(),
                    shard.unparsed(),
                    n,
                    reason);
        }
    }

    void resync(Decoded.Resync resync) {
        resyncs.inc();
        resyncErrors.inc();
        log.warn("{}: {} book resynchronizing: {}", shard.shard(), resync.instrument(), resync.reason());
        raise(ControlEvent.RESYNC, resync.reason(), List.of(resync.instrument()), null);
    }

    /**
     * A book broke on a renewal's new connection before it published anything: no hole (the old connection still
     * publishes), so no control event; the new connection waits for a fresh snapshot.
     */
    void resyncBeforeSwitch(Decoded.Resync resync) {
        log.info(
                "{}: {} book resynchronizing on the renewed connection (epoch {}) before it takes over: {}",
                shard.shard(),
                resync.instrument(),
                epoch,
                resync.reason());
    }

    /**
     * The shard switched publishing from the connection of {@code previousEpoch} to this one (epoch), at
     * {@code switchMicros}: a {@code handover} control event, not a gap (DESIGN §17).
     */
    void handover(long previousEpoch, long switchMicros, String reason) {
        log.info(
                "{}: renewed its connection: epoch {} publishes what it received before {} µs, epoch {} from then on",
                shard.shard(),
                previousEpoch,
                switchMicros,
                epoch);
        runtime.control()
                .raise(ControlEvent.handover(
                        shard.feed(),
                        shard.shard(),
                        previousEpoch,
                        epoch,
                        switchMicros,
                        reason,
                        shard.instruments(),
                        SsmdVersion.current()));
    }

    void rejected(Decoded.Rejection rejection) {
        log.warn(
                "{}: the venue refused {}: {}; the shard's other instruments go on",
                shard.shard(),
                rejection.instrument(),
                rejection.reason());
    }

    void connected(Long sinceMicros) {
        log.info(
                "{}: connected (epoch {}) to {}{}",
                shard.shard(),
                epoch,
                shard.feed(),
                sinceMicros == null ? "" : ", after an outage since " + sinceMicros + " µs");
        runtime.control()
                .raise(ControlEvent.connected(
                        shard.feed(),
                        shard.shard(),
                        epoch,
                        EpochMicros.now(),
                        shard.instruments(),
                        sinceMicros,
                        SsmdVersion.current()));
    }

    void disconnected(String reason) {
        log.warn("{}: disconnected (epoch {}): {}", shard.shard(), epoch, reason);
        raise(ControlEvent.DISCONNECTED, reason, shard.instruments(), null);
    }

    /**
     * An instrument's channel was quiet while its siblings streamed ({@link InstrumentLiveness}): counted, logged and
     * announced as {@code instrument_quiet}; {@code refusal} says why it was not resubscribed, empty when it was.
     */
    void instrumentQuiet(InstrumentLiveness.Quiet quiet, java.util.Optional<String> refusal) {
        runtime.metrics()
                .instrumentQuiet()
                .labelValues(shard.feed(), shard.shard(), quiet.channel())
                .inc();
        String reason = quiet.instrument() + " " + quiet.channel() + ": nothing for " + quiet.quietSeconds()
                + " s while other instruments of the channel streamed; "
                + refusal.map(r -> "not resubscribed: " + r).orElse("resubscribed");
        log.warn("{}: {}", shard.shard(), reason);
        runtime.control()
                .raise(ControlEvent.instrumentQuiet(
                        shard.feed(),
                        shard.shard(),
                        epoch,
                        EpochMicros.now(),
                        reason,
                        quiet.instrument(),
                        quiet.channel(),
                        quiet.quietSeconds(),
                        refusal.isEmpty()));
    }

    /** A sign of life of the open connection; it names no instruments, to stay small. */
    void alive() {
        raise(ControlEvent.ALIVE, "", List.of(), null);
    }

    /**
     * The publish window was full from {@code sinceMicros} until now, {@code lastedMs} long: the venue socket was not
     * read, so what the venue sent then may be missing.
     */
    void backpressure(long sinceMicros, long lastedMs, String how) {
        log.warn(
                "{}: the publish window was full for {} ms (NATS slow or unreachable; the shard's window or the node's"
                        + " publish budget) and the venue socket was not read"
                        + " meanwhile; {}: recorded as a backpressure gap",
                shard.shard(),
                lastedMs,
                how);
        raise(
                ControlEvent.BACKPRESSURE,
                "publish window full for " + lastedMs + " ms; the venue socket was not read (" + how + ")",
                shard.instruments(),
                sinceMicros);
    }

    private void raise(String event, String reason, List<String> instruments, Long since) {
        runtime.control()
                .raise(new ControlEvent(
                        event, shard.feed(), shard.shard(), epoch, EpochMicros.now(), reason, instruments, since));
    }
}
