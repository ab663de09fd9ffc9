package io.ssmd.http.gateway;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.StreamState;
import io.nats.client.impl.Headers;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.subject.Subjects;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the gateway from NATS: one JetStream ordered consumer per feed stream, from the stream's first message, all
 * on one dispatcher thread, so every message is normalized once and in stream order.
 *
 * <p>Why replay from the start: a venue sends a book's snapshot once per subscription and deltas after it, so a book
 * can only be rebuilt from the last snapshot on; the stream start is the one point known to precede it (ssmd's own
 * periodic book snapshots, DESIGN §7, will let the gateway start later). Messages up to the stream's last sequence at
 * start only build state (books, tickers, recent trades); the ones after it also reach clients. The same consumer
 * carries on live, so there is no hand-over between a replay and a live subscription to get wrong.
 */
public final class GatewayPipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayPipeline.class);

    private final Connection nats;
    private final Dispatcher dispatcher;
    private final List<JetStreamSubscription> subscriptions = new ArrayList<>();
    private final List<CompletableFuture<Void>> warmUps = new ArrayList<>();
    private final Map<String, AtomicLong> positions = new ConcurrentHashMap<>();

    private GatewayPipeline(Connection nats) {
        this.nats = nats;
        this.dispatcher = nats.createDispatcher();
    }

    /**
     * Starts consuming every feed's stream into {@code core}.
     *
     * @throws IllegalStateException naming the stream that cannot be read
     */
    public static GatewayPipeline start(Connection nats, String env, GatewayCore core) {
        GatewayPipeline pipeline = new GatewayPipeline(nats);
        try {
            JetStream jetStream = nats.jetStream();
            for (String feed : core.feedNames()) {
                pipeline.consume(jetStream, env, feed, core);
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

    private void consume(JetStream jetStream, String env, String feed, GatewayCore core)
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
        subscriptions.add(jetStream.subscribe(
                Subjects.streamSubjects(env, feed),
                dispatcher,
                message -> {
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
                },
                false,
                PushSubscribeOptions.builder().stream(stream).ordered(true).build()));
        log.info("gateway: consuming {} from its start ({} messages of history)", stream, warmUpTo);
    }

    /** The stream sequence of the feed's last message handled, 0 before the first. */
    public long position(String feed) {
        AtomicLong position = positions.get(feed);
        return position == null ? 0 : position.get();
    }

    @Override
    public void close() {
        for (JetStreamSubscription subscription : subscriptions) {
            try {
                dispatcher.unsubscribe(subscription);
            } catch (RuntimeException e) {
                log.debug("unsubscribing the gateway from {} failed: {}", subscription.getSubject(), e.toString());
            }
        }
        nats.closeDispatcher(dispatcher);
    }

    /** Reads a feed's subjects (DESIGN §4) and hands each message to the core. */
    private record SubjectRouter(String env, String feed, GatewayCore core) {

        void route(Message message, long seq, boolean live) {
            String[] parts = message.getSubject().split("\\.");
            // {env}.{feed}.json.{type}.{token}, or Kalshi's {env}.{feed}.{category}.json.{type}.{token}
            int json = parts.length == 5 && parts[2].equals("json")
                    ? 2
                    : parts.length == 6 && parts[3].equals("json") ? 3 : -1;
            if (json > 0) {
                String type = parts[json + 1];
                if (!type.equals("system") && !type.equals("unparsed")) {
                    Headers headers = message.getHeaders();
                    core.onMarketData(
                            feed,
                            type,
                            parts[json + 2],
                            header(headers, PublishHeaders.SHARD),
                            message.getData(),
                            receivedAt(headers),
                            seq,
                            live);
                }
            } else if (parts.length == 5 && parts[2].equals("control")) {
                core.onControl(ControlEvent.fromJson(message.getData()), live);
            }
        }

        private static String header(Headers headers, String name) {
            return headers == null ? null : headers.getFirst(name);
        }

        private static long receivedAt(Headers headers) {
            String value = header(headers, PublishHeaders.RECEIVED_AT);
            if (value == null) {
                return 0;
            }
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }
}
