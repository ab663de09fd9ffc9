package io.ssmd.http.gateway;

import io.ssmd.core.config.GatewaySpec;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.MarketEventJson;
import io.ssmd.core.model.OrderBook;
import io.ssmd.core.model.SsmdBookSnapshot;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.EpochMicros;
import io.ssmd.core.subject.Subjects;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's state and fan-out: each published message is normalized and encoded once, applied to the
 * instrument's book, ticker and trades, and offered to the clients subscribed to it.
 *
 * <p>One lock guards it all, so a client's subscription and the pipeline are ordered: a book subscription gets the
 * current book with every delta fanned out before it applied, and every delta after it. Holding the lock costs the
 * pipeline nothing that can wait: offers to client outboxes never block.
 */
public final class GatewayCore {

    private static final Logger log = LoggerFactory.getLogger(GatewayCore.class);
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final Map<String, GatewayFeed> feeds;
    private final GatewaySpec spec;
    private final GatewayMetrics metrics;
    private final LongSupplier nanoClock;
    private final ClientHub hub = new ClientHub();
    private final MarketIndex markets;
    private final InstrumentDirectory directory;
    /**
     * Feed → the instruments the security master says have ended (closed, settled, removed): their data is ignored, so
     * that a late message or a replayed book does not bring an ended market back into the maps.
     */
    private final Map<String, Set<String>> ended = new HashMap<>();

    private final AtomicLong clientIds = new AtomicLong();
    private final AtomicLong normalizeFailures = new AtomicLong();

    public GatewayCore(List<GatewayFeed> feeds, GatewaySpec spec, GatewayMetrics metrics) {
        this(feeds, spec, metrics, InstrumentDirectory.NONE, System::nanoTime);
    }

    /** @param directory where symbols that no shard carries and no stream showed yet are looked up */
    public GatewayCore(
            List<GatewayFeed> feeds, GatewaySpec spec, GatewayMetrics metrics, InstrumentDirectory directory) {
        this(feeds, spec, metrics, directory, System::nanoTime);
    }

    GatewayCore(List<GatewayFeed> feeds, GatewaySpec spec, GatewayMetrics metrics, LongSupplier nanoClock) {
        this(feeds, spec, metrics, InstrumentDirectory.NONE, nanoClock);
    }

    private GatewayCore(
            List<GatewayFeed> feeds,
            GatewaySpec spec,
            GatewayMetrics metrics,
            InstrumentDirectory directory,
            LongSupplier nanoClock) {
        this.directory = directory;
        this.feeds =
                feeds.stream().collect(Collectors.toMap(GatewayFeed::name, f -> f, (a, b) -> a, LinkedHashMap::new));
        this.spec = spec;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        this.markets = new MarketIndex(spec.recentTrades());
        feeds.forEach(feed -> feed.instruments().forEach(id -> markets.market(feed.name(), id)));
    }

    /** The feeds served, by name. */
    public Set<String> feedNames() {
        return feeds.keySet();
    }

    /** The subject types of a feed's book messages ({@link io.ssmd.core.model.Normalizer#bookTypes()}). */
    Set<String> bookTypes(String feed) {
        GatewayFeed gatewayFeed = feeds.get(feed);
        return gatewayFeed == null ? Set.of("orderbook") : gatewayFeed.bookTypes();
    }

