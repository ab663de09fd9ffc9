package io.ssmd.feeds.kalshi;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.shard.FrameDecoder;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.core.shard.SubjectCache;
import io.ssmd.core.subject.Subjects;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Decodes the frames of one Kalshi WebSocket v2 connection (exchanges/PROTOCOLS.md §1.5–1.10) and checks its books.
 *
 * <ul>
 *   <li>Market data goes to {@code {env}.kalshi.{category}.json.{type}.{token}}: {@code orderbook_snapshot} and
 *       {@code orderbook_delta} as {@code orderbook}, {@code ticker}, {@code trade}, {@code market_lifecycle_v2} as
 *       {@code lifecycle}, {@code event_lifecycle} (keyed by event ticker) and {@code fill}. Every Kalshi frame is
 *       about one market, so the payload is the frame as received.</li>
 *   <li>Acks ({@code subscribed}, {@code ok}, {@code unsubscribed}) and {@code error} are system frames; an error
 *       naming a market, or refusing a whole subscribe of ours, is also a rejection of those markets.</li>
 *   <li>The answer to the {@code list_subscriptions} keepalive is a pong.</li>
 *   <li>Anything else, and anything not JSON, is unparsed.</li>
 * </ul>
 *
 * <p>Books: {@code seq} is per sid. A gap on a book sid resynchronizes that sid's markets only: a
 * {@link Decoded.Resync} each, then replies that unsubscribe the sid and subscribe its markets anew (fresh
 * snapshots on a new sid). A delta that would leave a negative size breaks that market's book alone: it is taken
 * out of the sid and put back ({@code update_subscription} delete_markets, add_markets), which sends a new snapshot.
 * Fields the decoder cannot read never cost the frame: it is published, and that market's book is left unchecked
 * until its next snapshot.
 *
 * <p>Markets added to or removed from the shard while it streams become {@code update_subscription} commands on the
 * sids this decoder learned ({@link #change}).
 */
public final class KalshiDecoder implements FrameDecoder {

    /** Ids of the decoder's own commands, far above the subscribe batches' 1, 2, ... so they never meet. */
    static final long FIRST_RESYNC_ID = 1_000_000;

    private ShardContext shard;
    private final Function<String, String> categoryOf;
    /**
     * Market, event and series ticker → category from the assignment's attributes: what the security master says,
     * whichever node this shard runs on. Looked up before {@link #categoryOf}.
     */
    private final Map<String, String> assigned = new HashMap<>();

    private final KalshiSids sids = new KalshiSids();
    private final Map<String, KalshiLocalBook> books = new HashMap<>();
    private final KalshiFrameTape fast = new KalshiFrameTape();
    private final Map<String, String> categoryTokens = new HashMap<>();
    /** Subjects by type and market (event for {@code event_lifecycle}), once their category is known. */
    private final SubjectCache subjects;
    /** Subjects of markets whose category is not known yet: kept apart, as discovery may still give them one. */
    private final SubjectCache uncategorized;

    private final int perSubscribe;
    private final List<String> channels;
    private long nextId = FIRST_RESYNC_ID;
    /**
     * A change made before every channel's sid was acked (the connection's first subscribe still in flight): held, and
     * sent as {@code update_subscription} with the ack that completes the sids, rather than reconnecting a connection
     * that has not streamed yet. In order: added, removed.
     */
    private final java.util.LinkedHashSet<String> heldAdded = new java.util.LinkedHashSet<>();

    private final java.util.LinkedHashSet<String> heldRemoved = new java.util.LinkedHashSet<>();
    /** Whether this connection's first subscribe names markets, so that acks with sids will come. */
    private final boolean subscribes;

    private KalshiDecoder(ShardContext shard, KalshiSettings settings, Function<String, String> categoryOf) {
        this.shard = shard;
        this.categoryOf = categoryOf;
        this.subjects = SubjectCache.forShard(shard);
        this.uncategorized = SubjectCache.forShard(shard);
        assign(shard);
        this.perSubscribe = settings.maxMarketsPerSubscribe();
        this.channels = settings.channels();
        this.subscribes = !shard.instruments().isEmpty() && !channels.isEmpty();
        List<List<String>> batches = KalshiFeed.batches(shard.instruments(), perSubscribe);
        for (int i = 0; i < batches.size(); i++) {
            sids.command(i + 1, batches.get(i));
        }
    }

    /**
     * A decoder for one connection of {@code shard}.
     *
     * @param categoryOf a market or event ticker → its Kalshi category as discovery gave it (null when unknown:
     *                   {@code uncategorized})
     */
    public static KalshiDecoder create(
            ShardContext shard, KalshiSettings settings, Function<String, String> categoryOf) {
        return new KalshiDecoder(shard, settings, categoryOf);
    }

    @Override
    public Decoded decode(byte[] frame) {
        KalshiFrame root;
        try {
            // The frame in one pass that checks and locates at once; anything else through Jackson, as before.
            root = fast.read(frame);
            if (root == null) {
                root = KalshiFrame.read(frame);
            }
        } catch (IOException | RuntimeException e) {
            return Decoded.unparsed("not JSON: " + e.getClass().getSimpleName());
        }
        try {
            if (!root.object) {
                return Decoded.unparsed("not a JSON object");
            }
            if (root.type == null) {
                return Decoded.unparsed(root.command ? "a client command, not a venue frame" : "no type");
            }
            return switch (root.type) {
                case "orderbook_snapshot", "orderbook_delta" -> book(frame, root);
                case "ticker" -> market(frame, root, "ticker");
                case "trade" -> market(frame, root, "trade");
                case "market_lifecycle_v2" -> market(frame, root, "lifecycle");
                case "fill" -> market(frame, root, "fill");
                case "event_lifecycle" -> event(frame, root);
                case "subscribed" -> subscribed(frame, root);
                case "ok" -> ok(frame, root);
                case "unsubscribed" -> unsubscribed(frame, root);
                case "error" -> error(frame, root);
                default -> Decoded.unparsed("unknown type '" + root.type + "'");
            };
        } catch (RuntimeException e) {
            // A decoder never throws (FrameDecoder): a bug here must not cost the frame.
            return Decoded.unparsed("decoder failure: " + e);
        }
    }

    /**
     * {@code update_subscription} on each channel's sid of this connection: {@code add_markets} for the markets added
     * (Kalshi answers with their snapshots), {@code delete_markets} for those removed, at most
     * {@link KalshiSettings#maxMarketsPerSubscribe()} a command. Their {@code ok} replies consume a seq on the sid,
     * which the sid's numbering expects (DESIGN §11). Empty when some channel has no sid yet (its ack has not come):
     * the shard then reconnects with its new list.
     */
    @Override
    public Optional<List<String>> change(List<String> added, List<String> removed) {
        Optional<List<Integer>> known = channelSids();
        if (known.isEmpty()) {
            if (!subscribes) {
                return Optional.empty();
            }
            // The first subscribe is in flight: its acks will bring the sids, and the held change goes with the last.
            removed.forEach(m -> {
                if (!heldAdded.remove(m)) {
                    heldRemoved.add(m);
                }
            });
            added.forEach(m -> {
                if (!heldRemoved.remove(m)) {
                    heldAdded.add(m);
                }
            });
            return Optional.of(List.of());
        }
        List<Integer> channelSids = known.get();
        List<String> frames = new ArrayList<>();
        for (int sid : channelSids) {
            for (List<String> batch : KalshiFeed.batches(removed, perSubscribe)) {
                frames.add(KalshiProtocol.updateSubscription(command(List.of()), sid, "delete_markets", batch));
            }
            for (List<String> batch : KalshiFeed.batches(added, perSubscribe)) {
                frames.add(KalshiProtocol.updateSubscription(command(batch), sid, "add_markets", batch));
            }
        }
        // The sids hold the new list from now, not from the ok: a gap before the ok resubscribes the added markets
        // too, and never a removed one. A removed market leaves every per-market map of the connection.
        for (int sid : channelSids) {
            added.forEach(m -> sids.saw(sid, m));
        }
        removed.forEach(m -> {
            sids.drop(m);
            books.remove(m);
        });
        return Optional.of(frames);
    }

    /** Every channel's sid, once each has been acked. */
    private Optional<List<Integer>> channelSids() {
        List<Integer> channelSids = new ArrayList<>();
        for (String channel : channels) {
            Optional<Integer> sid = sids.sidOf(channel);
            if (sid.isEmpty()) {
                return Optional.empty();
            }
            channelSids.add(sid.get());
        }
        return Optional.of(channelSids);
    }

    /** Kalshi's commands name this connection's sids, which only the decoder knows: it makes the change's frames. */
    @Override
    public boolean changesLive() {
        return true;
    }

    /** A one-market frame published as received; its seq, when it has one, is recorded on its sid. */
    private Decoded market(byte[] frame, KalshiFrame root, String type) {
        KalshiFrame.Msg msg = msg(root);
        if (msg.marketTicker == null) {
            return Decoded.unparsed(root.type + " without msg.market_ticker");
        }
        if (root.sid.isPresent() && root.seq.isPresent()) {
            // Lifecycle (and, in older archives, trade) frames carry seq too; there is no book to rebuild for them.
            sids.seq((int) root.sid.getAsLong(), root.seq.getAsLong(), false);
        }
        return data(frame, type, msg.marketTicker, msg);
    }

    /** The frame's {@code msg} object; an empty one when it has none (as the tree's {@code path("msg")} was). */
    private static KalshiFrame.Msg msg(KalshiFrame root) {
        return root.msg != null ? root.msg : NO_MSG;
    }

    private static final KalshiFrame.Msg NO_MSG = new KalshiFrame.Msg();

    /**
     * The shard's new context: the added markets' tokens and categories. The categories are taken anew from it, so a
     * market that left the shard (and an event or series none of its markets has) leaves the map.
     */
    @Override
    public void context(ShardContext after) {
        shard = after;
        assigned.clear();
        subjects.clear();
        uncategorized.clear();
        assign(after);
    }

    /** Records the categories the assignment carries for its markets, their events and their series. */
    private void assign(ShardContext context) {
        context.attributes().forEach((ticker, attributes) -> {
            String category = attributes.get(FeedShard.Start.CATEGORY);
            if (category == null || category.isBlank()) {
                return;
            }
            assigned.put(ticker, category);
            for (String parent :
                    new String[] {attributes.get(FeedShard.Start.EVENT), attributes.get(FeedShard.Start.SERIES)}) {
                if (parent != null && !parent.isBlank()) {
                    assigned.put(parent, category);
                }
            }
        });
    }

    /** A ticker's category: the assignment's, else the feed's lookup (discovery's map), else null. */
    private String categoryOf(String ticker) {
        String category = assigned.get(ticker);
        return category != null ? category : categoryOf.apply(ticker);
    }

    private Decoded event(byte[] frame, KalshiFrame root) {
        KalshiFrame.Msg msg = msg(root);
        String event = msg.eventTicker;
        if (event == null) {
            return Decoded.unparsed("event_lifecycle without msg.event_ticker");
        }
        String category = categoryOf(event);
        if (category == null && msg.seriesTicker != null) {
            category = categoryOf(msg.seriesTicker);
        }
        String subject = Subjects.marketData(
                shard.env(), shard.feed(), Subjects.category(category), "event_lifecycle", Subjects.token(event));
        return Decoded.data("event_lifecycle", List.of(new Decoded.Routed(subject, frame, 0)));
    }

    private Decoded book(byte[] frame, KalshiFrame root) {
        KalshiFrame.Msg msg = msg(root);
        Optional<String> ticker = Optional.ofNullable(msg.marketTicker);
        if (ticker.isEmpty()) {
            return Decoded.unparsed(root.type + " without msg.market_ticker");
        }
        Decoded published = data(frame, "orderbook", ticker.get(), msg);
        OptionalLong sidNumber = root.sid;
        if (sidNumber.isEmpty()) {
            books.remove(ticker.get());
            return published;
        }
        int sid = (int) sidNumber.getAsLong();
        sids.saw(sid, ticker.get());
        OptionalLong seq = root.seq;
        if (seq.isPresent()) {
            Optional<KalshiSids.Gap> gap = sids.seq(sid, seq.getAsLong(), true);
            if (gap.isPresent()) {
                return resyncSid(published, gap.get());
            }
        }
        if (sids.retired(sid)) {
            return published;
        }
        if (root.type.equals("orderbook_snapshot")) {
            KalshiLocalBook.fromSnapshot(msg)
                    .ifPresentOrElse(b -> books.put(ticker.get(), b), () -> books.remove(ticker.get()));
            return published;
        }
        KalshiLocalBook book = books.get(ticker.get());
        if (book == null) {
            // No snapshot on this connection yet, or one being fetched again: nothing to check the delta against.
            return published;
        }
        Optional<KalshiLocalBook.Delta> delta = KalshiLocalBook.readDelta(msg);
        if (delta.isEmpty()) {
            books.remove(ticker.get());
            return published;
        }
        Optional<String> broken = book.apply(delta.get());
        if (broken.isEmpty()) {
            return published;
        }
        books.remove(ticker.get());
        List<String> one = List.of(ticker.get());
        return published
                .withResyncs(List.of(new Decoded.Resync(ticker.get(), broken.get())))
                .withReplies(List.of(
                        KalshiProtocol.updateSubscription(command(List.of()), sid, "delete_markets", one),
                        KalshiProtocol.updateSubscription(command(one), sid, "add_markets", one)));
    }

    /** A gap on a book sid: every market of that sid is resynchronized on a new sid; no other sid is touched. */
    private Decoded resyncSid(Decoded published, KalshiSids.Gap gap) {
        List<String> markets = sids.markets(gap.sid());
        sids.retire(gap.sid());
        markets.forEach(books::remove);
        List<Decoded.Resync> resyncs =
                markets.stream().map(m -> new Decoded.Resync(m, gap.reason())).toList();
        List<String> replies = new ArrayList<>();
        replies.add(KalshiProtocol.unsubscribe(command(List.of()), List.of(gap.sid())));
        for (List<String> batch : KalshiFeed.batches(markets, perSubscribe)) {
            replies.add(KalshiProtocol.subscribe(command(batch), List.of(KalshiProtocol.ORDERBOOK_DELTA), batch));
        }
        return published.withResyncs(resyncs).withReplies(replies);
    }

    private Decoded subscribed(byte[] frame, KalshiFrame root) {
        KalshiFrame.Msg msg = msg(root);
        OptionalLong sid = msg.sid;
        Optional<String> channel = Optional.ofNullable(msg.channel);
        if (sid.isPresent() && channel.isPresent()) {
            sids.subscribed(id(root), (int) sid.getAsLong(), channel.get());
        }
        Decoded system = Decoded.system("subscribed", shard, frame);
        if ((heldAdded.isEmpty() && heldRemoved.isEmpty()) || channelSids().isEmpty()) {
            return system;
        }
        List<String> added = List.copyOf(heldAdded);
        List<String> removed = List.copyOf(heldRemoved);
        heldAdded.clear();
        heldRemoved.clear();
        return system.withReplies(change(added, removed).orElseThrow());
    }

    private Decoded ok(byte[] frame, KalshiFrame root) {
        OptionalLong sidNumber = root.sid;
        // list_subscriptions answers ok with an array and no sid: the reply to the keepalive.
        if (root.msgArray || sidNumber.isEmpty()) {
            return Decoded.pong();
        }
        int sid = (int) sidNumber.getAsLong();
        Optional<List<String>> tickers = Optional.ofNullable(msg(root).marketTickers);
        sids.ok(id(root), sid, tickers);
        Decoded system = Decoded.system("ok", shard, frame);
        OptionalLong seq = root.seq;
        if (seq.isPresent()) {
            // The ok itself consumes a seq on that sid: recorded, so the next data frame is not taken for a gap.
            Optional<KalshiSids.Gap> gap = sids.seq(sid, seq.getAsLong(), false);
            if (gap.isPresent()) {
                return resyncSid(system, gap.get());
            }
        }
        return system;
    }

    private Decoded unsubscribed(byte[] frame, KalshiFrame root) {
        root.sid.ifPresent(sid -> sids.unsubscribed((int) sid));
        return Decoded.system("unsubscribed", shard, frame);
    }

    /**
     * An error is reported per market: the one it names ({@code market_ticker}), else, for a subscribe of ours
     * refused as a whole, every market it named. "Already subscribed" (6) refuses nothing.
     */
    private Decoded error(byte[] frame, KalshiFrame root) {
        Decoded system = Decoded.system("error", shard, frame);
        KalshiFrame.Msg msg = msg(root);
        long code = msg.code.orElse(-1);
        String reason = "code " + code + ": " + msg.message;
        Optional<String> market = Optional.ofNullable(msg.marketTicker);
        if (market.isPresent()) {
            return system.withRejections(List.of(new Decoded.Rejection(market.get(), reason)));
        }
        if (code == KalshiProtocol.Error.ALREADY_SUBSCRIBED.code()) {
            return system;
        }
        List<String> refused = sids.commandMarkets(id(root));
        return system.withRejections(refused.stream()
                .map(m -> new Decoded.Rejection(m, reason + " (whole subscribe refused)"))
                .toList());
    }

    private Decoded data(byte[] frame, String type, String ticker, KalshiFrame.Msg msg) {
        return Decoded.data(type, List.of(new Decoded.Routed(subject(type, ticker, msg), frame, 0)));
    }

    /**
     * The market's subject of this type: built once per type and market when its category is known (a market of an
     * unknown category may be given one by discovery later, so its subject is built anew each time).
     */
    private String subject(String type, String ticker, KalshiFrame.Msg msg) {
        String subject = subjects.get(type, ticker);
        if (subject != null) {
            return subject;
        }
        String category = categoryTokens.get(ticker);
        if (category == null) {
            category = Subjects.category(category(ticker, msg));
            // Only known categories are kept: a market discovery adds later may still get its own.
            if (!category.equals(Subjects.UNCATEGORIZED)) {
                categoryTokens.put(ticker, category);
            }
        }
        // A market without a category yet is looked up again each frame (above), but its subject is not built again.
        SubjectCache cache = category.equals(Subjects.UNCATEGORIZED) ? uncategorized : subjects;
        subject = cache.get(type, ticker);
        if (subject == null) {
            String token = shard.tokens().get(ticker);
            subject = cache.put(
                    type,
                    ticker,
                    Subjects.marketData(
                            shard.env(), shard.feed(), category, type, token != null ? token : Subjects.token(ticker)));
        }
        return subject;
    }

    /**
     * The market's category as discovery or the lifecycle watcher recorded it; for a market neither has seen yet (a
     * {@code created} lifecycle event), its event's ({@code additional_metadata.event_ticker}) or its series'
     * (the ticker up to its first {@code -}, Kalshi's naming): a series belongs to one category.
     */
    private String category(String ticker, KalshiFrame.Msg msg) {
        String category = categoryOf(ticker);
        if (category == null && msg.metadataEventTicker != null) {
            category = categoryOf(msg.metadataEventTicker);
        }
        int dash = ticker.indexOf('-');
        if (category == null && dash > 0) {
            category = categoryOf(ticker.substring(0, dash));
        }
        return category;
    }

    private long command(List<String> markets) {
        long id = nextId++;
        sids.command(id, markets);
        return id;
    }

    private static Long id(KalshiFrame root) {
        return root.id.isPresent() ? root.id.getAsLong() : null;
    }

    /** The connection's subscriptions as the decoder sees them (tests). */
    /**
     * The sizes of the connection's per-market maps, for tests: {@code sids} (markets on any sid), {@code commands}
     * (markets named by a remembered command), {@code books}, {@code categories} (markets, events and series with an
     * assigned category).
     */
    Map<String, Integer> sizes() {
        return Map.of(
                "sids", sids.marketsHeld(),
                "commands", sids.commandMarkets(),
                "books", books.size(),
                "categories", assigned.size());
    }

    KalshiSids sids() {
        return sids;
    }

    /** Markets whose books are checked now: a snapshot on this connection, no gap and no broken delta since. */
    @Override
    public java.util.Collection<String> checkedBooks() {
        return List.copyOf(books.keySet());
    }

    @Override
    public Optional<io.ssmd.core.model.BookSnapshot> checkedBook(String ticker) {
        KalshiLocalBook book = books.get(ticker);
        return book == null ? Optional.empty() : Optional.of(book.normalized(shard.feed(), ticker));
    }

    /** The book of a market, when one is being checked. */
    Optional<KalshiLocalBook> book(String ticker) {
        return Optional.ofNullable(books.get(ticker));
    }
}
