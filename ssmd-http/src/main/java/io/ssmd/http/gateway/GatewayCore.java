package io.ssmd.http.gateway;

import io.ssmd.core.config.GatewaySpec;
import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.MarketEventJson;
import io.ssmd.core.model.OrderBook;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.EpochMicros;
import io.ssmd.core.subject.Subjects;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
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

    /** Feed × symbol × type combinations one connection may hold: each costs an index entry. */
    static final int MAX_KEYS_PER_CLIENT = 50_000;

    private final Map<String, GatewayFeed> feeds;
    private final GatewaySpec spec;
    private final GatewayMetrics metrics;
    private final LongSupplier nanoClock;
    private final ClientHub hub = new ClientHub();
    private final Map<String, Map<String, Market>> marketsByFeed = new LinkedHashMap<>();
    private final AtomicLong clientIds = new AtomicLong();
    private final AtomicLong normalizeFailures = new AtomicLong();

    public GatewayCore(List<GatewayFeed> feeds, GatewaySpec spec, GatewayMetrics metrics) {
        this(feeds, spec, metrics, System::nanoTime);
    }

    GatewayCore(List<GatewayFeed> feeds, GatewaySpec spec, GatewayMetrics metrics, LongSupplier nanoClock) {
        this.feeds =
                feeds.stream().collect(Collectors.toMap(GatewayFeed::name, f -> f, (a, b) -> a, LinkedHashMap::new));
        this.spec = spec;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        for (GatewayFeed feed : feeds) {
            Map<String, Market> markets = marketsByFeed.computeIfAbsent(feed.name(), f -> new LinkedHashMap<>());
            feed.instruments().forEach(id -> markets.put(id, new Market(feed.name(), id, spec.recentTrades())));
        }
    }

    /** The feeds served, by name. */
    public Set<String> feedNames() {
        return feeds.keySet();
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
                MarketEvent event = raw.ts() == 0 ? raw.withTs(receivedAtMicros) : raw;
                Market market = market(gatewayFeed, event.instrument());
                if (!token.equals(Subjects.token(event.instrument()))) {
                    market.alias(token);
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
    public synchronized void onControl(ControlEvent event, boolean live) {
        if (ControlEvent.ALIVE.equals(event.event())) {
            // A shard's periodic sign of life is for the archive's gap log, not news to a client.
            return;
        }
        if (ControlEvent.RESYNC.equals(event.event()) || ControlEvent.DISCONNECTED.equals(event.event())) {
            Map<String, Market> markets = marketsByFeed.getOrDefault(event.feed(), Map.of());
            // A shard that names no instruments (the Kalshi lifecycle companion, an emptied shard) carries no books.
            List<Market> concerned = event.instruments().stream()
                    .map(markets::get)
                    .filter(m -> m != null)
                    .toList();
            for (Market market : concerned) {
                if (market.bookSince() <= event.ts()) {
                    market.book(null, 0);
                }
            }
        }
        if (live) {
            hub.deliverStatus(event.feed(), event.instruments(), GatewayJson.status(event));
        }
    }

    /** A new client with its own bounded outbox; it receives nothing until it subscribes. */
    public synchronized GatewayClient connect(boolean raw) {
        GatewayClient client = new GatewayClient(
                clientIds.incrementAndGet(),
                raw,
                new ClientOutbox(spec.clientQueueSize(), spec.maxLag(), metrics, nanoClock));
        hub.add(client);
        metrics.clientConnected();
        return client;
    }

    public synchronized void disconnect(GatewayClient client) {
        hub.remove(client);
        metrics.clientDisconnected();
    }

    /** Clients connected now. */
    public synchronized int clientCount() {
        return hub.size();
    }

    /** Handles one text message from a client; a bad one gets an error event and changes nothing. */
    public void onClientMessage(GatewayClient client, String text) {
        ClientCommand command;
        try {
            command = ClientCommand.parse(text, feeds.keySet());
        } catch (ClientCommand.Invalid e) {
            client.outbox().offer(GatewayJson.error(e.getMessage()));
            return;
        }
        if (command instanceof ClientCommand.Ping ping) {
            client.outbox().offer(GatewayJson.pong(ping.id()));
        } else if (command instanceof ClientCommand.Change change) {
            change(client, change);
        }
    }

    private synchronized void change(GatewayClient client, ClientCommand.Change change) {
        long added = (long) Math.max(1, change.feeds().size())
                * Math.max(1, change.symbols().size())
                * Math.max(1, change.types().size());
        if (change.subscribe() && client.keys().size() + added > MAX_KEYS_PER_CLIENT) {
            client.outbox()
                    .offer(GatewayJson.error("subscription too large: "
                            + client.keys().size() + " + " + added + " feed x symbol x type combinations, at most "
                            + MAX_KEYS_PER_CLIENT + " per connection"));
            return;
        }
        hub.apply(client, change);
        client.outbox()
                .offer(GatewayJson.acknowledged(
                        change.subscribe() ? "subscribed" : "unsubscribed",
                        change.symbols(),
                        change.feeds(),
                        change.types()));
        if (change.subscribe() && (change.types().isEmpty() || change.types().contains("orderbook"))) {
            for (Market market : matching(change)) {
                if (market.book() != null) {
                    String book =
                            text(market.book().snapshot(market.feed(), market.instrument(), EpochMicros.now()), null);
                    client.outbox().offer(GatewayJson.withSeq(book, market.bookSeq()));
                }
            }
        }
    }

    /**
     * Every known instrument of the feed (or of all feeds), with what the gateway has seen of it; books as their top
     * level only, so that listing thousands of markets does not copy every book under the lock the pipeline needs.
     */
    public synchronized List<MarketInfo> markets(Optional<String> feed) {
        List<MarketInfo> infos = new ArrayList<>();
        marketsByFeed.forEach((name, markets) -> {
            if (feed.isEmpty() || feed.get().equals(name)) {
                markets.values().forEach(m -> infos.add(info(m, 1)));
            }
        });
        return infos;
    }

    /** The instrument that {@code symbol} names in that feed (its id, or its alias), if the gateway knows it. */
    public synchronized Optional<MarketInfo> market(String feed, String symbol) {
        return find(feed, symbol).map(m -> info(m, Integer.MAX_VALUE));
    }

    /** Its recent trades, newest first; empty when the instrument is unknown. */
    public synchronized Optional<List<Trade>> trades(String feed, String symbol, int limit) {
        return find(feed, symbol).map(m -> m.recentTrades(limit));
    }

    private Optional<Market> find(String feed, String symbol) {
        Map<String, Market> markets = marketsByFeed.getOrDefault(feed, Map.of());
        Market exact = markets.get(symbol);
        if (exact != null) {
            return Optional.of(exact);
        }
        return markets.values().stream().filter(m -> m.answersTo(symbol)).findFirst();
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
        if (event instanceof BookSnapshot snapshot) {
            OrderBook book = feed.newBook();
            book.apply(snapshot);
            market.book(book, seq);
            market.bookSince(receivedAtMicros);
            // Clients get the book as kept (depth-capped), the same book a later subscriber starts from.
            return book.snapshot(snapshot.feed(), snapshot.instrument(), snapshot.ts());
        }
        if (event instanceof BookDelta delta) {
            // Without a book (none sent yet, or dropped at a resync) a delta means nothing: wait for the snapshot.
            if (market.book() == null) {
                return null;
            }
            market.book(market.book(), seq);
            return market.book().apply(delta);
        }
        return event;
    }

    private Market market(GatewayFeed feed, String instrument) {
        return marketsByFeed
                .computeIfAbsent(feed.name(), f -> new LinkedHashMap<>())
                .computeIfAbsent(instrument, id -> new Market(feed.name(), id, spec.recentTrades()));
    }

    private List<Market> matching(ClientCommand.Change change) {
        List<Market> found = new ArrayList<>();
        marketsByFeed.forEach((feed, markets) -> {
            if (change.feeds().isEmpty() || change.feeds().contains(feed)) {
                for (Market market : markets.values()) {
                    if (change.symbols().isEmpty() || change.symbols().stream().anyMatch(market::answersTo)) {
                        found.add(market);
                    }
                }
            }
        });
        return found;
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