    /**
     * One market-data message from a feed's stream.
     *
     * @param token the subject's instrument token: the instrument's own, or the market's (a Polymarket condition id)
     * @param seq   the message's stream sequence
     * @param live  false while the gateway warms up from the stream's history: state changes, clients see nothing
     */
    public void onMarketData(
            String feed,
            String type,
            String token,
            String shard,
            byte[] payload,
            long receivedAtMicros,
            long seq,
            boolean live) {
        GatewayFeed gatewayFeed = feeds.get(feed);
        if (gatewayFeed == null || gatewayFeed.normalizer().isEmpty()) {
            return;
        }
        List<MarketEvent> events;
        try {
            events = gatewayFeed.normalizer().get().normalize(feed, type, payload);
        } catch (RuntimeException e) {
            // A normalizer is tolerant by contract; one that throws anyway must not stop the feed for every client.
            if (normalizeFailures.incrementAndGet() % 1000 == 1) {
                log.warn(
                        "normalizing a {} {} message failed ({} so far): {}",
                        feed,
                        type,
                        normalizeFailures.get(),
                        e.toString());
            }
            return;
        }
        synchronized (this) {
            for (MarketEvent raw : events) {
                if (raw.instrument() == null || raw.instrument().isEmpty()) {
                    // Nothing to key it by: no client could have asked for it.
                    continue;
                }
                if (isEndedLocked(gatewayFeed.name(), raw.instrument())) {
                    continue;
                }
                MarketEvent event = raw.ts() == 0 ? raw.withTs(receivedAtMicros) : raw;
                Market market = markets.market(gatewayFeed.name(), event.instrument());
                if (!token.equals(Subjects.token(event.instrument()))) {
                    markets.alias(market, token);
                }
                if (shard != null) {
                    market.shard(shard);
                }
                MarketEvent toSend = apply(gatewayFeed, market, event, seq, receivedAtMicros);
                if (live && toSend != null) {
                    hub.deliver(
                            feed,
                            market.instrument(),
                            market.alias(),
                            toSend.type(),
                            () -> text(toSend, null),
                            () -> text(toSend, payload));
                }
            }
        }
    }

    /**
     * A shard's control event. A resync or a disconnect drops the books it names until the venue's next snapshot:
     * a book during an outage is unknown, and a subscriber should not start from a stale one. A book whose snapshot
     * arrived after the event happened is kept: control events and market data reach the stream by different
     * publishers, so the new snapshot may be stored before the event that asked for it.
     */
    public void onControl(ControlEvent event, boolean live) {
        onControl(event, 0, live);
    }

    /**
     * A restored book (an ssmd book snapshot, DESIGN §7) as the gateway starts: the book as of the snapshot's
     * sequence; the instrument's book messages and control events up to that sequence are then skipped.
     */
    public synchronized void restoreBook(SsmdBookSnapshot snapshot) {
        GatewayFeed gatewayFeed = feeds.get(snapshot.feed());
        if (gatewayFeed == null || isEndedLocked(snapshot.feed(), snapshot.instrument())) {
            return;
        }
        Market market = markets.market(gatewayFeed.name(), snapshot.instrument());
        OrderBook book = gatewayFeed.newBook();
        book.apply(snapshot.toEvent());
        market.book(book, snapshot.seq());
        market.bookSince(snapshot.ts());
        market.bookAt(snapshot.ts());
        market.restoredSeq(snapshot.seq());
    }

    /**
     * A market's status from the security master (DESIGN §15). An ended one (closed, settled, removed) leaves the maps:
     * its book, ticker, recent trades and alias go, later data of it is ignored, and subscribing to it is refused as
     * unknown. A market that trades again (a halted pair back online, a market reopened) is accepted again.
     */
    public synchronized void onMarketStatus(String feed, String instrument, String status) {
        if (!feeds.containsKey(feed)) {
            return;
        }
        if (MarketRecord.ended(status)) {
            ended.computeIfAbsent(feed, f -> new HashSet<>()).add(instrument);
            if (markets.remove(feed, instrument)) {
                log.debug("gateway: {} {} is {}: its state is dropped", feed, instrument, status);
            }
        } else {
            Set<String> of = ended.get(feed);
            if (of != null && of.remove(instrument) && of.isEmpty()) {
                ended.remove(feed);
            }
        }
    }

    /** Whether the security master said the instrument has ended. */
    public synchronized boolean isEnded(String feed, String instrument) {
        return isEndedLocked(feed, instrument);
    }

    private boolean isEndedLocked(String feed, String instrument) {
        Set<String> of = ended.get(feed);
        return of != null && of.contains(instrument);
    }

    /** Markets the gateway keeps state of now, and their alias entries: what an ended market must leave. */
    synchronized int[] mapSizes() {
        return new int[] {markets.size(), markets.aliasCount()};
    }

