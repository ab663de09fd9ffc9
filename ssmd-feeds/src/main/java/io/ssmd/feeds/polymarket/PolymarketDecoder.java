package io.ssmd.feeds.polymarket;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.FrameDecoder;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.core.shard.SubjectCache;
import io.ssmd.core.subject.Subjects;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes the frames of one Polymarket market-channel connection (exchanges/PROTOCOLS.md §4) and checks its books.
 *
 * <ul>
 *   <li>A frame is one event or a JSON array of events (the initial dump). Each event is published on its own, an
 *       array's as slices of the frame's bytes, on {@code {env}.{feed}.json.{type}.{condition id}}: the token is the
 *       event's {@code market}, not its asset, so a market's two outcomes share subjects.</li>
 *   <li>Types are the venue's {@code event_type}, one per schema: {@code book} (also a book-shaped event without
 *       {@code event_type}), {@code price_change}, {@code last_trade_price}, {@code tick_size_change},
 *       {@code best_bid_ask}, {@code new_market}, {@code market_resolved}; the retired price_change schemas go to
 *       {@code price_change_v0} and {@code price_change_v1}; an unknown type is published under its own name, its
 *       siblings unharmed.</li>
 *   <li>Text {@code PONG} is a pong. The replay server's {@code ssmd_subscription_rejected} stand-in is a system frame
 *       and a rejection of its assets (the venue itself refuses nothing: unknown ids are ignored silently).</li>
 * </ul>
 *
 * <p>Books: each {@code book} replaces the asset's book; each current-schema {@code price_change} entry sets a level
 * and its own {@code best_bid}/{@code best_ask} are compared with the kept book. A mismatch resynchronizes that
 * asset: one {@link Decoded.Resync}, and replies that unsubscribe and subscribe it again; until its next {@code book}
 * its changes are published but not checked.
 */
public final class PolymarketDecoder implements FrameDecoder {

    /** The replay server's stand-in for a refused subscription (the venue documents none). */
    static final String REJECTED = "ssmd_subscription_rejected";

    private final ShardContext shard;
    private final boolean customFeatures;
    private final Set<String> instruments;
    /** Asset → condition id: given (discovery) and learned from the events' own {@code market}. */
    private final Map<String, String> conditionByAsset;

    private final Map<String, PolymarketLocalBook> books = new HashMap<>();
    /** Subjects by type and market (condition id, or the asset when its market is unknown). */
    private final SubjectCache subjects;
    /** Event types as subject tokens: a handful, sanitized once each. */
    private final SubjectCache typeTokens = new SubjectCache(64);
    /** Assets whose book was found broken and resubscribed, waiting for the new snapshot. */
    private final Set<String> resyncing = new HashSet<>();

    private final PolymarketFrameTape fast = new PolymarketFrameTape();

    private PolymarketDecoder(ShardContext shard, boolean customFeatures, Map<String, String> conditionByAsset) {
        this.shard = shard;
        this.customFeatures = customFeatures;
        this.instruments = new HashSet<>(shard.instruments());
        this.conditionByAsset = new HashMap<>(conditionByAsset);
        this.subjects = SubjectCache.forShard(shard);
    }

    /**
     * A decoder for one connection of {@code shard}.
     *
     * @param conditionByAsset asset id → condition id where known beforehand (from discovery); events carry their
     *                         {@code market} anyway, so an empty map is fine
     */
    public static PolymarketDecoder create(
            ShardContext shard, boolean customFeatures, Map<String, String> conditionByAsset) {
        return new PolymarketDecoder(shard, customFeatures, conditionByAsset);
    }

    /**
     * Assets added to or removed from the open connection: their books are kept and checked from now on (the
     * connector's dynamic subscribe brings each added asset's book). The frames are the connector's, so none here.
     */
    @Override
    public java.util.Optional<List<String>> change(List<String> added, List<String> removed) {
        instruments.addAll(added);
        // A removed asset leaves every per-asset map: its condition, its book, a pending resync.
        removed.forEach(asset -> {
            instruments.remove(asset);
            conditionByAsset.remove(asset);
            books.remove(asset);
            resyncing.remove(asset);
        });
        return java.util.Optional.empty();
    }

    /** The sizes of the connection's per-asset maps, for tests: instruments, conditions, books, resyncing. */
    Map<String, Integer> sizes() {
        return Map.of(
                "instruments",
                instruments.size(),
                "conditions",
                conditionByAsset.size(),
                "books",
                books.size(),
                "resyncing",
                resyncing.size());
    }

    /** What one frame's events add up to. */
    private static final class Outcome {
        final List<Decoded.Routed> messages = new ArrayList<>();
        final List<Decoded.Resync> resyncs = new ArrayList<>();
        final List<Decoded.Rejection> rejections = new ArrayList<>();
        /** The events' type, or {@code mixed} when they differ. */
        String type;

        boolean data;

