package io.ssmd.core.shard;

import io.ssmd.core.nats.EpochMicros;
import io.ssmd.core.nats.OutboundMessage;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.nats.Publisher;
import io.ssmd.core.nats.PublisherSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketRequest;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgradeResponse;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * One connection of a shard as a stream (DESIGN §2): venue WebSocket → frame collection with a size cap →
 * inbound-silence watchdog → venue decoder → JetStream publisher. Outbound: the shard's subscribe frames and the
 * decoder's replies through a queue, merged with the keepalive timer.
 *
 * <p>The graph fails, and the shard reconnects, when the venue closes or drops the socket, when the handshake is
 * refused, or when nothing at all arrives for the silence timeout: data, heartbeats and pongs all count as life,
 * a ping we sent proves nothing.
 */
final class ShardGraph {

    /** Outbound frames waiting for the socket: subscribes and resubscribes are few; more means the socket is stuck. */
    private static final int OUTBOUND_QUEUE = 1024;

    private ShardGraph() {}

    /** What a running connection hands back to its shard. */
    record Running(
            BoundedSourceQueue<String> outbound,
            CompletionStage<WebSocketUpgradeResponse> upgrade,
            UniqueKillSwitch killSwitch,
            CompletionStage<Done> done,
            Decoding decoding) {}

    /** The settings of one connection. */
    record Plan(
            VenueConnector connector,
            ShardContext shard,
            long epoch,
            Duration silenceTimeout,
            Optional<Duration> pingInterval,
            int maxFrameBytes,
            PublisherSettings publisher) {}

    /** A frame as collected from the socket. */
    record Frame(byte[] bytes, long receivedMicros, long fullLength) {
        boolean truncated() {
            return fullLength > bytes.length;
        }
    }

    /** Starts the connection; its stream runs until the venue ends it, the watchdog fires or the kill switch. */
    static Running run(ActorSystem<?> system, Plan plan, ShardRuntime runtime, ShardStats stats, ShardEvents events) {
        Materializer materializer = Materializer.matFromSystem(system);
        ConnectTarget target = plan.connector().target();
        WebSocketRequest request = WebSocketRequest.create(target.uri().toString());
        for (var header : target.headers().entrySet()) {
            request = request.addHeader(RawHeader.create(header.getKey(), header.getValue()));
        }
        // The watchdog decides when a quiet socket is dead; Pekko's idle-timeout (60 s) must not do it first.
        ClientConnectionSettings settings = ClientConnectionSettings.create(system.classicSystem())
                .withIdleTimeout(plan.silenceTimeout().multipliedBy(4));
        ConnectionContext tls = target.uri().getScheme().equalsIgnoreCase("wss")
                ? Http.get(system).defaultClientHttpsContext()
                : ConnectionContext.noEncryption();
        Flow<Message, Message, CompletionStage<WebSocketUpgradeResponse>> socket = Http.get(system)
                .webSocketClientFlow(
                        request,
                        tls,
                        Optional.empty(),
                        settings,
                        system.classicSystem().log());

        Source<String, BoundedSourceQueue<String>> outbound = Source.queue(OUTBOUND_QUEUE);
        if (plan.pingInterval().isPresent() && plan.connector().keepalive().isPresent()) {
            String ping = plan.connector().keepalive().get();
            outbound = outbound.merge(
                    Source.tick(plan.pingInterval().get(), plan.pingInterval().get(), ping));
        }
        Decoding decoding = new Decoding(plan, stats, events);
        Pair<
                        Pair<
                                Pair<BoundedSourceQueue<String>, CompletionStage<WebSocketUpgradeResponse>>,
                                UniqueKillSwitch>,
                        CompletionStage<Done>>
                materialized = outbound.map(text -> (Message) TextMessage.create(text))
                        .viaMat(socket, Keep.both())
                        .viaMat(KillSwitches.single(), Keep.both())
                        .idleTimeout(plan.silenceTimeout())
                        .mapError(
                                TimeoutException.class,
                                e -> new TimeoutException("no inbound traffic for "
                                        + plan.silenceTimeout().toMillis() + " ms (watchdog)"))
                        .flatMapConcat(message -> collect(message, plan.maxFrameBytes()))
                        .mapConcat(decoding::decode)
                        .via(Publisher.flow(
                                runtime.jetStream(), plan.publisher(), runtime.metrics(), runtime.control()))
                        .toMat(Sink.foreach(outcomeSink(runtime.outcomes())), Keep.both())
                        .run(materializer);
        BoundedSourceQueue<String> queue = materialized.first().first().first();
        decoding.replyTo(queue);
        return new Running(
                queue,
                materialized.first().first().second(),
                materialized.first().second(),
                materialized.second(),
                decoding);
    }

    private static org.apache.pekko.japi.function.Procedure<PublishOutcome> outcomeSink(
            Consumer<PublishOutcome> outcomes) {
        return outcomes::accept;
    }

