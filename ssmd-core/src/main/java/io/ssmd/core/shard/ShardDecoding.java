package io.ssmd.core.shard;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.ssmd.core.nats.OutboundMessage;
import io.ssmd.core.nats.PublishHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * Runs the venue decoder on each frame and turns its verdict into messages to publish and side effects; takes
 * the connection's instrument changes in the same stage, so the decoder is only ever called from here.
 */
final class ShardDecoding {
    /**
     * At most one lag observation per this long per connection: the venue clock scans the frame's bytes, and a sample
     * describes the lag as well as every frame would.
     */
    private static final long LAG_SAMPLE_NANOS = 10_000_000L;

    private final ShardGraph.Plan plan;
    private final int cap;
    private final ShardStats stats;
    private final FrameDecoder decoder;
    private final ShardEvents events;
    private final CounterDataPoint truncated;
    private final Consumer<ShardGraph.ChangeTaken> taken;
    private final boolean decoderChangesLive;
    private final BookSnapshots snapshots;
    private final ShardBackpressure backpressure;
    /** Null when the feed watches no instrument's liveness. */
    private final InstrumentLiveness liveness;

    private final VenueClock venueClock;
    private long nextLagSample = System.nanoTime();

    private volatile BoundedSourceQueue<String> replies;
    private long frames;
    private boolean refused;
    /** The last frame's verdict, for the publish gate. */
    private Decoded lastDecoded = TRUNCATED;

    private static final Decoded TRUNCATED = Decoded.unparsed("truncated");

    ShardDecoding(
            ShardGraph.Plan plan,
            int cap,
            ShardStats stats,
            ShardEvents events,
            CounterDataPoint truncated,
            Consumer<ShardGraph.ChangeTaken> taken,
            BookSnapshots snapshots,
            ShardBackpressure backpressure) {
        this.plan = plan;
        this.cap = cap;
        this.stats = stats;
        this.decoder = plan.connector().decoder(plan.shard());
        this.events = events;
        this.truncated = truncated;
        this.taken = taken;
        this.decoderChangesLive = decoder.changesLive();
        this.snapshots = snapshots;
        this.backpressure = backpressure;
        this.venueClock = plan.connector().venueClock();
        this.liveness = plan.liveness() == null
                ? null
                : InstrumentLiveness.of(plan.liveness(), plan.connector(), plan.shard(), System.nanoTime());
    }

    /** How often this connection looks for quiet instruments; empty when it watches none. */
    Optional<java.time.Duration> livenessCheckEvery() {
        return liveness == null ? Optional.empty() : Optional.of(SilenceWatchdog.checkEvery(liveness.shortestQuiet()));
    }

    void replyTo(BoundedSourceQueue<String> queue) {
        this.replies = queue;
    }

    /** Whether this connection changes instruments in place: by the decoder's own frames or the connector's. */
    boolean changesLive() {
        return decoderChangesLive || plan.connector().changesLive();
    }

    List<OutboundMessage> take(ShardGraph.Inbound inbound) {
        if (inbound instanceof ShardGraph.Frame frame) {
            return decode(frame);
        }
        if (inbound == ShardGraph.LivenessCheck.INSTANCE) {
            checkLiveness();
            return List.of();
        }
        change((ShardGraph.Change) inbound);
        return List.of();
    }

    /**
     * Reports each instrument found quiet and resubscribes it on this connection, when the venue can and the shard's
     * {@link ResubscribeBudget} allows. Nothing while the publish window is full: the socket is not read then.
     */
    private void checkLiveness() {
        if (liveness == null || backpressure.backpressured()) {
            return;
        }
        long now = System.nanoTime();
        for (InstrumentLiveness.Quiet quiet : liveness.check(now, backpressure.drainedNanos())) {
            List<String> frames = plan.connector().resubscribe(quiet.channel(), List.of(quiet.instrument()));
            Optional<String> refusal = frames.isEmpty()
                    ? Optional.of("the " + plan.connector().venue() + " connector cannot resubscribe on an open"
                            + " connection")
                    : plan.resubscribes().take(quiet.instrument(), quiet.channel(), now);
            if (refusal.isEmpty()) {
                offerAll(frames, "a resubscribe");
            }
            events.instrumentQuiet(quiet, refusal);
        }
    }

    private void offerAll(List<String> frames, String what) {
        for (String frame : frames) {
            if (replies.offer(frame) != QueueOfferResult.enqueued()) {
                // The socket has not taken frames for a long while: a subscribe must not be lost silently, so
                // the connection restarts, and the new one subscribes everything anew.
                throw new IllegalStateException(
                        "outbound queue full or closed: could not send " + what + " to the venue; reconnecting");
            }
        }
    }

    /**
     * Makes a change on the open connection: the decoder hears of it and answers with its own frames (it knows
     * the subscriptions), else the connector's go out. A decoder that makes its own but cannot yet refuses the
     * change, and the shard reconnects; later changes wait for that new connection, which subscribes its list.
     */
    private void change(ShardGraph.Change change) {
        if (refused) {
            return;
        }
        List<String> added = change.diff().added();
        List<String> removed = change.diff().removed();
        decoder.context(change.after());
        snapshots.forget(removed);
        if (added.isEmpty() && removed.isEmpty()) {
            // Only the attributes changed (a category the decoder routes by): nothing to send the venue.
            taken.accept(new ShardGraph.ChangeTaken(change, true));
            return;
        }
        Optional<List<String>> own = decoder.change(added, removed);
        if (own.isEmpty() && decoderChangesLive) {
            refused = true;
            taken.accept(new ShardGraph.ChangeTaken(change, false));
            return;
        }
        List<String> frames = own.orElseGet(() -> connectorFrames(added, removed));
        offerAll(frames, "a frame");
        if (liveness != null) {
            liveness.instruments(change.after(), System.nanoTime());
        }
        taken.accept(new ShardGraph.ChangeTaken(change, true));
    }

