package io.ssmd.core.shard;

import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.nats.Publisher;
import io.ssmd.core.nats.PublisherSettings;
import io.ssmd.core.ws.WebSocketClient;
import io.ssmd.core.ws.WebSocketClientChoice;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
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

/**
 * One connection of a shard as a stream (DESIGN §2): venue WebSocket → frame collection with a size cap →
 * inbound-silence watchdog → venue decoder → JetStream publisher. Outbound: the shard's subscribe frames and the
 * decoder's replies through a queue, merged with the keepalive timer.
 *
 * <p>Instrument changes of the open connection come in through a control inlet merged in before the decoder, so the
 * decoder hears of them between two frames, from the one stage that decodes: it is never called from two threads.
 *
 * <p>The graph fails, and the shard reconnects, when the venue closes or drops the socket, when the handshake is
 * refused, or when nothing at all arrives for the silence timeout: data, heartbeats and pongs all count as life,
 * a ping we sent proves nothing. Time in which the publish window is full does not count: the socket is not read
 * then ({@link SilenceWatchdog}, {@link ShardBackpressure}).
 */
final class ShardGraph {

    /** Outbound frames waiting for the socket: subscribes and resubscribes are few; more means the socket is stuck. */
    private static final int OUTBOUND_QUEUE = 1024;

    /** Instrument changes waiting for the decoder: they come at discovery's pace; more means the stream is stuck. */
    private static final int CHANGE_QUEUE = 64;

    private ShardGraph() {}

    /**
     * What a running connection hands back to its shard.
     *
     * @param changes     the control inlet: instrument changes for the decoder, taken between two frames
     * @param changesLive whether this connection can change its instruments at all (its connector's
     *                    {@code addLive} or its decoder's own frames); when not, the shard reconnects instead
     * @param backpressure whether the publish window is full, so the socket is not read
     */
    record Running(
            BoundedSourceQueue<String> outbound,
            BoundedSourceQueue<Change> changes,
            CompletionStage<WebSocketUpgradeResponse> upgrade,
            UniqueKillSwitch killSwitch,
            CompletionStage<Done> done,
            boolean changesLive,
            ShardBackpressure backpressure) {}

    /** What the decoding stage takes in: frames from the socket, changes from the shard, liveness checks. */
    sealed interface Inbound permits Frame, Change, LivenessCheck {}

    /** Time to look for quiet instruments ({@link InstrumentLiveness}), in the stage that sees every frame. */
    enum LivenessCheck implements Inbound {
        INSTANCE
    }

    /** Instruments added to and removed from the open connection, and the shard's context after the change. */
    record Change(ShardInstruments.Diff diff, ShardContext after) implements Inbound {}

    /**
     * What became of a change the stream took, told to the shard: {@code made} when its frames are queued for the
     * venue, not made when the decoder cannot change its subscriptions yet and the shard must reconnect.
     */
    record ChangeTaken(Change change, boolean made) {}

    /** The stream's handles, from the materialized values of its sources. */
    private record Handles(
            BoundedSourceQueue<String> outbound,
            CompletionStage<WebSocketUpgradeResponse> upgrade,
            UniqueKillSwitch killSwitch,
            BoundedSourceQueue<Change> changes) {}

    /** The settings of one connection. */
    record Plan(
            VenueConnector connector,
            ShardContext shard,
            long epoch,
            Duration silenceTimeout,
            Optional<Duration> pingInterval,
            int maxFrameBytes,
            PublisherSettings publisher,
            io.ssmd.core.config.FeedDefinition.Liveness liveness,
            ResubscribeBudget resubscribes,
            PublishGate gate) {}

    /** A frame as collected from the socket. */
    record Frame(byte[] bytes, long receivedMicros, long fullLength) implements Inbound {
        boolean truncated() {
            return fullLength > bytes.length;
        }
    }