    /**
     * A message's bytes, whether it arrived whole or streamed (DESIGN §11: never handle {@code Strict} only), up to
     * {@code cap} bytes; the rest of an oversized message is read and counted, not kept. A streamed message is
     * folded inside the connection's own graph (flatMapConcat), not in a stream of its own: materializing one per
     * message cost more than everything else a frame goes through.
     */
    static Source<Frame, ?> collect(Message message, int cap) {
        long received = EpochMicros.now();
        if (message.isText()) {
            TextMessage text = message.asTextMessage();
            if (text.isStrict()) {
                return Source.single(capped(text.getStrictText().getBytes(StandardCharsets.UTF_8), cap, received));
            }
            return text.getStreamedText()
                    .map(chunk -> ByteString.fromString(chunk, StandardCharsets.UTF_8))
                    .fold(new Collector(cap), Collector::add)
                    .map(c -> c.frame(received));
        }
        return message.asBinaryMessage()
                .getStreamedData()
                .fold(new Collector(cap), Collector::add)
                .map(c -> c.frame(received));
    }

    private static Frame capped(byte[] bytes, int cap, long received) {
        if (bytes.length <= cap) {
            return new Frame(bytes, received, bytes.length);
        }
        byte[] kept = new byte[cap];
        System.arraycopy(bytes, 0, kept, 0, cap);
        return new Frame(kept, received, bytes.length);
    }

    /** Accumulates a streamed message up to the cap, counting the rest. */
    private static final class Collector {
        private final int cap;
        private ByteString kept = ByteString.emptyByteString();
        private long length;

        Collector(int cap) {
            this.cap = cap;
        }

        Collector add(ByteString chunk) {
            length += chunk.size();
            if (kept.size() < cap) {
                kept = kept.concat(chunk.take(cap - kept.size()));
            }
            return this;
        }

        Frame frame(long received) {
            return new Frame(kept.toArray(), received, length);
        }
    }

    /** Runs the venue decoder on each frame and turns its verdict into messages to publish and side effects. */
    static final class Decoding {
        private final Plan plan;
        private final ShardStats stats;
        private final FrameDecoder decoder;
        private final ShardEvents events;
        private volatile BoundedSourceQueue<String> replies;
        private long frames;

        Decoding(Plan plan, ShardStats stats, ShardEvents events) {
            this.plan = plan;
            this.stats = stats;
            this.decoder = plan.connector().decoder(plan.shard());
            this.events = events;
        }

        void replyTo(BoundedSourceQueue<String> queue) {
            this.replies = queue;
        }

        /**
         * The frames that change this connection's instruments in place: the decoder's own (it knows the
         * subscriptions), else the connector's; empty when neither can, and the shard reconnects instead.
         */
        Optional<List<String>> change(List<String> added, List<String> removed) {
            Optional<List<String>> own = decoder.change(added, removed);
            if (own.isPresent()) {
                return own;
            }
            VenueConnector connector = plan.connector();
            if (!connector.changesLive()) {
                return Optional.empty();
            }
            List<String> frames = new ArrayList<>();
            if (!removed.isEmpty()) {
                frames.addAll(connector.removeLive(removed));
            }
            if (!added.isEmpty()) {
                frames.addAll(connector.addLive(added));
            }
            return Optional.of(frames);
        }

        List<OutboundMessage> decode(Frame frame) {
            long number = ++frames;
            if (frame.truncated()) {
                stats.inbound("oversized");
                events.parseError("frame of " + frame.fullLength() + " bytes exceeds limits.max-frame-bytes "
                        + plan.maxFrameBytes() + "; its first " + frame.bytes().length + " bytes go to "
                        + plan.shard().unparsed());
                return List.of(outbound(plan.shard().unparsed(), frame.bytes(), number, 0, frame));
            }
            Decoded decoded;
            try {
                decoded = decoder.decode(frame.bytes());
            } catch (RuntimeException e) {
                // A decoder must not throw; if one does, the frame is still kept, and the connection goes on.
                decoded = Decoded.unparsed("decoder failed: " + e);
            }
            stats.inbound(decoded.type());
            if (decoded.kind() == Decoded.Kind.DATA) {
                stats.data();
            }
            events.counted(decoded.type());
            BoundedSourceQueue<String> queue = replies;
            for (String reply : decoded.replies()) {
                if (queue != null) {
                    queue.offer(reply);
                }
            }
            decoded.resyncs().forEach(events::resync);
            decoded.rejections().forEach(r -> {
                stats.rejected(r.instrument(), r.reason());
                events.rejected(r);
            });
            return switch (decoded.kind()) {
                case HEARTBEAT, PONG -> List.of();
                case UNPARSED -> {
                    events.parseError(decoded.reason());
                    yield List.of(outbound(plan.shard().unparsed(), frame.bytes(), number, 0, frame));
                }
                case DATA, SYSTEM -> {
                    List<OutboundMessage> out =
                            new ArrayList<>(decoded.messages().size());
                    for (Decoded.Routed routed : decoded.messages()) {
                        out.add(outbound(routed.subject(), routed.payload(), number, routed.element(), frame));
                    }
                    yield out;
                }
            };
        }

        private OutboundMessage outbound(String subject, byte[] payload, long frameNumber, int element, Frame frame) {
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
}