        void type(String eventType) {
            type = type == null || type.equals(eventType) ? eventType : "mixed";
        }
    }

    @Override
    public Decoded decode(byte[] frame) {
        if (PolymarketProtocol.isPong(frame)) {
            return Decoded.pong();
        }
        List<PolymarketProtocol.Event> events;
        boolean[] array = new boolean[1];
        try {
            // The frame in one pass that checks and locates at once; anything else through Jackson, as before.
            events = fast.read(frame, array);
            if (events == null) {
                events = PolymarketProtocol.read(frame, array);
            }
        } catch (IOException | RuntimeException e) {
            return Decoded.unparsed("not a JSON event or array of events: " + e.getMessage());
        }
        try {
            if (events.isEmpty()) {
                // An empty array (a subscription to nothing the venue knows): kept, about no market.
                return Decoded.system("empty", shard, frame);
            }
            if (!array[0]) {
                String problem = unroutable(events.get(0));
                if (problem != null) {
                    return Decoded.unparsed(problem);
                }
            }
            Outcome outcome = new Outcome();
            for (int i = 0; i < events.size(); i++) {
                PolymarketProtocol.Event event = events.get(i);
                byte[] payload = array[0] ? slice(frame, event) : frame;
                route(event, payload, i, outcome);
            }
            return decoded(outcome);
        } catch (RuntimeException e) {
            // A decoder never throws (FrameDecoder): a bug here must not cost the frame.
            return Decoded.unparsed("decoder failure: " + e);
        }
    }

    private Decoded decoded(Outcome outcome) {
        String type = outcome.type;
        List<String> replies = List.of();
        if (!outcome.resyncs.isEmpty()) {
            List<String> assets = outcome.resyncs.stream()
                    .map(Decoded.Resync::instrument)
                    .distinct()
                    .toList();
            // Unsubscribe first, so the subscribe is a new subscription and brings a fresh book.
            replies = List.of(
                    PolymarketProtocol.operation("unsubscribe", assets, customFeatures),
                    PolymarketProtocol.operation("subscribe", assets, customFeatures));
        }
        Decoded.Kind kind = outcome.data ? Decoded.Kind.DATA : Decoded.Kind.SYSTEM;
        return new Decoded(kind, type, "", outcome.messages, replies, outcome.resyncs, outcome.rejections);
    }

    /** Why an event cannot be published under a type, or null when it can. */
    private static String unroutable(PolymarketProtocol.Event event) {
        if (!event.object()) {
            return "an array element that is not a JSON object";
        }
        if (event.eventType() == null && !bookShaped(event)) {
            // Client requests ({"assets_ids":…,"type":"market"}) in recordings look like this; the venue sends none.
            return "no event_type, and not a book";
        }
        return null;
    }

    /** Early and some re-serialized snapshots carry no {@code event_type}; their shape says what they are. */
    private static boolean bookShaped(PolymarketProtocol.Event event) {
        return event.assetId() != null && (event.bids() != null || event.asks() != null);
    }

    private void route(PolymarketProtocol.Event event, byte[] payload, int element, Outcome outcome) {
        String problem = unroutable(event);
        if (problem != null) {
            // Inside an array: this element alone goes to the unparsed subject; its siblings are published.
            outcome.type("unparsed");
            outcome.messages.add(new Decoded.Routed(shard.unparsed(), payload, element));
            return;
        }
        learn(event);
        String type = type(event);
        outcome.type(type);
        if (type.equals(REJECTED)) {
            outcome.messages.add(new Decoded.Routed(shard.system(), payload, element));
            event.assetsIds()
                    .forEach(a -> outcome.rejections.add(
                            new Decoded.Rejection(a, "refused by the venue (" + REJECTED + ")")));
            return;
        }
        String market = market(event);
        String subject = market == null ? shard.system() : subject(type, market);
        outcome.data |= market != null;
        outcome.messages.add(new Decoded.Routed(subject, payload, element));
        if (type.equals("book")) {
            book(event, outcome);
        } else if (type.equals("price_change")) {
            priceChange(event, outcome);
        }
    }

    /** The subject of an event of this type about this market (or asset): built once per type and market. */
    private String subject(String type, String market) {
        String subject = subjects.get(type, market);
        return subject != null
                ? subject
                : subjects.put(
                        type, market, Subjects.marketData(shard.env(), shard.feed(), type, Subjects.token(market)));
    }

    /** The subject type of an event: its {@code event_type}, one per schema. */
    private String type(PolymarketProtocol.Event event) {
        String type = event.eventType();
        if (type == null) {
            return "book";
        }
        if (type.equals("price_change") && event.priceChanges() == null) {
            if (event.legacyChanges()) {
                return "price_change_v1";
            }
            if (event.legacyPrice()) {
                return "price_change_v0";
            }
        }
        String token = typeTokens.get("", type);
        return token != null ? token : typeTokens.put("", type, Subjects.token(type));
    }

