package io.ssmd.feeds.krakenfutures;

import static io.ssmd.feeds.krakenfutures.KrakenFuturesProtocol.TYPE_ORDERBOOK;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesProtocol.TYPE_TICKER;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesProtocol.TYPE_TRADE;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.FrameDecoder;
import io.ssmd.core.shard.JsonSlices;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.core.shard.SubjectCache;
import io.ssmd.feeds.krakenfutures.KrakenFuturesProtocol.Channel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes the frames of one Kraken Futures connection.
 *
 * <ul>
 *   <li>{@code ticker} → type {@code ticker}; {@code trade} and {@code trade_snapshot} → {@code trade};
 *       {@code book_snapshot} and {@code book} → {@code orderbook}; each on {@code {env}.{feed}.json.{type}.{token}}
 *       of its {@code product_id}. A {@code trade_snapshot} becomes one message per trade, each a byte slice of the
 *       frame that keeps the envelope ({@code {"feed":"trade_snapshot","product_id":...,"trades":[one]}}).</li>
 *   <li>{@code info}, {@code subscribed}, {@code subscribed_failed} (also reported as rejections),
 *       {@code unsubscribed}, {@code unsubscribed_failed}, {@code error}, {@code alert} → system.</li>
 *   <li>{@code {"feed":"heartbeat"}} → heartbeat, never a pong. {@code {"event":"pong"}}, and every
 *       {@code subscribed} to the heartbeat after the one the subscription expects, once every product feed the
 *       connection subscribed has been answered, → pong: the keepalive ({@link KrakenFuturesFeed#keepalive()}) is a
 *       heartbeat subscribe, and those are its answers. A heartbeat ack before then is a system frame.</li>
 *   <li>Anything else (not JSON, an unknown event or feed, a data frame without a product) → unparsed.</li>
 * </ul>
 *
 * <p>Books are checked per product ({@link KrakenFuturesLocalBook}). A broken one (a {@code seq} gap, a delta before any
 * snapshot, an unreadable or insane level) is reported once as a {@link Decoded.Resync} with replies that unsubscribe
 * and resubscribe that product's book, which makes the venue send a fresh snapshot; its deltas until then are
 * published but not checked.
 *
 * <p>Not thread-safe: one per connection, called from one stream stage.
 */
public final class KrakenFuturesDecoder implements FrameDecoder {

    private static final int MAX_REASON_CHARS = 200;

    private final ShardContext shard;
    private final SubjectCache subjects;
    private final Map<String, KrakenFuturesLocalBook> books = new HashMap<>();
    private final KrakenFuturesFrameTape fast = new KrakenFuturesFrameTape();
    /**
     * How many heartbeat {@code subscribed} acks still answer the connection's subscription rather than a keepalive:
     * the venue's acks of the two are identical, but the subscription is sent first and only once per connection.
     */
    private int heartbeatSubscriptionAcks;
    /**
     * The connection's product subscriptions ({@code feed product}) the venue has not answered yet. The keepalive's
     * answer is byte for byte the heartbeat subscription's, and a renewal takes the first pong as the answer to the
     * probe it sends after the subscribes (DESIGN §17): an extra heartbeat subscribe sent before them (a keepalive tick
     * on a slow handshake) must not pass for it. So no heartbeat ack is a pong until every subscribe is answered.
     */
    private final java.util.Set<String> unanswered = new HashSet<>();

    /**
     * @param shard    whose subjects the decoder builds
     * @param settings the feed, for which channels the connection subscribed
     */
    public KrakenFuturesDecoder(ShardContext shard, KrakenFuturesSettings settings) {
        this.shard = shard;
        this.subjects = SubjectCache.forShard(shard);
        this.heartbeatSubscriptionAcks = settings.subscribes(Channel.HEARTBEAT) ? 1 : 0;
        for (Channel channel : settings.channels()) {
            if (channel.perProduct()) {
                shard.instruments().forEach(product -> unanswered.add(channel.wire() + " " + product));
            }
        }
    }

    @Override
    public Decoded decode(byte[] frame) {
        // Read in one streaming pass: floats as BigDecimal from their text, so book levels are exact; trailing garbage
        // after the object makes a frame unparsed rather than half-read.
        KrakenFuturesFrame node;
        try {
            // The frame in one pass that checks and locates at once; anything else through Jackson, as before.
            node = fast.read(frame);
            if (node == null) {
                node = KrakenFuturesFrame.read(frame);
            }
        } catch (JsonProcessingException e) {
            return unparsed("not JSON: " + e.getOriginalMessage());
        } catch (KrakenFuturesFrame.NotJson e) {
            return unparsed("not JSON: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            return unparsed("not JSON: " + e);
        }
        if (!node.object) {
            return unparsed("not a JSON object");
        }
        try {
            if (node.event != null) {
                return event(node.event, node, frame);
            }
            if (node.feed != null) {
                return feed(node.feed, node, frame);
            }
            return unparsed("neither event nor feed");
        } catch (RuntimeException e) {
            // A decoder must never fail the stream: a frame it trips on is kept, raw, on the unparsed subject.
            return unparsed("decoder failure: " + e);
        }
    }

    /** Products whose books follow the venue's seq now: a snapshot on this connection and no gap since. */
    @Override
    public java.util.Collection<String> checkedBooks() {
        List<String> checked = new ArrayList<>(books.size());
        books.forEach((product, book) -> {
            if (book.state() == KrakenFuturesLocalBook.State.SYNCED) {
                checked.add(product);
            }
        });
        return checked;
    }

    @Override
    public Optional<io.ssmd.core.model.BookSnapshot> checkedBook(String productId) {
        KrakenFuturesLocalBook book = books.get(productId);
        if (book == null || book.state() != KrakenFuturesLocalBook.State.SYNCED) {
            return Optional.empty();
        }
        return Optional.of(book.normalized(shard.feed(), productId));
    }

    /** The book of {@code productId} as checked so far, for tests; empty before any book frame of it. */
    Optional<KrakenFuturesLocalBook> book(String productId) {
        return Optional.ofNullable(books.get(productId));
    }

    private Decoded event(String event, KrakenFuturesFrame node, byte[] frame) {
        if (event.equals("pong")) {
            return Decoded.pong();
        }
        boolean heartbeatFeed = node.feedText.equals(Channel.HEARTBEAT.wire());
        if (!heartbeatFeed && (event.equals("subscribed") || event.equals("subscribed_failed"))) {
            answered(node);
        }
        if (event.equals("subscribed") && heartbeatFeed) {
            if (heartbeatSubscriptionAcks == 0 && unanswered.isEmpty()) {
                return Decoded.pong();
            }
            heartbeatSubscriptionAcks = Math.max(0, heartbeatSubscriptionAcks - 1);
        }
        if (event.equals("subscribed_failed")) {
            return Decoded.system(event, shard, frame).withRejections(rejections(node));
        }
        if (KrakenFuturesProtocol.SYSTEM_EVENTS.contains(event)) {
            return Decoded.system(event, shard, frame);
        }
        if (KrakenFuturesProtocol.CLIENT_REQUESTS.contains(event)) {
            return unparsed("'" + event + "' is a client request, which the venue does not send");
        }
        return unparsed("unknown event '" + event + "'");
    }

    /** A product feed's ack (or refusal): its products are answered; one naming none answers the whole feed. */
    private void answered(KrakenFuturesFrame node) {
        if (unanswered.isEmpty()) {
            return;
        }
        if (node.productIds.isEmpty()) {
            unanswered.removeIf(key -> key.startsWith(node.feedText + " "));
        } else {
            node.productIds.forEach(product -> unanswered.remove(node.feedText + " " + product));
        }
    }

    /**
     * The venue names the refused products but gives no reason in the documented {@code subscribed_failed}; a
     * {@code message}, should one come, is kept.
     */
    private static List<Decoded.Rejection> rejections(KrakenFuturesFrame node) {
        String reason = node.message != null ? node.message : "subscribed_failed on feed '" + node.feedText + "'";
        List<Decoded.Rejection> rejections = new ArrayList<>();
        for (String id : node.productIds) {
            rejections.add(new Decoded.Rejection(id, reason));
        }
        return rejections;
    }

    private Decoded feed(String feed, KrakenFuturesFrame node, byte[] frame) {
        if (feed.equals(Channel.HEARTBEAT.wire())) {
            return Decoded.heartbeat();
        }
        String productId = node.productId;
        if (productId.isEmpty()) {
            return unparsed("'" + feed + "' frame without a product_id");
        }
        if (!unanswered.isEmpty()) {
            // A subscription's first data answers it as well as its ack does (a recording may lack the ack).
            String subscribed = feed.equals(KrakenFuturesProtocol.BOOK_SNAPSHOT)
                    ? Channel.BOOK.wire()
                    : feed.equals(KrakenFuturesProtocol.TRADE_SNAPSHOT) ? Channel.TRADE.wire() : feed;
            unanswered.remove(subscribed + " " + productId);
        }
        return switch (feed) {
            case "ticker" -> single(TYPE_TICKER, productId, frame);
            case "trade" -> single(TYPE_TRADE, productId, frame);
            case KrakenFuturesProtocol.TRADE_SNAPSHOT -> tradeSnapshot(productId, node, frame);
            case KrakenFuturesProtocol.BOOK_SNAPSHOT -> bookSnapshot(productId, node, frame);
            case "book" -> bookDelta(productId, node, frame);
            default -> unparsed("unknown feed '" + feed + "'");
        };
    }

    private Decoded single(String type, String productId, byte[] frame) {
        return Decoded.data(type, List.of(new Decoded.Routed(subjects.marketData(shard, type, productId), frame, 0)));
    }

    /**
     * One message per trade, so each is published like a live {@code trade}; the envelope stays so a reader still
     * sees it came from a snapshot, which consumers that dedupe by trade id need (DESIGN §8).
     */
    private Decoded tradeSnapshot(String productId, KrakenFuturesFrame node, byte[] frame) {
        JsonSlices.Layout layout = node.trades;
        if (layout == null) {
            return unparsed("trade_snapshot without a trades list");
        }
        String subject = subjects.marketData(shard, TYPE_TRADE, productId);
        // An empty snapshot (a product that has not traded) is still published whole: the archive keeps every frame.
        if (layout.size() == 0) {
            return Decoded.data(TYPE_TRADE, List.of(new Decoded.Routed(subject, frame, 0)));
        }
        List<Decoded.Routed> messages = new ArrayList<>(layout.size());
        for (int i = 0; i < layout.size(); i++) {
            messages.add(new Decoded.Routed(subject, layout.withOnly(frame, i), i));
        }
        return Decoded.data(TYPE_TRADE, messages);
    }

    private Decoded bookSnapshot(String productId, KrakenFuturesFrame node, byte[] frame) {
        KrakenFuturesLocalBook book = books.computeIfAbsent(productId, id -> new KrakenFuturesLocalBook());
        Decoded decoded = single(TYPE_ORDERBOOK, productId, frame);
        return book.snapshot(node)
                .map(problem -> broken(decoded, productId, book, problem))
                .orElse(decoded);
    }

    private Decoded bookDelta(String productId, KrakenFuturesFrame node, byte[] frame) {
        KrakenFuturesLocalBook book = books.computeIfAbsent(productId, id -> new KrakenFuturesLocalBook());
        Decoded decoded = single(TYPE_ORDERBOOK, productId, frame);
        return switch (book.state()) {
            case RESYNCING -> decoded;
            case AWAITING_FIRST_SNAPSHOT -> broken(decoded, productId, book, "book delta before any book_snapshot");
            case SYNCED ->
                book.delta(node)
                        .map(problem -> broken(decoded, productId, book, problem))
                        .orElse(decoded);
        };
    }

    /**
     * Reports the book broken and asks for a fresh snapshot. Kraken Futures documents no "send me the snapshot
     * again" request; unsubscribing and subscribing the product's book is what makes it start over with a
     * {@code book_snapshot}, as on any new subscription.
     */
    private static Decoded broken(Decoded decoded, String productId, KrakenFuturesLocalBook book, String reason) {
        book.resyncing();
        List<String> products = List.of(productId);
        return decoded.withResyncs(List.of(new Decoded.Resync(productId, reason)))
                .withReplies(List.of(
                        KrakenFuturesProtocol.unsubscribe(Channel.BOOK, products),
                        KrakenFuturesProtocol.subscribe(Channel.BOOK, products)));
    }

    private static Decoded unparsed(String reason) {
        String text = reason == null ? "unknown" : reason.replace('\n', ' ');
        return Decoded.unparsed(text.length() > MAX_REASON_CHARS ? text.substring(0, MAX_REASON_CHARS) + "…" : text);
    }
}
