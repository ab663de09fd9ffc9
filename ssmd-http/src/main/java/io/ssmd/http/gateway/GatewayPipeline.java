package io.ssmd.http.gateway;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.StreamState;
import io.nats.client.impl.Headers;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.OrderedStreamSource;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.subject.ParsedSubject;
import io.ssmd.core.subject.Subjects;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the gateway from NATS: one JetStream ordered consumer per feed stream ({@link OrderedStreamSource}, the
 * archive's too), from the stream's first message, so every message is normalized once and in stream order. Feeds
 * run side by side; {@link GatewayCore}'s lock orders them.
 *
 * <p>Why replay from the start: a venue sends a book's snapshot once per subscription and deltas after it, so a book
 * can only be rebuilt from the last snapshot on; the stream start is the one point known to precede it (ssmd's own
 * periodic book snapshots, DESIGN §7, will let the gateway start later). Messages up to the stream's last sequence at
 * start only build state (books, tickers, recent trades); the ones after it also reach clients. The same consumer
 * carries on live, so there is no hand-over between a replay and a live subscription to get wrong; if it fails, it
 * is rebuilt from the message after the last one handled.
 */
public final class GatewayPipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayPipeline.class);

    /**
     * The archive's consumer defaults (ssmd-archive's reference.conf), with a larger batch: the gateway replays whole
     * streams at start. Polls block, so they run on Pekko's blocking I/O dispatcher.
     */
    private static final OrderedStreamSource.Settings CONSUMER = new OrderedStreamSource.Settings(
            1000,
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            RestartSettings.create(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2),
            "pekko.actor.default-blocking-io-dispatcher");

    private final Connection nats;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<UniqueKillSwitch> consumers = new ArrayList<>();
    private final List<CompletableFuture<Void>> warmUps = new ArrayList<>();
    private final Map<String, AtomicLong> positions = new ConcurrentHashMap<>();

    private GatewayPipeline(Connection nats) {
        this.nats = nats;
    }

    /**
     * Starts consuming every feed's stream into {@code core}.
     *
     * @throws IllegalStateException naming the stream that cannot be read
     */
    public static GatewayPipeline start(ActorSystem<?> system, Connection nats, String env, GatewayCore core) {
        GatewayPipeline pipeline = new GatewayPipeline(nats);
        try {
            for (String feed : core.feedNames()) {
                pipeline.consume(system, env, feed, core);
            }
            return pipeline;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            pipeline.close();
            throw new IllegalStateException("the gateway cannot read the feed streams: " + e.getMessage(), e);
        }
    }

    /** Completes once every stream's history up to its last sequence at start has been applied. */
    public CompletableFuture<Void> warmedUp() {
        return CompletableFuture.allOf(warmUps.toArray(CompletableFuture[]::new));
    }

    private void consume(ActorSystem<?> system, String env, String feed, GatewayCore core)
            throws IOException, JetStreamApiException {
        String stream = Subjects.streamName(env, feed);
        StreamState state = nats.jetStreamManagement().getStreamInfo(stream).getStreamState();
        long warmUpTo = state.getLastSequence();
        CompletableFuture<Void> warmedUp = new CompletableFuture<>();
        warmUps.add(warmedUp);
        if (state.getMsgCount() == 0) {
            warmedUp.complete(null);
        }
        SubjectRouter router = new SubjectRouter(env, feed, core);
        AtomicLong position = new AtomicLong();
        positions.put(feed, position);
        consumers.add(OrderedStreamSource.create(
                        nats, stream, () -> position.get() + 1, () -> lastSeq(stream), stopped::get, CONSUMER)
                .viaMat(KillSwitches.single(), Keep.right())
                .to(Sink.foreach(next -> next.ifPresent(message -> {
                    long seq = message.metaData().streamSequence();
                    try {
                        router.route(message, seq, seq > warmUpTo);
                    } catch (RuntimeException e) {
                        log.warn(
                                "gateway: message {} of {} on {} not applied: {}",
                                seq,
                                stream,
                                message.getSubject(),
                                e.toString());
                    }
                    position.set(seq);
                    if (seq >= warmUpTo && !warmedUp.isDone()) {
                        log.info("gateway: {} warmed up to sequence {}", stream, warmUpTo);
                        warmedUp.complete(null);
                    }
                })))
                .run(system));
        log.info("gateway: consuming {} from its start ({} messages of history)", stream, warmUpTo);
    }

    private OptionalLong lastSeq(String stream) {
        try {
            return OptionalLong.of(nats.jetStreamManagement()
                    .getStreamInfo(stream)
                    .getStreamState()
                    .getLastSequence());
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The stream sequence of the feed's last message handled, 0 before the first. */
    public long position(String feed) {
        AtomicLong position = positions.get(feed);
        return position == null ? 0 : position.get();
    }

    @Override
    public void close() {
        stopped.set(true);
        consumers.forEach(UniqueKillSwitch::shutdown);
    }

    /** Reads a feed's subjects (DESIGN §4) and hands each message to the core. */
    private record SubjectRouter(String env, String feed, GatewayCore core) {

        void route(Message message, long seq, boolean live) {
            ParsedSubject subject = ParsedSubject.parse(message.getSubject());
            switch (subject.kind()) {
                case MARKET_DATA -> {
                    Headers headers = message.getHeaders();
                    core.onMarketData(
                            feed,
                            subject.type(),
                            subject.token(),
                            PublishHeaders.shard(headers).orElse(null),
                            message.getData(),
                            PublishHeaders.receivedAt(headers).orElse(0),
                            seq,
                            live);
                }
                case CONTROL -> core.onControl(ControlEvent.fromJson(message.getData()), live);
                // System and unparsed frames carry nothing for clients; ssmd book snapshots are not needed while
                // the pipeline replays the stream from its start.
                default -> {}
            }
        }
    }
}
