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
    private final Map<String, Long> starts = new ConcurrentHashMap<>();

    private GatewayPipeline(Connection nats) {
        this.nats = nats;
    }

    /**
     * Starts consuming every feed's stream into {@code core}.
     *
     * @throws IllegalStateException naming the stream that cannot be read
     */
    public static GatewayPipeline start(ActorSystem<?> system, Connection nats, String env, GatewayCore core) {
        return start(system, nats, env, core, true);
    }

    /**
     * Starts consuming every feed's stream into {@code core}.
     *
     * @param fromSnapshots whether to start from the latest ssmd book snapshots ({@link BookStart}) rather than replay
     *                      every stream from its first message
     * @throws IllegalStateException naming the stream that cannot be read
     */
    public static GatewayPipeline start(
            ActorSystem<?> system, Connection nats, String env, GatewayCore core, boolean fromSnapshots) {
        GatewayPipeline pipeline = new GatewayPipeline(nats);
        try {
            for (String feed : core.feedNames()) {
                pipeline.consume(system, env, feed, core, fromSnapshots);
            }
            return pipeline;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pipeline.close();
            throw new IllegalStateException("the gateway was interrupted while reading the book snapshots", e);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            pipeline.close();
            throw new IllegalStateException("the gateway cannot read the feed streams: " + e.getMessage(), e);
        }
    }

    /** Completes once every stream's history up to its last sequence at start has been applied. */
    public CompletableFuture<Void> warmedUp() {
        return CompletableFuture.allOf(warmUps.toArray(CompletableFuture[]::new));
    }

    private void consume(ActorSystem<?> system, String env, String feed, GatewayCore core, boolean fromSnapshots)
            throws IOException, JetStreamApiException, InterruptedException {
        String stream = Subjects.streamName(env, feed);
        StreamState state = nats.jetStreamManagement().getStreamInfo(stream).getStreamState();
        long warmUpTo = state.getLastSequence();
        long startSeq = 1;
        if (fromSnapshots) {
            BookStart start = BookStart.read(nats, stream, env, feed, core.bookTypes(feed), state);
            start.snapshots().forEach(core::restoreBook);
            startSeq = start.startSeq();
            if (!start.missing().isEmpty()) {
                log.info(
                        "gateway: {} has books without an ssmd book snapshot ({} of them, e.g. {}): replaying it whole",
                        stream,
                        start.missing().size(),
                        start.missing().iterator().next());
            }
            log.info(
                    "gateway: {} restored {} books from ssmd book snapshots, reading from sequence {}",
                    stream,
                    start.snapshots().size(),
                    startSeq);
        }
        CompletableFuture<Void> warmedUp = new CompletableFuture<>();
        warmUps.add(warmedUp);
        if (state.getMsgCount() == 0 || startSeq > warmUpTo) {
            warmedUp.complete(null);
        }
        SubjectRouter router = new SubjectRouter(env, feed, core);
        AtomicLong position = new AtomicLong(startSeq - 1);
        positions.put(feed, position);
        starts.put(feed, startSeq);
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
        log.info(
                "gateway: consuming {} from sequence {} ({} messages of history)",
                stream,
                startSeq,
                Math.max(0, warmUpTo - startSeq + 1));
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

    /**
     * The first stream sequence read of the feed: 1 for a whole replay, later when it started from ssmd book snapshots;
     * 0 for a feed not consumed.
     */
    public long startSeq(String feed) {
        return starts.getOrDefault(feed, 0L);
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
                case CONTROL -> core.onControl(ControlEvent.fromJson(message.getData()), seq, live);
                // System and unparsed frames carry nothing for clients; ssmd book snapshots are read once, at start
                // (BookStart): afterwards the venue's own messages keep the books.
                default -> {}
            }
        }
    }
}