    /** As {@link #onControl(ControlEvent, boolean)}, with the event's stream sequence. */
    public synchronized void onControl(ControlEvent event, long seq, boolean live) {
        if (ControlEvent.ALIVE.equals(event.event())) {
            // A shard's periodic sign of life is for the archive's gap log, not news to a client.
            return;
        }
        if (ControlEvent.RESYNC.equals(event.event()) || ControlEvent.DISCONNECTED.equals(event.event())) {
            // A shard that names no instruments (the Kalshi lifecycle companion, an emptied shard) carries no books.
            List<Market> concerned = event.instruments().stream()
                    .map(instrument -> markets.get(event.feed(), instrument))
                    .filter(m -> m != null)
                    .toList();
            for (Market market : concerned) {
                // A restored book already reflects every event up to its snapshot's sequence.
                if (market.bookSince() <= event.ts() && seq > market.restoredSeq()) {
                    market.book(null, 0);
                }
            }
        }
        if (live) {
            // A publish_failed is one event per range of failed messages, and names them by subject token, which is
            // not always the symbol a client subscribed to (BTC-USD for BTC/USD, a Polymarket condition for its
            // assets): the whole feed hears of it, once per range.
            Collection<String> instruments =
                    ControlEvent.PUBLISH_FAILED.equals(event.event()) ? List.of() : event.instruments();
            hub.deliverStatus(event.feed(), instruments, GatewayJson.status(event));
        }
    }

    /** Whether one more client may connect ({@code gateway.max-clients}). */
    public synchronized boolean hasRoomForClient() {
        return hub.size() < spec.maxClients();
    }

    /** Why the gateway takes no client now (the daily cycle's teardown drained it), else null. */
    private String drained;

    /**
     * The daily cycle's teardown (DESIGN §17): every client gets {@code {"type":"closing","reason":…}} as its last
     * message and its connection ends; new clients are refused with {@code reason} until {@link #reopen}.
     *
     * @return how many clients were closed
     */
    public synchronized int drain(String reason) {
        drained = reason;
        List<GatewayClient> open = List.copyOf(hub.clients());
        open.forEach(client -> client.outbox().close(reason));
        return open.size();
    }

    /** Takes clients again after a {@link #drain}. */
    public synchronized void reopen() {
        drained = null;
    }

    /** Why the gateway is drained, while it is. */
    public synchronized Optional<String> drained() {
        return Optional.ofNullable(drained);
    }

    /**
     * A new client with its own bounded outbox; it receives nothing until it subscribes. Empty when
     * {@code gateway.max-clients} are connected already.
     */
    public synchronized Optional<GatewayClient> connect(boolean raw) {
        if (!hasRoomForClient() || drained != null) {
            return Optional.empty();
        }
        GatewayClient client = new GatewayClient(
                clientIds.incrementAndGet(),
                raw,
                new ClientOutbox(spec.clientQueueSize(), spec.maxLag(), spec.closeGrace(), metrics, nanoClock));
        hub.add(client);
        metrics.clientConnected();
        return Optional.of(client);
    }

    public synchronized void disconnect(GatewayClient client) {
        if (hub.remove(client)) {
            metrics.clientDisconnected();
        }
    }

    /** Clients connected now. */
    public synchronized int clientCount() {
        return hub.size();
    }

    /** Feed × symbol × type combinations held by all clients together: the size of the subscription index. */
    public synchronized int subscriptionCount() {
        return hub.keyCount();
    }

    /** The most clients this gateway serves at once ({@code gateway.max-clients}). */
    public int maxClients() {
        return spec.maxClients();
    }

    /**
     * Handles one text message from a client; a bad one gets an error event and changes nothing. A subscribe that
     * names symbols first learns which instruments are assigned now, so the stage completes once it is handled.
     *
     * @param assigned the instruments the feeds' shards carry now (feed → ids)
     */
    public CompletionStage<Void> onClientMessage(
            GatewayClient client, String text, Supplier<CompletionStage<Map<String, Set<String>>>> assigned) {
        ClientCommand command;
        try {
            command = ClientCommand.parse(text, feeds.keySet());
        } catch (ClientCommand.Invalid e) {
            client.outbox().offer(GatewayJson.error(e.getMessage()));
            return DONE;
        }
        if (command instanceof ClientCommand.Ping ping) {
            client.outbox().offer(GatewayJson.pong(ping.id()));
        } else if (command instanceof ClientCommand.Change change) {
            if (change.subscribe() && !change.symbols().isEmpty()) {
                return assigned.get()
                        .thenCompose(known -> withDirectory(change, known))
                        .thenAccept(known -> change(client, change, known));
            }
            change(client, change, Map.of());
        }
        return DONE;
    }

