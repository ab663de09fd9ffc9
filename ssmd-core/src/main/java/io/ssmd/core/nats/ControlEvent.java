package io.ssmd.core.nats;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * A shard's announcement on {@code {env}.{feed}.control.{event}.{shard}} (DESIGN §4): the archive turns a
 * {@code disconnected} → {@code connected} pair into a {@code connection_lost} gap, and a {@code publish_failed} into
 * a gap of its own, so a hole in the data is always marked.
 *
 * <p>JSON: {@code {"event","feed","shard","epoch","ts","reason","instruments"}}, plus {@code since} on a
 * {@code connected} that ends an outage and on a {@code backpressure}, and {@code first}, {@code last}, {@code count}
 * and {@code instrumentCount} on a {@code publish_failed}: one event stands for a range of failed messages, never one
 * event each; {@code version} on a {@code connected} of an ssmd that announces it.
 *
 * @param event       {@code connected}, {@code disconnected}, {@code resync}, {@code publish_failed}, {@code alive} or
 *                    {@code backpressure}
 * @param epoch       the shard connection's start time, epoch µs (the epoch of its {@code Nats-Msg-Id}s)
 * @param ts          when the event happened, epoch µs; kept when the event waits for NATS to come back
 * @param reason      why, for people; empty when there is nothing to say
 * @param instruments the instruments concerned (true ids; for {@code publish_failed} the subject tokens of the
 *                    failed messages, at most {@link #MAX_INSTRUMENTS})
 * @param since       epoch µs when the outage this event ends began (for {@code backpressure}: when the window
 *                    became full), or null
 * @param first       {@code publish_failed}: the receive time (epoch µs) of the range's first failed message
 * @param last        {@code publish_failed}: the receive time (epoch µs) of the range's last failed message
 * @param count       {@code publish_failed}: how many messages of the range failed
 * @param instrumentCount {@code publish_failed}: how many distinct instruments they concern, which may be more than
 *                    {@code instruments} lists
 * @param channel     {@code instrument_quiet}: the venue channel that was quiet ({@code book}, {@code ticker})
 * @param quietSeconds {@code instrument_quiet}: how long the instrument's channel had sent nothing
 * @param resubscribed {@code instrument_quiet}: whether the shard resubscribed it on the open connection (false when
 *                    rate-limited or the venue cannot)
 * @param version     {@code connected}: the ssmd version of the node running the shard ({@link
 *                    io.ssmd.core.SsmdVersion#current()}), so the archive can say which connector versions produced a
 *                    day; null on other events and on those of an older ssmd
 * @param previousEpoch {@code handover}: the epoch of the connection that published until the switch ({@code epoch} is
 *                    the one that publishes from {@code ts} on); null on other events
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "event",
    "feed",
    "shard",
    "epoch",
    "ts",
    "reason",
    "instruments",
    "since",
    "first",
    "last",
    "count",
    "instrumentCount",
    "channel",
    "quietSeconds",
    "resubscribed",
    "version",
    "previousEpoch"
})
public record ControlEvent(
        String event,
        String feed,
        String shard,
        long epoch,
        long ts,
        String reason,
        List<String> instruments,
        Long since,
        Long first,
        Long last,
        Long count,
        Integer instrumentCount,
        String channel,
        Double quietSeconds,
        Boolean resubscribed,
        String version,
        Long previousEpoch) {

    public static final String CONNECTED = "connected";
    public static final String DISCONNECTED = "disconnected";
    public static final String RESYNC = "resync";
    public static final String PUBLISH_FAILED = "publish_failed";
    /**
     * A streaming shard's periodic sign of life: when a node dies without a {@code disconnected}, the gap starts at
     * the last one archived rather than at the shard's last data, which may be hours old on a quiet market.
     */
    public static final String ALIVE = "alive";
    /**
     * A shard's publish window was full (NATS slow or unreachable) for longer than
     * {@code ssmd.connectors.backpressure-gap-after}: the venue socket was not read from {@code since} to {@code ts},
     * so what the venue sent then may be missing.
     */
    public static final String BACKPRESSURE = "backpressure";
    /**
     * One instrument's channel sent nothing for longer than its quiet time while other instruments of that channel on
     * the same connection streamed (the venue acked it and went silent); the shard resubscribed it, unless
     * rate-limited. A data-quality issue, not a gap: the connection was up and nothing it received was lost.
     */
    public static final String INSTRUMENT_QUIET = "instrument_quiet";
    /**
     * A shard renewed its connection without a hole (DESIGN §17): the connection of {@code previousEpoch} published
     * every frame it received before {@code ts}, the connection of {@code epoch} (already subscribed, its books
     * snapshotted) everything from {@code ts} on. Not a gap: no {@code disconnected} comes before it, and the new epoch
     * that follows it is no restart.
     */
    public static final String HANDOVER = "handover";

    /**
     * The reason of a {@code disconnected} whose shard stopped because its node leaves the cluster while other connector
     * nodes serve (a rolling update, a scale-down): the shard starts again on one of them, and the hole in between is a
     * {@code connection_lost} gap with this reason.
     */
    public static final String REASON_HANDOFF = "handoff";
    /**
     * The reason of a {@code disconnected} whose shard stopped with no other connector node to go to: the whole cluster
     * (or its last connector node) shuts down.
     */
    public static final String REASON_SHUTDOWN = "shutdown";
    /**
     * The reason of a {@code disconnected} whose shard the daily cycle's {@code teardown} stopped (DESIGN §17): the
     * archiver records the hole up to its {@code connected} as a {@code scheduled_teardown} gap, not a lost connection.
     */
    public static final String REASON_SCHEDULED_TEARDOWN = "scheduled_teardown";

    /** The most instruments a {@code publish_failed} lists; {@code instrumentCount} says how many there were. */
    public static final int MAX_INSTRUMENTS = 100;

    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ControlEvent {
        reason = reason == null ? "" : reason;
        instruments = instruments == null ? List.of() : List.copyOf(instruments);
    }

    /** An event that is not a failure range. */
    public ControlEvent(
            String event,
            String feed,
            String shard,
            long epoch,
            long ts,
            String reason,
            List<String> instruments,
            Long since) {
        this(
                event,
                feed,
                shard,
                epoch,
                ts,
                reason,
                instruments,
                since,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /** The {@code connected} of a shard's new connection, run by ssmd {@code version}. */
    public static ControlEvent connected(
            String feed, String shard, long epoch, long ts, List<String> instruments, Long since, String version) {
        return new ControlEvent(
                CONNECTED,
                feed,
                shard,
                epoch,
                ts,
                "",
                instruments,
                since,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                version,
                null);
    }

    /** An event without {@code since}. */
    public static ControlEvent of(
            String event, String feed, String shard, long epoch, long ts, String reason, List<String> instruments) {
        return new ControlEvent(event, feed, shard, epoch, ts, reason, instruments, null);
    }

    /**
     * A {@code publish_failed} that stands for {@code count} messages received from {@code first} to {@code last}
     * (epoch µs), announced at {@code ts}.
     */
    public static ControlEvent publishFailed(
            String feed,
            String shard,
            long epoch,
            long ts,
            String reason,
            List<String> instruments,
            int instrumentCount,
            long first,
            long last,
            long count) {
        return new ControlEvent(
                PUBLISH_FAILED,
                feed,
                shard,
                epoch,
                ts,
                reason,
                instruments,
                null,
                first,
                last,
                count,
                instrumentCount,
                null,
                null,
                null,
                null,
                null);
    }

    /**
     * An {@code instrument_quiet}: {@code instrument}'s {@code channel} sent nothing for {@code quietSeconds} while its
     * siblings streamed, and was {@code resubscribed} or not.
     */
    public static ControlEvent instrumentQuiet(
            String feed,
            String shard,
            long epoch,
            long ts,
            String reason,
            String instrument,
            String channel,
            double quietSeconds,
            boolean resubscribed) {
        return new ControlEvent(
                INSTRUMENT_QUIET,
                feed,
                shard,
                epoch,
                ts,
                reason,
                List.of(instrument),
                null,
                null,
                null,
                null,
                null,
                channel,
                quietSeconds,
                resubscribed,
                null,
                null);
    }

    /**
     * The {@code handover} of a renewed connection: {@code previousEpoch} published what it received before {@code ts},
     * {@code epoch} publishes from {@code ts} on, for these instruments, run by ssmd {@code version}.
     */
    public static ControlEvent handover(
            String feed,
            String shard,
            long previousEpoch,
            long epoch,
            long ts,
            String reason,
            List<String> instruments,
            String version) {
        return new ControlEvent(
                HANDOVER,
                feed,
                shard,
                epoch,
                ts,
                reason,
                instruments,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                version,
                previousEpoch);
    }

    /** When the outage this event ends began, if it ends one. */
    public Optional<Long> sinceMicros() {
        return Optional.ofNullable(since);
    }

    /** The event as the JSON payload it is published with. */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + this, e);
        }
    }

    /** Reads a payload written by {@link #toJson()}; unknown fields are ignored so old readers survive new fields. */
    public static ControlEvent fromJson(byte[] json) {
        try {
            return JSON.readValue(json, ControlEvent.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not a control event: " + e.getMessage(), e);
        }
    }
}
