package io.ssmd.feeds.krakenfutures.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.RecordedFrame;
import io.ssmd.feeds.replay.SessionContext;
import io.ssmd.feeds.replay.SessionOutput;
import io.ssmd.feeds.replay.SessionSilence;
import io.ssmd.feeds.replay.VenueSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One Kraken Futures client, server side: {@code info} on connect, subscribe and unsubscribe with their
 * {@code subscribed}/{@code subscribed_failed}/{@code unsubscribed}/{@code unsubscribed_failed} answers, snapshots
 * before updates, the heartbeat feed, {@code ping}/{@code pong}, and the close of a client silent for too long.
 * Single-threaded: the replay server calls it from one stream stage.
 */
final class KrakenFuturesReplaySession implements VenueSession {

    /** The venue closes a client that sent nothing for 60 s ("send a ping at least every 60 seconds"). */
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The heartbeat feed's period. Kraken documents only "at timed intervals"; the first heartbeat goes out at the
     * next tick after the subscription, so that a client learns quickly that the feed works.
     */
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

    /** Numbers read exactly: the recorded frames' prices must keep their text. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    /** The market-data feeds served; {@code heartbeat} is apart, having no products. */
    enum Feed {
        BOOK("book"),
        TRADE("trade"),
        TICKER("ticker");

        final String wire;

        Feed(String wire) {
            this.wire = wire;
        }

        static Optional<Feed> of(String wire) {
            for (Feed feed : values()) {
                if (feed.wire.equals(wire)) {
                    return Optional.of(feed);
                }
            }
            return Optional.empty();
        }

        /** The feed a data frame belongs to: snapshots belong to their feed. */
        static Optional<Feed> ofFrame(String wire) {
            return switch (wire) {
                case "book", "book_snapshot" -> Optional.of(BOOK);
                case "trade", "trade_snapshot" -> Optional.of(TRADE);
                case "ticker" -> Optional.of(TICKER);
                default -> Optional.empty();
            };
        }
    }

    private record Subscription(Feed feed, String productId) {}

    /** What a subscribe or unsubscribe asks for. */
    private record Request(Feed feed, Set<String> productIds) {}

    private final Faults faults;
    private final Set<String> universe;
    private final KrakenFuturesSyntheticMarket synthetic;
    private final KrakenFuturesRecordedMarket recorded;
    private final long idleTimeoutMillis;
    /** In subscription order, for the round-robin of synthetic frames. */
    private final List<Subscription> subscriptions = new ArrayList<>();

    private final Set<Subscription> subscribed = new HashSet<>();
    private final SessionSilence silence;
    private int nextTurn;
    private long bookDeltas;
    private boolean heartbeat;
    private long nextHeartbeatAt;
    private long lastHeardAt = -1;
    private boolean heardSinceTick;

    /**
     * @param universe the products a subscription may name; empty: any (recorded mode without an instrument list,
     *                 where the recording decides what flows)
     */
    KrakenFuturesReplaySession(SessionContext context, Set<String> universe) {
        this.faults = context.faults();
        this.silence = new SessionSilence(faults);
        this.universe = universe;
        boolean synthetic = context.settings().synthetic();
        this.synthetic = synthetic ? new KrakenFuturesSyntheticMarket(context.seed(), System::currentTimeMillis) : null;
        this.recorded = synthetic ? null : new KrakenFuturesRecordedMarket();
        this.idleTimeoutMillis = context.settings()
                .clientIdleTimeout()
                .orElse(DEFAULT_IDLE_TIMEOUT)
                .toMillis();
    }

    @Override
    public void onOpen(SessionOutput out) {
        out.send(KrakenFuturesFrames.INFO);
    }

    @Override
    public void onClientText(String text, SessionOutput out) {
        // Any message keeps the connection alive, whatever it says: the venue counts traffic, not pings.
        heardSinceTick = true;
        JsonNode request;
        try {
            request = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            out.send(KrakenFuturesFrames.error("Json Error"));
            return;
        }
        switch (request.path("event").asText("")) {
            case "subscribe" -> subscribe(request, out);
            case "unsubscribe" -> unsubscribe(request, out);
            case "ping" -> {
                if (!faults.ignorePings()) {
                    out.send(KrakenFuturesFrames.PONG);
                }
            }
            default -> out.send(KrakenFuturesFrames.error("Json Error"));
        }
    }

    @Override
    public void onPump(SessionOutput out) {
        if (synthetic == null || subscriptions.isEmpty()) {
            return;
        }
        Subscription turn = subscriptions.get(nextTurn);
        nextTurn = (nextTurn + 1) % subscriptions.size();
        if (silence.silent(turn.feed().name(), turn.productId())) {
            return;
        }
        KrakenFuturesSyntheticProduct product = synthetic.product(turn.productId());
        long now = synthetic.now();
        switch (turn.feed()) {
            case BOOK -> product.nextBookDeltas(now, () -> faults.skipSeq().take(++bookDeltas), out::sendData);
            case TRADE -> out.sendData(product.trade(now));
            case TICKER -> out.sendData(product.ticker(now));
        }
    }

    /**
     * Recorded frames go out verbatim, {@code seq} included, to a client subscribed to their feed and product: a gap
     * in the recording is a gap the client sees, as it was. Frames about no product (events, heartbeats, requests)
     * are not resent; the session's own heartbeat feed works as in synthetic mode.
     */
    @Override
    public void onRecorded(RecordedFrame frame, SessionOutput out) {
        JsonNode node;
        try {
            node = JSON.readTree(frame.text());
        } catch (JsonProcessingException e) {
            return;
        }
        String feedName = node.path("feed").asText("");
        String productId = node.path("product_id").asText("");
        if (feedName.isEmpty() || productId.isEmpty() || node.has("event")) {
            return;
        }
        recorded.observe(feedName, productId, node, frame.text());
        Optional<Feed> feed = Feed.ofFrame(feedName);
        if (feed.isPresent()
                && subscribed.contains(new Subscription(feed.get(), productId))
                && !silence.silent(feed.get().name(), productId)) {
            out.sendData(frame.text());
        }
    }