    /**
     * {@code assigned} plus what the directory knows of the symbols neither it nor the streams know (a Polymarket
     * condition id before its first message); the assigned instruments alone when the directory fails.
     */
    private CompletionStage<Map<String, Set<String>>> withDirectory(
            ClientCommand.Change change, Map<String, Set<String>> assigned) {
        List<String> named = change.feeds().isEmpty() ? List.copyOf(feeds.keySet()) : change.feeds();
        List<String> unresolved;
        synchronized (this) {
            unresolved = change.symbols().stream()
                    .filter(symbol -> !isKnown(symbol, change.feeds(), assigned))
                    .toList();
        }
        if (unresolved.isEmpty()) {
            return CompletableFuture.completedFuture(assigned);
        }
        CompletionStage<Map<String, Set<String>>> asked;
        try {
            asked = directory.live(named, unresolved);
        } catch (RuntimeException e) {
            asked = CompletableFuture.failedFuture(e);
        }
        return asked.handle((found, failure) -> {
            if (failure != null) {
                log.warn("gateway: the security master could not resolve {}: {}", unresolved, failure.toString());
                return assigned;
            }
            Map<String, Set<String>> merged = new HashMap<>(assigned);
            found.forEach((feed, symbols) -> merged.merge(feed, symbols, (a, b) -> {
                Set<String> both = new HashSet<>(a);
                both.addAll(b);
                return both;
            }));
            return merged;
        });
    }

    private synchronized void change(
            GatewayClient client, ClientCommand.Change asked, Map<String, Set<String>> assigned) {
        // Checked before anything is looked up: the work a message causes stays within the cap however long it is.
        if (asked.subscribe() && !fits(client, asked)) {
            return;
        }
        ClientCommand.Change change = asked;
        List<String> unknown = List.of();
        if (asked.subscribe() && !asked.symbols().isEmpty()) {
            List<String> known = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            for (String symbol : asked.symbols()) {
                (isKnown(symbol, asked.feeds(), assigned) ? known : refused).add(symbol);
            }
            unknown = refused;
            if (known.isEmpty()) {
                // Subscribing to nothing would otherwise read as "any symbol" of the named feeds.
                client.outbox().offer(GatewayJson.unknownSymbols(refused, asked.feeds()));
                return;
            }
            change = new ClientCommand.Change(true, known, asked.feeds(), asked.types());
        }
        hub.apply(client, change);
        client.outbox()
                .offer(GatewayJson.acknowledged(
                        change.subscribe() ? "subscribed" : "unsubscribed",
                        change.symbols(),
                        change.feeds(),
                        change.types()));
        if (!unknown.isEmpty()) {
            client.outbox().offer(GatewayJson.unknownSymbols(unknown, asked.feeds()));
        }
        if (change.subscribe() && (change.types().isEmpty() || change.types().contains("orderbook"))) {
            for (Market market : markets.matching(change)) {
                if (market.book() != null) {
                    String book =
                            text(market.book().snapshot(market.feed(), market.instrument(), EpochMicros.now()), null);
                    client.outbox().offer(GatewayJson.withSeq(book, market.bookSeq()));
                }
            }
        }
    }

    /** Whether the client may add the change's combinations; if not, it is told why. */
    private boolean fits(GatewayClient client, ClientCommand.Change change) {
        long added = (long) Math.max(1, change.feeds().size())
                * Math.max(1, change.symbols().size())
                * Math.max(1, change.types().size());
        if (client.keys().size() + added <= spec.maxSubscriptions()) {
            return true;
        }
        client.outbox()
                .offer(GatewayJson.error("subscription too large: "
                        + client.keys().size() + " + " + added + " feed x symbol x type combinations, at most "
                        + spec.maxSubscriptions() + " per connection (gateway.max-subscriptions-per-client)"));
        return false;
    }

