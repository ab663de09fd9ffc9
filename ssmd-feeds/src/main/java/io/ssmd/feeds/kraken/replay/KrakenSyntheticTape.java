package io.ssmd.feeds.kraken.replay;

import java.util.SplittableRandom;

/**
 * One pair's synthetic trades and 24-hour ticker statistics. Trades execute against the pair's book (at its best
 * bid or ask, so never outside the spread) and carry sequential {@code trade_id}s, as Kraken's do per book.
 */
final class KrakenSyntheticTape {

    /** Kraken's trade snapshot holds the last 50 trades. */
    static final int SNAPSHOT_TRADES = 50;

    private final KrakenSyntheticBook book;
    private final KrakenInstrument instrument;
    private final SplittableRandom random;
    private final boolean[] buys = new boolean[SNAPSHOT_TRADES];
    private final boolean[] limits = new boolean[SNAPSHOT_TRADES];
    private final long[] prices = new long[SNAPSHOT_TRADES];
    private final long[] qtys = new long[SNAPSHOT_TRADES];
    private final long[] ids = new long[SNAPSHOT_TRADES];
    private final long[] micros = new long[SNAPSHOT_TRADES];
    private int recorded;
    private long nextTradeId;
    private final long open;
    private long last;
    private long low;
    private long high;
    private long volume;
    private double notional;
    private long trades;

    /** A tape with a day's statistics and 50 trades of history, the last one about now. */
    KrakenSyntheticTape(KrakenSyntheticBook book, SplittableRandom random, long nowMicros) {
        this.book = book;
        this.instrument = book.instrument();
        this.random = random;
        this.nextTradeId = 1_000_000 + random.nextLong(50_000_000);
        long mid = (book.bestBid() + book.bestAsk()) / 2;
        this.open = Math.max(1, Math.round(mid * (1 + (random.nextDouble() - 0.5) * 0.04)));
        this.low = Math.min(open, book.bestBid()) - random.nextLong(1, mid / 100 + 2);
        this.high = Math.max(open, book.bestAsk()) + random.nextLong(1, mid / 100 + 2);
        this.low = Math.max(1, low);
        this.volume = instrument.typicalQty() * (2_000 + random.nextLong(4_000));
        this.notional = (double) volume * mid;
        this.trades = 10_000 + random.nextLong(40_000);
        this.last = book.bestBid();
        for (int i = SNAPSHOT_TRADES; i > 0; i--) {
            boolean buy = random.nextBoolean();
            long qty = Math.max(1, Math.round(instrument.typicalQty() * random.nextDouble() * 0.5));
            record(buy, buy ? book.bestAsk() : book.bestBid(), qty, nowMicros - i * 1_200_000L);
        }
    }

    private void record(boolean buy, long price, long qty, long atMicros) {
        int slot = recorded % SNAPSHOT_TRADES;
        buys[slot] = buy;
        limits[slot] = random.nextInt(3) == 0;
        prices[slot] = price;
        qtys[slot] = qty;
        ids[slot] = nextTradeId++;
        micros[slot] = atMicros;
        recorded++;
        last = price;
        low = Math.min(low, price);
        high = Math.max(high, price);
        volume += qty;
        notional += (double) price * qty;
        trades++;
    }

    /**
     * A taker order filled at the best bid or ask, appended as {@code trade} entries: one, or sometimes two or three
     * at the same price (one taker order meeting several resting orders of the level, as Kraken batches them).
     *
     * @param comma whether an entry precedes these in the frame
     */
    void trade(StringBuilder sb, boolean comma, long nowMicros, String timestamp) {
        boolean buy = random.nextBoolean();
        long[] fill = book.take(buy);
        long left = fill[1];
        int count = (int) Math.min(left, random.nextInt(8) == 0 ? 2 + random.nextInt(2) : 1);
        for (int i = 0; i < count; i++) {
            long qty = i == count - 1 ? left : 1 + random.nextLong(left - (count - 1 - i));
            left -= qty;
            record(buy, fill[0], qty, nowMicros);
            appendTrade(sb, comma || i > 0, (recorded - 1) % SNAPSHOT_TRADES, timestamp);
        }
    }

    /** The last 50 trades, oldest first, as a snapshot's entries. */
    void appendSnapshot(StringBuilder sb) {
        int n = Math.min(recorded, SNAPSHOT_TRADES);
        for (int i = 0; i < n; i++) {
            int slot = (recorded - n + i) % SNAPSHOT_TRADES;
            appendTrade(sb, i > 0, slot, KrakenFrames.timestamp(micros[slot]));
        }
    }

    private void appendTrade(StringBuilder sb, boolean comma, int slot, String timestamp) {
        if (comma) {
            sb.append(',');
        }
        sb.append("{\"symbol\":\"")
                .append(instrument.symbol())
                .append("\",\"side\":\"")
                .append(buys[slot] ? "buy" : "sell")
                .append("\",\"price\":");
        KrakenInstrument.appendDecimal(sb, prices[slot], instrument.priceDecimals());
        sb.append(",\"qty\":");
        KrakenInstrument.appendDecimal(sb, qtys[slot], instrument.qtyDecimals());
        sb.append(",\"ord_type\":\"")
                .append(limits[slot] ? "limit" : "market")
                .append("\",\"trade_id\":")
                .append(ids[slot])
                .append(",\"timestamp\":\"")
                .append(timestamp)
                .append("\"}");
    }

    /** A {@code ticker} entry: the book's best levels and the day's statistics, in Kraken's field order. */
    void appendTicker(StringBuilder sb, String timestamp) {
        int price = instrument.priceDecimals();
        int qty = instrument.qtyDecimals();
        sb.append("{\"symbol\":\"").append(instrument.symbol()).append("\",\"bid\":");
        KrakenInstrument.appendDecimal(sb, book.bestBid(), price);
        sb.append(",\"bid_qty\":");
        KrakenInstrument.appendDecimal(sb, book.bestBidQty(), qty);
        sb.append(",\"ask\":");
        KrakenInstrument.appendDecimal(sb, book.bestAsk(), price);
        sb.append(",\"ask_qty\":");
        KrakenInstrument.appendDecimal(sb, book.bestAskQty(), qty);
        sb.append(",\"last\":");
        KrakenInstrument.appendDecimal(sb, last, price);
        sb.append(",\"volume\":");
        KrakenInstrument.appendDecimal(sb, volume, qty);
        sb.append(",\"vwap\":");
        KrakenInstrument.appendDecimal(sb, Math.round(notional / volume), price);
        sb.append(",\"low\":");
        KrakenInstrument.appendDecimal(sb, low, price);
        sb.append(",\"high\":");
        KrakenInstrument.appendDecimal(sb, high, price);
        sb.append(",\"change\":");
        KrakenInstrument.appendDecimal(sb, last - open, price);
        // change_pct has two decimals on the wire (0.01 in a real USDT/USD frame).
        sb.append(",\"change_pct\":");
        KrakenInstrument.appendDecimal(sb, Math.round((last - open) * 10_000.0 / open), 2);
        sb.append(",\"trades\":")
                .append(trades)
                .append(",\"timestamp\":\"")
                .append(timestamp)
                .append("\"}");
    }
}
