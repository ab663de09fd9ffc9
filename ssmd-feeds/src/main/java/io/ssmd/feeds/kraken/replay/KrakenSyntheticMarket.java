package io.ssmd.feeds.kraken.replay;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A synthetic Kraken spot market for one session: per pair a book and a tape, created when first asked for, and the
 * {@code book}, {@code trade} and {@code ticker} frames about them. Frames may carry entries for several pairs, as
 * Kraken's do.
 *
 * <p>Deterministic: each pair draws from its own generator, seeded from the session seed and the symbol, so a pair's
 * frames depend only on the seed and on the order of the events asked of it, not on the other pairs. Only the
 * {@code timestamp} fields come from the clock.
 */
public final class KrakenSyntheticMarket {

    private final long seed;
    private final Map<String, Pair> pairs = new HashMap<>();
    private final StringBuilder sb = new StringBuilder(8192);

    /** A pair's state: its book and the trades against it. */
    private record Pair(KrakenSyntheticBook book, KrakenSyntheticTape tape) {}

    /** What a pump of trades produced: the trade frame and, for the pairs whose book is followed too, a book update. */
    public record Traded(String tradeFrame, String bookFrame) {}

    public KrakenSyntheticMarket(long seed) {
        this.seed = seed;
    }

    private Pair pair(String symbol, long nowMicros) {
        Pair pair = pairs.get(symbol);
        if (pair == null) {
            SplittableRandom random = new SplittableRandom(seed ^ (symbol.hashCode() * 0x9E3779B97F4A7C15L));
            KrakenSyntheticBook book = new KrakenSyntheticBook(KrakenInstruments.of(symbol), random);
            pair = new Pair(book, new KrakenSyntheticTape(book, random, nowMicros));
            pairs.put(symbol, pair);
        }
        return pair;
    }

    /** A {@code book} snapshot of {@code depth} levels a side; from now on updates cover that depth. */
    public String bookSnapshot(String symbol, int depth, long nowMicros) {
        KrakenSyntheticBook book = pair(symbol, nowMicros).book();
        book.depth(depth);
        start("book", "snapshot");
        book.appendSnapshot(sb, KrakenFrames.timestamp(nowMicros));
        return end();
    }

    /**
     * One {@code book} update frame: a random change in each pair's book, one entry per pair.
     *
     * @param wrongChecksum a fault: the first entry's checksum is wrong (its levels are right)
     */
    public String bookUpdate(List<String> symbols, long nowMicros, boolean wrongChecksum) {
        String timestamp = KrakenFrames.timestamp(nowMicros);
        start("book", "update");
        for (int i = 0; i < symbols.size(); i++) {
            KrakenSyntheticBook book = pair(symbols.get(i), nowMicros).book();
            book.beginEvent();
            book.randomChange();
            comma(i);
            book.appendUpdate(sb, timestamp, wrongChecksum && i == 0);
        }
        return end();
    }

    /**
     * Trades in each pair, and the book updates they cause where the session follows the book.
     *
     * @param followsBook whether the session is subscribed to a pair's book
     * @param wrongChecksum a fault for the book update, as in {@link #bookUpdate}
     */
    public Traded trades(List<String> symbols, Predicate<String> followsBook, long nowMicros, boolean wrongChecksum) {
        String timestamp = KrakenFrames.timestamp(nowMicros);
        start("trade", "update");
        for (int i = 0; i < symbols.size(); i++) {
            Pair pair = pair(symbols.get(i), nowMicros);
            pair.book().beginEvent();
            pair.tape().trade(sb, i > 0, nowMicros, timestamp);
        }
        String tradeFrame = end();
        start("book", "update");
        int books = 0;
        for (String symbol : symbols) {
            if (followsBook.test(symbol)) {
                comma(books++);
                pairs.get(symbol).book().appendUpdate(sb, timestamp, wrongChecksum && books == 1);
            }
        }
        String bookFrame = end();
        return new Traded(tradeFrame, books > 0 ? bookFrame : null);
    }

    /** The trade snapshot sent on subscribing: the pair's last 50 trades. */
    String tradeSnapshot(String symbol, long nowMicros) {
        Pair pair = pair(symbol, nowMicros);
        start("trade", "snapshot");
        pair.tape().appendSnapshot(sb);
        return end();
    }

    /** A {@code ticker} frame, one entry per pair. */
    String ticker(List<String> symbols, boolean snapshot, long nowMicros) {
        String timestamp = KrakenFrames.timestamp(nowMicros);
        start("ticker", snapshot ? "snapshot" : "update");
        for (int i = 0; i < symbols.size(); i++) {
            comma(i);
            pair(symbols.get(i), nowMicros).tape().appendTicker(sb, timestamp);
        }
        return end();
    }

    private void start(String channel, String type) {
        sb.setLength(0);
        sb.append("{\"channel\":\"")
                .append(channel)
                .append("\",\"type\":\"")
                .append(type)
                .append("\",\"data\":[");
    }

    private void comma(int index) {
        if (index > 0) {
            sb.append(',');
        }
    }

    private String end() {
        return sb.append("]}").toString();
    }
}