    private List<String> connectorFrames(List<String> added, List<String> removed) {
        VenueConnector connector = plan.connector();
        List<String> frames = new ArrayList<>();
        if (!removed.isEmpty()) {
            frames.addAll(connector.removeLive(removed));
        }
        if (!added.isEmpty()) {
            frames.addAll(connector.addLive(added));
        }
        return frames;
    }

    private List<OutboundMessage> decode(ShardGraph.Frame frame) {
        PublishGate gate = plan.gate();
        if (gate.retired(frame.receivedMicros())) {
            // Received after the shard switched to its renewed connection: that one publishes it.
            return List.of();
        }
        List<OutboundMessage> out = decodeFrame(frame);
        List<OutboundMessage> passed = gate.pass(out, lastDecoded, decoder, frame.receivedMicros());
        if (lastDecoded.kind() == Decoded.Kind.DATA || lastDecoded.kind() == Decoded.Kind.SYSTEM) {
            // After the gate: a copy's marker must be a message that is published.
            snapshots.afterFrame(decoder, lastDecoded, passed, frame.receivedMicros());
        }
        return passed;
    }

    private List<OutboundMessage> decodeFrame(ShardGraph.Frame frame) {
        long number = ++frames;
        if (frame.truncated()) {
            lastDecoded = TRUNCATED;
            stats.inbound("oversized");
            truncated.inc();
            events.parseError("frame of " + frame.fullLength() + " bytes exceeds the largest publishable frame, "
                    + cap + " bytes (limits.max-frame-bytes " + plan.maxFrameBytes()
                    + ", or the NATS server's max_payload less headers); its first " + frame.bytes().length
                    + " bytes go to " + plan.shard().unparsed() + " with its size in "
                    + PublishHeaders.FRAME_SIZE);
            return List.of(new OutboundMessage(
                    plan.shard().unparsed(),
                    frame.bytes(),
                    plan.shard().feed(),
                    plan.shard().shard(),
                    plan.epoch(),
                    number,
                    0,
                    frame.receivedMicros(),
                    frame.fullLength()));
        }
        Decoded decoded;
        try {
            decoded = decoder.decode(frame.bytes());
        } catch (RuntimeException e) {
            // A decoder must not throw; if one does, the frame is still kept, and the connection goes on.
            decoded = Decoded.unparsed("decoder failed: " + e);
        }
        lastDecoded = decoded;
        stats.inbound(decoded.type());
        if (decoded.kind() == Decoded.Kind.DATA) {
            stats.data();
            sampleLag(frame);
            if (liveness != null) {
                long now = System.nanoTime();
                for (int i = 0; i < decoded.messages().size(); i++) {
                    liveness.seen(decoded.messages().get(i).subject(), now);
                }
            }
        }
        events.counted(decoded.type());
        BoundedSourceQueue<String> queue = replies;
        for (String reply : decoded.replies()) {
            if (queue != null && queue.offer(reply) != QueueOfferResult.enqueued()) {
                // A reply is how the decoder repairs the subscription (a resubscribe after a bad book): dropped,
                // the instrument would stay broken on this connection. A new connection subscribes everything
                // anew, and its disconnect marks the gap.
                throw new IllegalStateException("outbound queue full or closed: could not send the decoder's reply"
                        + " to the venue; reconnecting");
            }
        }
        if (plan.gate().holding()) {
            // A renewal's new connection publishes nothing yet: its broken book is only a wait for a fresh snapshot.
            decoded.resyncs().forEach(events::resyncBeforeSwitch);
        } else {
            decoded.resyncs().forEach(events::resync);
        }
        decoded.rejections().forEach(r -> {
            stats.rejected(r.instrument(), r.reason());
            events.rejected(r);
            if (liveness != null) {
                liveness.refused(r.instrument());
            }
        });
        return switch (decoded.kind()) {
            case HEARTBEAT, PONG -> List.of();
            case UNPARSED -> {
                events.parseError(decoded.reason());
                yield List.of(outbound(plan.shard().unparsed(), frame.bytes(), number, 0, frame));
            }
            case DATA, SYSTEM -> {
                List<OutboundMessage> out = new ArrayList<>(decoded.messages().size());
                for (Decoded.Routed routed : decoded.messages()) {
                    out.add(outbound(routed.subject(), routed.payload(), number, routed.element(), frame));
                }
                yield out;
            }
        };
    }

    private void sampleLag(ShardGraph.Frame frame) {
        if (venueClock == VenueClock.NONE) {
            return;
        }
        long now = System.nanoTime();
        if (now - nextLagSample < 0) {
            return;
        }
        long venueMicros = venueClock.venueMicros(frame.bytes());
        if (venueMicros != 0) {
            nextLagSample = now + LAG_SAMPLE_NANOS;
            events.lag(frame.receivedMicros() - venueMicros);
        }
    }

    private OutboundMessage outbound(
            String subject, byte[] payload, long frameNumber, int element, ShardGraph.Frame frame) {
        return new OutboundMessage(
                subject,
                payload,
                plan.shard().feed(),
                plan.shard().shard(),
                plan.epoch(),
                frameNumber,
                element,
                frame.receivedMicros());
    }
}