    /**
     * The condition id that names the event's subject (as its token): its {@code market}; else the market known for
     * its asset; else the asset id itself (an event without {@code market} has never been seen); null when the event
     * names neither (published on the system subject).
     */
    private String market(PolymarketProtocol.Event event) {
        if (event.market() != null) {
            return event.market();
        }
        String asset = firstAsset(event);
        if (asset == null) {
            return null;
        }
        return conditionByAsset.getOrDefault(asset, asset);
    }

    private static String firstAsset(PolymarketProtocol.Event event) {
        if (event.assetId() != null) {
            return event.assetId();
        }
        if (event.priceChanges() != null) {
            for (PolymarketProtocol.Change change : event.priceChanges()) {
                if (change.assetId() != null) {
                    return change.assetId();
                }
            }
        }
        return event.assetsIds().isEmpty() ? null : event.assetsIds().get(0);
    }

    /** Remembers the market of the shard's own assets (only those: new_market names every new market's). */
    private void learn(PolymarketProtocol.Event event) {
        if (event.market() == null) {
            return;
        }
        if (event.assetId() != null && instruments.contains(event.assetId())) {
            conditionByAsset.put(event.assetId(), event.market());
        }
        if (event.priceChanges() != null) {
            for (PolymarketProtocol.Change change : event.priceChanges()) {
                if (change.assetId() != null && instruments.contains(change.assetId())) {
                    conditionByAsset.put(change.assetId(), event.market());
                }
            }
        }
    }

    private void book(PolymarketProtocol.Event event, Outcome outcome) {
        String asset = event.assetId();
        if (asset == null || !instruments.contains(asset)) {
            return;
        }
        resyncing.remove(asset);
        if (!event.levelsReadable()) {
            breakBook(asset, market(event, asset), "book levels not readable", outcome);
            return;
        }
        PolymarketLocalBook book = books.computeIfAbsent(asset, a -> new PolymarketLocalBook());
        book.replace(event.bids() == null ? List.of() : event.bids(), event.asks() == null ? List.of() : event.asks());
    }

    private void priceChange(PolymarketProtocol.Event event, Outcome outcome) {
        if (event.priceChanges() == null) {
            // Retired schemas carry no best_bid/best_ask: nothing to check against.
            return;
        }
        for (PolymarketProtocol.Change change : event.priceChanges()) {
            String asset = change.assetId();
            PolymarketLocalBook book = asset == null ? null : books.get(asset);
            // No snapshot yet on this connection, or a resync under way: nothing to check the change against.
            if (book == null || resyncing.contains(asset)) {
                continue;
            }
            if (!change.readable()) {
                breakBook(asset, market(event, asset), "price_changes entry not readable", outcome);
                continue;
            }
            book.apply(change.bid(), change.price(), change.size());
            book.disagreement(change.bestBid(), change.bestAsk())
                    .ifPresent(reason -> breakBook(asset, market(event, asset), reason, outcome));
        }
    }

    private String market(PolymarketProtocol.Event event, String asset) {
        return event.market() != null ? event.market() : conditionByAsset.getOrDefault(asset, "unknown");
    }

    private void breakBook(String asset, String market, String reason, Outcome outcome) {
        books.remove(asset);
        resyncing.add(asset);
        outcome.resyncs.add(new Decoded.Resync(asset, reason + " (market " + market + ")"));
    }

    @Override
    public java.util.Collection<String> checkedBooks() {
        List<String> checked = new ArrayList<>(books.size());
        for (String asset : books.keySet()) {
            if (!resyncing.contains(asset)) {
                checked.add(asset);
            }
        }
        return checked;
    }

    @Override
    public java.util.Optional<io.ssmd.core.model.BookSnapshot> checkedBook(String asset) {
        if (!checking(asset)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(books.get(asset).normalized(shard.feed(), asset));
    }

    /**
     * Books are per asset, but their messages go on the market's condition id ({@link #market}): the asset's ssmd book
     * snapshot names that token, so a reader matches it to the book messages after it. Every checked asset has had a
     * {@code book} event, which names its market.
     */
    @Override
    public String bookToken(String asset) {
        return Subjects.token(conditionByAsset.getOrDefault(asset, asset));
    }

    /**
     * Books go on the venue's own event types ({@code book}, {@code price_change}), not {@code orderbook}: a renewal's
     * new connection holds these and finds its snapshots among them (DESIGN §17).
     */
    @Override
    public Set<String> bookTypes() {
        return PolymarketNormalizer.BOOK_TYPES;
    }

    /** Whether this asset's book is being checked: a snapshot seen on this connection and no resync pending. */
    boolean checking(String asset) {
        return books.containsKey(asset) && !resyncing.contains(asset);
    }

    private static byte[] slice(byte[] frame, PolymarketProtocol.Event event) {
        byte[] out = new byte[event.end() - event.start()];
        System.arraycopy(frame, event.start(), out, 0, out.length);
        return out;
    }
}