    /**
     * Starts the connection; its stream runs until the venue ends it, the watchdog fires or the kill switch.
     *
     * @param taken hears what became of each {@link Change} offered to {@link Running#changes()}
     */
    static Running run(
            ActorSystem<?> system,
            Plan plan,
            ShardRuntime runtime,
            ShardStats stats,
            ShardEvents events,
            Consumer<ChangeTaken> taken) {
        Materializer materializer = Materializer.matFromSystem(system);
        int cap = frameCap(
                plan.maxFrameBytes(), runtime.maxPayload(), plan.shard().shard());
        ShardBackpressure backpressure = new ShardBackpressure(runtime.backpressureGapAfter(), events);
        Flow<String, Frame, CompletionStage<WebSocketUpgradeResponse>> socket =
                socket(system, plan.connector().target(), cap, plan.silenceTimeout(), backpressure);

        Source<String, BoundedSourceQueue<String>> outbound = Source.queue(OUTBOUND_QUEUE);
        if (plan.pingInterval().isPresent() && plan.connector().keepalive().isPresent()) {
            String ping = plan.connector().keepalive().get();
            outbound = outbound.merge(
                    Source.tick(plan.pingInterval().get(), plan.pingInterval().get(), ping));
        }
        BookSnapshots snapshots = bookSnapshots(system, plan, runtime);
        ShardDecoding decoding = new ShardDecoding(
                plan,
                cap,
                stats,
                events,
                runtime.metrics()
                        .framesTruncated()
                        .labelValues(plan.shard().feed(), plan.shard().shard()),
                taken,
                snapshots,
                backpressure);
        // The inlet is preferred, so a change waits for the frame being decoded but not for a backlog of them, and
        // completes eagerly: the connection ends when its socket does. Liveness checks come in the same way; a tick
        // while the stage is backpressured is dropped, and the next one looks.
        Source<Inbound, BoundedSourceQueue<Change>> changes =
                Source.<Change>queue(CHANGE_QUEUE).map(change -> (Inbound) change);
        java.util.Optional<Duration> checkEvery = decoding.livenessCheckEvery();
        if (checkEvery.isPresent()) {
            changes = changes.merge(Source.tick(checkEvery.get(), checkEvery.get(), (Inbound) LivenessCheck.INSTANCE));
        }
        Pair<Handles, CompletionStage<Done>> materialized = outbound.viaMat(socket, Keep.both())
                .viaMat(KillSwitches.single(), Keep.both())
                .<Inbound>map(frame -> frame)
                .mergePreferredMat(changes, true, true, Keep.both())
                .mapMaterializedValue(m -> new Handles(
                        m.first().first().first(),
                        m.first().first().second(),
                        m.first().second(),
                        m.second()))
                .mapConcat(decoding::take)
                .via(Publisher.batches(
                        runtime.jetStream(),
                        plan.publisher(),
                        runtime.metrics(),
                        runtime.control(),
                        backpressure,
                        runtime.failureRanges(),
                        runtime.publishBudget()))
                .toMat(Sink.foreach(outcomeSink(snapshots, runtime.outcomes())), Keep.both())
                .run(materializer);
        Handles handles = materialized.first();
        materialized.second().whenComplete((done, error) -> snapshots.stop());
        decoding.replyTo(handles.outbound());
        return new Running(
                handles.outbound(),
                handles.changes(),
                handles.upgrade(),
                handles.killSwitch(),
                materialized.second(),
                decoding.changesLive(),
                backpressure);
    }

    /**
     * The venue socket as frames, with the inbound-silence watchdog on it: ssmd's own client ({@link WebSocketClient},
     * bytes straight from TCP/TLS) or Pekko HTTP's ({@link FrameCollector} after it), as
     * {@code ssmd.shard.websocket-client} says. Both materialize the handshake's outcome as Pekko HTTP's
     * {@link WebSocketUpgradeResponse}, which is what the shard waits for.
     */
    private static Flow<String, Frame, CompletionStage<WebSocketUpgradeResponse>> socket(
            ActorSystem<?> system, ConnectTarget target, int cap, Duration silence, ShardBackpressure backpressure) {
        if (WebSocketClientChoice.get(system).client() == WebSocketClientChoice.Client.SSMD) {
            return WebSocketClient.flow(system, target.uri(), target.headers(), cap, Frame::new)
                    .via(new SilenceWatchdog<>(silence, backpressure));
        }
        WebSocketRequest request = WebSocketRequest.create(target.uri().toString());
        for (var header : target.headers().entrySet()) {
            request = request.addHeader(RawHeader.create(header.getKey(), header.getValue()));
        }
        // The watchdog decides when a quiet socket is dead; Pekko's idle-timeout (60 s) must not do it first, nor close
        // a socket that is quiet only because the publish window is full and the socket is not read (the watchdog
        // waits then: the shard keeps its socket until NATS takes messages again).
        ClientConnectionSettings settings = ClientConnectionSettings.create(system.classicSystem())
                .withIdleTimeout(scala.concurrent.duration.Duration.Inf());
        ConnectionContext tls = target.uri().getScheme().equalsIgnoreCase("wss")
                ? Http.get(system).defaultClientHttpsContext()
                : ConnectionContext.noEncryption();
        Flow<Message, Message, CompletionStage<WebSocketUpgradeResponse>> pekko = Http.get(system)
                .webSocketClientFlow(
                        request,
                        tls,
                        Optional.empty(),
                        settings,
                        system.classicSystem().log());
        return Flow.of(String.class)
                .map(text -> (Message) TextMessage.create(text))
                .viaMat(pekko, Keep.right())
                .via(new SilenceWatchdog<>(silence, backpressure))
                .via(new FrameCollector(cap));
    }

