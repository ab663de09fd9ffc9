package io.ssmd.feeds.krakenfutures.replay;

import static io.ssmd.feeds.krakenfutures.replay.KrakenFuturesFrames.appendDecimal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One perpetual of the synthetic market: its book, its trades and its ticker statistics, and the frames that show
 * them. Trades happen at the best bid or ask and take from that level; the book changes a trade makes go out
 * first in the product's next {@code book} turn. A session takes turns round the feeds of a product, so a client
 * watching both has always been sent the book a trade happened in: every trade is at the touch of its rebuilt book.
 */
final class KrakenFuturesSyntheticProduct {

    /** Trades kept for a {@code trade_snapshot}, newest first. */
    static final int TRADE_HISTORY = 20;

    private static final long HOUR_MILLIS = 3_600_000L;
    private static final int RATE_SCALE = 18;

    private final KrakenFuturesProductSpec spec;
    private final SplittableRandom random;
    private final KrakenFuturesSyntheticBook book;
    /** Book changes made by trades that the client, watching the book, has not been sent yet. */
    private final ArrayDeque<KrakenFuturesSyntheticBook.Change> unsent = new ArrayDeque<>();

    private final ArrayDeque<String> recentTrades = new ArrayDeque<>();
    private final String fundingRate;
    private final String fundingRatePrediction;
    private final String relativeFundingRate;
    private final String relativeFundingRatePrediction;
    private boolean bookWatched;
    private long bookSeq;
    private long tradeSeq;
    private long last;
    private final long open;
    private long high;
    private long low;
    private long volumeLots;
    private long volumeQuote;
    private long openInterestLots;

    KrakenFuturesSyntheticProduct(KrakenFuturesProductSpec spec, long seed, long nowMillis) {
        this.spec = spec;
        this.random = new SplittableRandom(seed ^ (spec.id().hashCode() * 0x9E3779B97F4A7C15L));
        this.book = new KrakenFuturesSyntheticBook(spec, random);
        this.bookSeq = 100_000_000L + random.nextLong(300_000_000L);
        this.tradeSeq = 10_000L + random.nextLong(1_000_000L);
        this.last = book.bestBid();
        this.open =
                spec.referenceTicks() + random.nextLong(-spec.referenceTicks() / 50, spec.referenceTicks() / 50 + 1);
        this.high = Math.max(open, book.bestAsk()) + random.nextLong(spec.referenceTicks() / 40 + 1);
        this.low = Math.min(open, book.bestBid()) - random.nextLong(spec.referenceTicks() / 40 + 1);
        this.volumeLots = spec.typicalLots() * (1_000 + random.nextLong(5_000));
        this.volumeQuote = volumeLots * spec.referenceTicks();
        this.openInterestLots = spec.typicalLots() * (2_000 + random.nextLong(8_000));
        // A perpetual's relative funding rate is a few millionths per hour; the absolute one is that times the price.
        long relative = random.nextLong(-8_000_000_000_000L, 8_000_000_000_000L);
        long predicted = relative / 4 + random.nextLong(-1_000_000_000_000L, 1_000_000_000_000L);
        this.relativeFundingRate = KrakenFuturesFrames.rate(relative, RATE_SCALE);
        this.relativeFundingRatePrediction = KrakenFuturesFrames.rate(predicted, RATE_SCALE);
        this.fundingRate = KrakenFuturesFrames.rate(timesReference(relative), RATE_SCALE);
        this.fundingRatePrediction = KrakenFuturesFrames.rate(timesReference(predicted), RATE_SCALE);
        for (int i = 0; i < TRADE_HISTORY / 2; i++) {
            trade(nowMillis - (TRADE_HISTORY / 2 - i) * 997L);
        }
    }

    String id() {
        return spec.id();
    }

    /** Whether the client is subscribed to this book, so that fills must reach it as deltas. */
    void watchBook(boolean watched) {
        bookWatched = watched;
        unsent.clear();
    }