    @Override
    public void onTick(long nowMillis, SessionOutput out) {
        if (heardSinceTick || lastHeardAt < 0) {
            lastHeardAt = nowMillis;
            heardSinceTick = false;
        }
        if (nowMillis - lastHeardAt >= idleTimeoutMillis) {
            out.close("no message from the client for " + (nowMillis - lastHeardAt) + " ms");
            return;
        }
        if (heartbeat && nowMillis >= nextHeartbeatAt) {
            out.send(KrakenFuturesFrames.heartbeat(nowMillis));
            nextHeartbeatAt = nowMillis + HEARTBEAT_INTERVAL.toMillis();
        }
    }

    private void subscribe(JsonNode request, SessionOutput out) {
        String feedName = request.path("feed").asText("");
        if (feedName.equals("heartbeat")) {
            heartbeat = true;
            nextHeartbeatAt = 0;
            out.send(KrakenFuturesFrames.ack("subscribed", feedName, null));
            return;
        }
        Optional<Request> read = readRequest(feedName, request, out);
        if (read.isEmpty()) {
            return;
        }
        Feed feed = read.get().feed();
        List<String> accepted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String id : read.get().productIds()) {
            boolean known = universe.isEmpty() || universe.contains(id);
            (known && !faults.rejects(id) ? accepted : refused).add(id);
        }
        acks(out, "subscribed", feedName, accepted, refused);
        for (String id : accepted) {
            Subscription subscription = new Subscription(feed, id);
            if (subscribed.add(subscription)) {
                subscriptions.add(subscription);
            }
            silence.subscribed(feed.name(), id);
            snapshot(subscription, out);
        }
    }

    /** The venue starts a book with {@code book_snapshot} and trades with {@code trade_snapshot}; a ticker has none. */
    private void snapshot(Subscription subscription, SessionOutput out) {
        String id = subscription.productId();
        if (synthetic != null) {
            KrakenFuturesSyntheticProduct product = synthetic.product(id);
            if (subscription.feed() == Feed.BOOK) {
                product.watchBook(true);
                out.sendData(product.bookSnapshot(synthetic.now()));
            } else if (subscription.feed() == Feed.TRADE) {
                out.sendData(product.tradeSnapshot());
            }
        } else if (subscription.feed() == Feed.BOOK) {
            recorded.bookSnapshot(id).ifPresent(out::sendData);
        } else if (subscription.feed() == Feed.TRADE) {
            out.sendData(recorded.tradeSnapshot(id));
        }
    }

    private void unsubscribe(JsonNode request, SessionOutput out) {
        String feedName = request.path("feed").asText("");
        if (feedName.equals("heartbeat")) {
            out.send(KrakenFuturesFrames.ack(heartbeat ? "unsubscribed" : "unsubscribed_failed", feedName, null));
            heartbeat = false;
            return;
        }
        Optional<Request> read = readRequest(feedName, request, out);
        if (read.isEmpty()) {
            return;
        }
        Feed feed = read.get().feed();
        List<String> removed = new ArrayList<>();
        List<String> notSubscribed = new ArrayList<>();
        for (String id : read.get().productIds()) {
            Subscription subscription = new Subscription(feed, id);
            if (subscribed.remove(subscription)) {
                subscriptions.remove(subscription);
                removed.add(id);
                if (synthetic != null && feed == Feed.BOOK) {
                    synthetic.product(id).watchBook(false);
                }
            } else {
                notSubscribed.add(id);
            }
        }
        nextTurn = subscriptions.isEmpty() ? 0 : nextTurn % subscriptions.size();
        acks(out, "unsubscribed", feedName, removed, notSubscribed);
    }

    /**
     * The feed and products a subscribe or unsubscribe names; empty, the venue's error sent, when the feed is unknown
     * or the products unreadable.
     */
    private static Optional<Request> readRequest(String feedName, JsonNode request, SessionOutput out) {
        Optional<Feed> feed = Feed.of(feedName);
        Optional<Set<String>> ids = productIds(request);
        if (feed.isEmpty() || ids.isEmpty()) {
            out.send(KrakenFuturesFrames.error(feed.isEmpty() ? "Invalid feed" : "Json Error"));
            return Optional.empty();
        }
        return Optional.of(new Request(feed.get(), ids.get()));
    }

    /** The venue acks the products that did as asked under {@code event}, the rest under {@code event_failed}. */
    private static void acks(SessionOutput out, String event, String feedName, List<String> done, List<String> failed) {
        if (!done.isEmpty()) {
            out.send(KrakenFuturesFrames.ack(event, feedName, done));
        }
        if (!failed.isEmpty()) {
            out.send(KrakenFuturesFrames.ack(event + "_failed", feedName, failed));
        }
    }

    /** The request's {@code product_ids}, without repeats; empty when missing, empty or not a list of strings. */
    private static Optional<Set<String>> productIds(JsonNode request) {
        JsonNode list = request.get("product_ids");
        if (list == null || !list.isArray() || list.isEmpty()) {
            return Optional.empty();
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode id : list) {
            if (!id.isTextual() || id.asText().isEmpty()) {
                return Optional.empty();
            }
            ids.add(id.asText());
        }
        return Optional.of(ids);
    }
}