    /**
     * The largest frame a connection publishes whole: the feed's {@code limits.max-frame-bytes}, and no more than the
     * NATS server's {@code max_payload} leaves once ssmd's headers are counted (NATS counts them toward it). A larger
     * frame goes to the unparsed subject cut to this size, with its full size in a header (DESIGN §4).
     */
    static int frameCap(int maxFrameBytes, long maxPayload, String shard) {
        long room = maxPayload - PublishHeaders.reserve(shard);
        return (int) Math.max(1, Math.min(maxFrameBytes, room));
    }

    /** Each outcome of a batch, in input order: the book snapshots rely on it. */
    private static org.apache.pekko.japi.function.Procedure<List<PublishOutcome>> outcomeSink(
            BookSnapshots snapshots, Consumer<PublishOutcome> outcomes) {
        return batch -> {
            for (int i = 0; i < batch.size(); i++) {
                PublishOutcome outcome = batch.get(i);
                snapshots.outcome(outcome);
                outcomes.accept(outcome);
            }
        };
    }

    /**
     * The connection's ssmd book snapshots: ticked by a timer every {@code book-snapshot-interval} while the connection
     * runs, published straight to JetStream (apart from the venue messages: their order in the stream does not matter,
     * their sequence is in the payload). A snapshot that cannot be stored is only logged: the next one replaces it.
     */
    private static BookSnapshots bookSnapshots(ActorSystem<?> system, Plan plan, ShardRuntime runtime) {
        Duration interval = runtime.bookSnapshotInterval();
        if (interval.isZero()) {
            return BookSnapshots.off();
        }
        ShardContext shard = plan.shard();
        String received = PublishHeaders.RECEIVED_AT;
        BookSnapshots[] self = new BookSnapshots[1];
        self[0] = new BookSnapshots(shard.env(), shard.feed(), snapshot -> {
            io.nats.client.impl.Headers headers = new io.nats.client.impl.Headers()
                    .put(
                            PublishHeaders.MSG_ID,
                            shard.shard() + ':' + plan.epoch() + ":book:" + snapshot.seq() + ':'
                                    + snapshot.instrument())
                    .put(received, Long.toString(snapshot.ts()))
                    .put(PublishHeaders.SHARD, shard.shard());
            String subject = self[0].subject(snapshot);
            try {
                runtime.jetStream()
                        .publishAsync(subject, headers, snapshot.toJson())
                        .whenComplete((ack, error) -> {
                            if (error != null) {
                                SNAPSHOT_LOG.debug(
                                        "ssmd book snapshot on {} not stored: {}", subject, error.toString());
                            }
                        });
            } catch (RuntimeException e) {
                SNAPSHOT_LOG.debug("ssmd book snapshot on {} not sent: {}", subject, e.toString());
            }
        });
        org.apache.pekko.actor.Cancellable timer =
                system.scheduler().scheduleAtFixedRate(interval, interval, self[0]::tick, system.executionContext());
        self[0].stopWith(timer);
        return self[0];
    }

    private static final org.slf4j.Logger SNAPSHOT_LOG = org.slf4j.LoggerFactory.getLogger(BookSnapshots.class);
}