    /** The whole book, as {@code book_snapshot}; the next delta's {@code seq} follows this one's. */
    String bookSnapshot(long nowMillis) {
        unsent.clear();
        StringBuilder out = new StringBuilder(64 + 40 * 2 * KrakenFuturesSyntheticBook.TARGET_LEVELS);
        out.append("{\"feed\":\"book_snapshot\",\"product_id\":\"")
                .append(spec.id())
                .append("\",\"timestamp\":")
                .append(nowMillis)
                .append(",\"seq\":")
                .append(bookSeq)
                // The live snapshot carries a null tickSize too.
                .append(",\"tickSize\":null,\"bids\":");
        appendLevels(out, book.bids());
        out.append(",\"asks\":");
        appendLevels(out, book.asks());
        return out.append('}').toString();
    }

    /**
     * The next {@code book} deltas: the changes made since the client's last book frame (by trades), then one new
     * change.
     *
     * @param skipSeq asked once per delta: true makes that delta's {@code seq} jump by 2 (a fault), so the client
     *                sees one missing
     */
    void nextBookDeltas(long nowMillis, BooleanSupplier skipSeq, Consumer<String> out) {
        while (!unsent.isEmpty()) {
            out.accept(delta(unsent.poll(), nowMillis, skipSeq.getAsBoolean()));
        }
        out.accept(delta(book.randomChange(), nowMillis, skipSeq.getAsBoolean()));
    }

    private String delta(KrakenFuturesSyntheticBook.Change change, long nowMillis, boolean skipSeq) {
        bookSeq += skipSeq ? 2 : 1;
        StringBuilder out = new StringBuilder(140);
        out.append("{\"feed\":\"book\",\"product_id\":\"")
                .append(spec.id())
                .append("\",\"side\":\"")
                .append(change.buy() ? "buy" : "sell")
                .append("\",\"seq\":")
                .append(bookSeq)
                .append(",\"price\":");
        appendDecimal(out, change.price(), spec.priceScale()).append(",\"qty\":");
        appendDecimal(out, change.qty(), spec.qtyScale())
                .append(",\"timestamp\":")
                .append(nowMillis)
                .append('}');
        return out.toString();
    }

    /** The last trades, newest first, as {@code trade_snapshot}. */
    String tradeSnapshot() {
        StringBuilder out = new StringBuilder(64 + 200 * recentTrades.size());
        out.append("{\"feed\":\"trade_snapshot\",\"product_id\":\"")
                .append(spec.id())
                .append("\",\"trades\":[");
        Iterator<String> trades = recentTrades.iterator();
        while (trades.hasNext()) {
            out.append(trades.next()).append(trades.hasNext() ? "," : "");
        }
        return out.append("]}").toString();
    }

