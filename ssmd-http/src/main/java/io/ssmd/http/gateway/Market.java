package io.ssmd.http.gateway;

import io.ssmd.core.model.OrderBook;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the gateway keeps about one instrument: its book (when the feed sends one), last ticker, last trade and a
 * bounded ring of recent trades. Not thread-safe: {@link GatewayCore} reads and changes it under its lock.
 */
final class Market {

    private final String feed;
    private final String instrument;
    private final int tradesKept;
    private final ArrayDeque<Trade> trades = new ArrayDeque<>();
    private final Set<String> tradeIds = new HashSet<>();
    private String alias;
    private String shard;
    private OrderBook book;
    private long bookSeq;
    private long bookSince;
    private long bookAt;
    private long restoredSeq;
    private Ticker lastTicker;

    Market(String feed, String instrument, int tradesKept) {
        this.feed = feed;
        this.instrument = instrument;
        this.tradesKept = tradesKept;
    }

    String feed() {
        return feed;
    }

    String instrument() {
        return instrument;
    }

    /** The other symbol this instrument answers to (a Polymarket asset's condition id), or null. */
    String alias() {
        return alias;
    }

    void alias(String value) {
        alias = value;
    }

    /** The shard that last published about it (from {@code Ssmd-Shard}), or null. */
    String shard() {
        return shard;
    }

    void shard(String value) {
        shard = value;
    }

    /**
     * Records a trade; false when its id is among the recent ones already recorded (a venue re-sending trades on
     * resubscribe), in which case clients should not see it again.
     */
    boolean recordTrade(Trade trade) {
        if (trade.tradeId().isPresent() && !tradeIds.add(trade.tradeId().get())) {
            return false;
        }
        trades.addLast(trade);
        while (trades.size() > tradesKept) {
            trades.pollFirst().tradeId().ifPresent(tradeIds::remove);
        }
        return true;
    }

    /** The most recent trades, newest first, at most {@code limit}. */
    List<Trade> recentTrades(int limit) {
        List<Trade> newestFirst = new ArrayList<>(Math.min(limit, trades.size()));
        var it = trades.descendingIterator();
        while (it.hasNext() && newestFirst.size() < limit) {
            newestFirst.add(it.next());
        }
        return newestFirst;
    }

    Optional<Trade> lastTrade() {
        return Optional.ofNullable(trades.peekLast());
    }

    Optional<Ticker> lastTicker() {
        return Optional.ofNullable(lastTicker);
    }

    void lastTicker(Ticker ticker) {
        lastTicker = ticker;
    }

    /** The book, or null while there is none (never sent, or dropped at a resync until the next snapshot). */
    OrderBook book() {
        return book;
    }

    /** Sets the book, as of the message with stream sequence {@code seq}. */
    void book(OrderBook value, long seq) {
        book = value;
        bookSeq = seq;
    }

    /** When the snapshot the book started from was received (epoch µs), 0 without a book. */
    long bookSince() {
        return book == null ? 0 : bookSince;
    }

    void bookSince(long receivedAtMicros) {
        bookSince = receivedAtMicros;
    }

    /** When the book last changed: the receive time (epoch µs) of the message applied last, 0 without a book. */
    long bookAt() {
        return book == null ? 0 : bookAt;
    }

    void bookAt(long receivedAtMicros) {
        bookAt = receivedAtMicros;
    }

    /**
     * The sequence of the ssmd book snapshot the book was restored from at start (0 for none): book messages and
     * control events up to it are already reflected in the book.
     */
    long restoredSeq() {
        return restoredSeq;
    }

    void restoredSeq(long seq) {
        restoredSeq = seq;
    }

    /** The stream sequence of the last message applied to the book. */
    long bookSeq() {
        return bookSeq;
    }
}