    /**
     * Whether {@code symbol} is an instrument of one of the feeds (all served feeds when none are named): assigned to
     * a shard now, configured, or seen on the stream (a Polymarket condition id among them).
     */
    private boolean isKnown(String symbol, List<String> named, Map<String, Set<String>> assigned) {
        for (String feed : named.isEmpty() ? feeds.keySet() : named) {
            if (isEndedLocked(feed, symbol)) {
                continue;
            }
            if (assigned.getOrDefault(feed, Set.of()).contains(symbol)
                    || markets.find(feed, symbol).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every known instrument of the feed (or of all feeds), with what the gateway has seen of it; books as their top
     * level only, so that listing thousands of markets does not copy every book under the lock the pipeline needs.
     */
    public synchronized List<MarketInfo> markets(Optional<String> feed) {
        return markets.all(feed).stream().map(m -> info(m, 1)).toList();
    }

    /** The instrument that {@code symbol} names in that feed (its id, or its alias), if the gateway knows it. */
    public synchronized Optional<MarketInfo> market(String feed, String symbol) {
        return markets.find(feed, symbol).map(m -> info(m, Integer.MAX_VALUE));
    }

    /**
     * The best bid and ask of exactly this instrument (by its id, not an alias): from its book when the gateway keeps
     * one, else from its last ticker when that names a bid or an ask; empty when the gateway has neither.
     */
    public synchronized Optional<TopOfBook> topOfBook(String feed, String instrument) {
        Market market = markets.get(feed, instrument);
        if (market == null) {
            return Optional.empty();
        }
        if (market.book() != null) {
            Optional<Level> bid = market.book().bestBid();
            Optional<Level> ask = market.book().bestAsk();
            return Optional.of(new TopOfBook(
                    feed,
                    instrument,
                    bid.map(Level::price),
                    bid.map(Level::size),
                    ask.map(Level::price),
                    ask.map(Level::size),
                    market.bookAt(),
                    "book"));
        }
        return market.lastTicker()
                .filter(t -> t.bid().isPresent() || t.ask().isPresent())
                .map(t -> new TopOfBook(
                        feed,
                        instrument,
                        t.bid(),
                        t.bid().flatMap(p -> t.bidSize()),
                        t.ask(),
                        t.ask().flatMap(p -> t.askSize()),
                        t.ts(),
                        "ticker"));
    }

    /** Its recent trades, newest first; empty when the instrument is unknown. */
    public synchronized Optional<List<Trade>> trades(String feed, String symbol, int limit) {
        return markets.find(feed, symbol).map(m -> m.recentTrades(limit));
    }

    /** The event clients should see for this one, after applying it; null when they should see none. */
    private MarketEvent apply(GatewayFeed feed, Market market, MarketEvent event, long seq, long receivedAtMicros) {
        if (event instanceof Trade trade) {
            return market.recordTrade(trade) ? trade : null;
        }
        if (event instanceof Ticker ticker) {
            market.lastTicker(ticker);
            return ticker;
        }
        if ((event instanceof BookSnapshot || event instanceof BookDelta) && seq <= market.restoredSeq()) {
            // Already in the ssmd book snapshot the book was restored from.
            return null;
        }
        if (event instanceof BookSnapshot snapshot) {
            OrderBook book = feed.newBook();
            book.apply(snapshot);
            market.book(book, seq);
            market.bookSince(receivedAtMicros);
            market.bookAt(receivedAtMicros);
            // Clients get the book as kept (depth-capped), the same book a later subscriber starts from.
            return book.snapshot(snapshot.feed(), snapshot.instrument(), snapshot.ts());
        }
        if (event instanceof BookDelta delta) {
            // Without a book (none sent yet, or dropped at a resync) a delta means nothing: wait for the snapshot.
            if (market.book() == null) {
                return null;
            }
            market.book(market.book(), seq);
            market.bookAt(receivedAtMicros);
            return market.book().apply(delta);
        }
        return event;
    }

    /** A copy of what is known of a market, its book cut to {@code depth} levels a side. */
    private static MarketInfo info(Market market, int depth) {
        return new MarketInfo(
                market.feed(),
                market.instrument(),
                Optional.ofNullable(market.alias()),
                Optional.ofNullable(market.shard()),
                market.lastTicker(),
                market.lastTrade(),
                Optional.ofNullable(market.book())
                        .map(b -> depth == Integer.MAX_VALUE
                                ? b.snapshot(market.feed(), market.instrument(), EpochMicros.now())
                                : new BookSnapshot(
                                        market.feed(),
                                        market.instrument(),
                                        b.bestBid().stream().toList(),
                                        b.bestAsk().stream().toList(),
                                        EpochMicros.now())));
    }

    private static String text(MarketEvent event, byte[] raw) {
        return new String(
                raw == null ? MarketEventJson.write(event) : MarketEventJson.write(event, raw), StandardCharsets.UTF_8);
    }
}