    /**
     * A new trade at the best bid or ask, taken from that level, and then a new quote or cancel elsewhere in the book,
     * so that the book keeps moving for a client that watches only trades. The frame is the {@code trade} message.
     */
    String trade(long nowMillis) {
        int lean = book.lean();
        boolean takerBuys = lean == 0 ? random.nextBoolean() : (random.nextInt(3) == 0) != (lean > 0);
        long price = takerBuys ? book.bestAsk() : book.bestBid();
        long available = takerBuys ? book.bestAskQty() : book.bestBidQty();
        // Now and then a taker takes the whole level; mostly a part of it.
        long lots = random.nextInt(8) == 0 ? available : 1 + random.nextLong(Math.min(available, spec.typicalLots()));
        KrakenFuturesSyntheticBook.Change fill = book.fill(takerBuys, lots);
        if (fill != null && bookWatched) {
            unsent.add(fill);
        }
        KrakenFuturesSyntheticBook.Change refresh = book.randomChange();
        if (bookWatched) {
            unsent.add(refresh);
        }
        tradeSeq++;
        last = price;
        high = Math.max(high, price);
        low = Math.min(low, price);
        volumeLots += lots;
        volumeQuote += lots * price;
        UUID uid = new UUID(
                (random.nextLong() & ~0xF000L) | 0x4000L,
                (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
        StringBuilder out = new StringBuilder(200);
        out.append("{\"feed\":\"trade\",\"product_id\":\"")
                .append(spec.id())
                .append("\",\"uid\":\"")
                .append(uid)
                .append("\",\"side\":\"")
                .append(takerBuys ? "buy" : "sell")
                .append("\",\"type\":\"fill\",\"seq\":")
                .append(tradeSeq)
                .append(",\"time\":")
                .append(nowMillis)
                .append(",\"qty\":");
        appendDecimal(out, lots, spec.qtyScale()).append(",\"price\":");
        String frame = appendDecimal(out, price, spec.priceScale()).append('}').toString();
        recentTrades.addFirst(frame);
        if (recentTrades.size() > TRADE_HISTORY) {
            recentTrades.removeLast();
        }
        return frame;
    }

    /** The {@code ticker} message, fields in the order of the live frames (exchanges/kraken-futures, 2026). */
    String ticker(long nowMillis) {
        int ps = spec.priceScale();
        long mid2 = book.bestBid() + book.bestAsk();
        // The index comes with two more decimals than the tick, the mark price with eight (65359.83, 65358.79858...).
        long index = mid2 * 50 + random.nextLong(-60, 61);
        long mark = mid2 * 50_000_000L + random.nextLong(-40_000_000L, 40_000_001L);
        long premiumTenths = (mark / 1_000_000L - index) * 1_000L / index;
        long changeHundredths = (last - open) * 10_000L / open;
        openInterestLots = Math.max(
                spec.typicalLots(), openInterestLots + random.nextLong(-spec.typicalLots(), spec.typicalLots() + 1));
        StringBuilder out = new StringBuilder(720);
        out.append("{\"time\":")
                .append(nowMillis)
                .append(",\"product_id\":\"")
                .append(spec.id())
                .append("\",\"funding_rate\":")
                .append(fundingRate)
                .append(",\"funding_rate_prediction\":")
                .append(fundingRatePrediction)
                .append(",\"relative_funding_rate\":")
                .append(relativeFundingRate)
                .append(",\"relative_funding_rate_prediction\":")
                .append(relativeFundingRatePrediction)
                .append(",\"next_funding_rate_time\":")
                .append((nowMillis / HOUR_MILLIS + 1) * HOUR_MILLIS)
                .append(",\"leverage\":\"50x\",\"premium\":");
        appendDecimal(out, premiumTenths, 1).append(",\"feed\":\"ticker\",\"bid\":");
        appendDecimal(out, book.bestBid(), ps).append(",\"ask\":");
        appendDecimal(out, book.bestAsk(), ps).append(",\"bid_size\":");
        appendDecimal(out, book.bestBidQty(), spec.qtyScale()).append(",\"ask_size\":");
        appendDecimal(out, book.bestAskQty(), spec.qtyScale()).append(",\"volume\":");
        appendDecimal(out, volumeLots, spec.qtyScale()).append(",\"dtm\":0,\"index\":");
        appendDecimal(out, index, ps + 2).append(",\"last\":");
        appendDecimal(out, last, ps).append(",\"change\":");
        appendDecimal(out, changeHundredths, 2)
                .append(",\"suspended\":false,\"tag\":\"perpetual\",\"pair\":\"")
                .append(spec.pair())
                .append("\",\"openInterest\":");
        appendDecimal(out, openInterestLots, spec.qtyScale()).append(",\"markPrice\":");
        appendDecimal(out, mark, ps + 8).append(",\"maturityTime\":0,\"post_only\":false,\"volumeQuote\":");
        appendDecimal(out, volumeQuote, ps + spec.qtyScale()).append(",\"open\":");
        appendDecimal(out, open, ps).append(",\"high\":");
        appendDecimal(out, high, ps).append(",\"low\":");
        return appendDecimal(out, low, ps).append('}').toString();
    }

    private void appendLevels(StringBuilder out, Iterable<Map.Entry<Long, Long>> levels) {
        out.append('[');
        boolean first = true;
        for (Map.Entry<Long, Long> level : levels) {
            out.append(first ? "{\"price\":" : ",{\"price\":");
            appendDecimal(out, level.getKey(), spec.priceScale()).append(",\"qty\":");
            appendDecimal(out, level.getValue(), spec.qtyScale()).append('}');
            first = false;
        }
        out.append(']');
    }

    /** A relative rate (scale 18) times the reference price, back at scale 18. */
    private long timesReference(long relative) {
        return BigDecimal.valueOf(relative)
                .multiply(BigDecimal.valueOf(spec.referenceTicks(), spec.priceScale()))
                .setScale(0, RoundingMode.HALF_EVEN)
                .longValueExact();
    }
}
