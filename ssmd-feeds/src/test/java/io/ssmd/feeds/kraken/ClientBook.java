package io.ssmd.feeds.kraken;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client's copy of one Kraken book, kept the way PROTOCOLS.md §2.4 tells clients to: apply every level of an
 * entry (qty 0 deletes), truncate each side to the subscribed depth, then compare the checksum. Levels are read
 * from the raw frame text with a pattern, so the numbers are exactly the wire's.
 */
public final class ClientBook {

    /** One {@code book} entry of a frame, as wire text. */
    public record Entry(String symbol, List<String[]> bids, List<String[]> asks, long checksum) {}

    private static final Pattern ENTRY = Pattern.compile(
            "\\{\"symbol\":\"([^\"]+)\",\"bids\":\\[([^\\]]*)\\],\"asks\":\\[([^\\]]*)\\],\"checksum\":(\\d+)");
    private static final Pattern LEVEL = Pattern.compile("\\{\"price\":([0-9.]+),\"qty\":([0-9.]+)\\}");

    private final int depth;
    private final TreeMap<BigDecimal, String[]> bids = new TreeMap<>(Comparator.reverseOrder());
    private final TreeMap<BigDecimal, String[]> asks = new TreeMap<>();

    public ClientBook(int depth) {
        this.depth = depth;
    }

    /** The {@code book} entries of a frame, in order. */
    public static List<Entry> entries(String frame) {
        List<Entry> entries = new ArrayList<>();
        Matcher m = ENTRY.matcher(frame);
        while (m.find()) {
            entries.add(new Entry(m.group(1), levels(m.group(2)), levels(m.group(3)), Long.parseLong(m.group(4))));
        }
        return entries;
    }

    private static List<String[]> levels(String text) {
        List<String[]> levels = new ArrayList<>();
        Matcher m = LEVEL.matcher(text);
        while (m.find()) {
            levels.add(new String[] {m.group(1), m.group(2)});
        }
        return levels;
    }

    /** Applies an entry (a snapshot replaces the book) and returns the checksum the client computes after it. */
    public long apply(Entry entry, boolean snapshot) {
        if (snapshot) {
            bids.clear();
            asks.clear();
        }
        apply(bids, entry.bids());
        apply(asks, entry.asks());
        while (bids.size() > depth) {
            bids.pollLastEntry();
        }
        while (asks.size() > depth) {
            asks.pollLastEntry();
        }
        return IndependentChecksum.of(texts(bids), texts(asks));
    }

    private static void apply(TreeMap<BigDecimal, String[]> side, List<String[]> levels) {
        for (String[] level : levels) {
            BigDecimal price = new BigDecimal(level[0]);
            if (new BigDecimal(level[1]).signum() == 0) {
                side.remove(price);
            } else {
                side.put(price, level);
            }
        }
    }

    private static Map<String, String> texts(TreeMap<BigDecimal, String[]> side) {
        Map<String, String> texts = new LinkedHashMap<>();
        side.values().forEach(level -> texts.put(level[0], level[1]));
        return texts;
    }

    /** Best bid below best ask, prices and sizes above zero, no side deeper than the depth. */
    public void assertValid(String symbol) {
        assertThat(bids).as("%s bids", symbol).isNotEmpty();
        assertThat(asks).as("%s asks", symbol).isNotEmpty();
        assertThat(bids.firstKey()).as("%s best bid below best ask", symbol).isLessThan(asks.firstKey());
        assertThat(bids.lastKey().signum()).as("%s lowest bid", symbol).isPositive();
        for (String[] level : bids.values()) {
            assertThat(new BigDecimal(level[1]).signum())
                    .as("%s bid size", symbol)
                    .isPositive();
        }
        for (String[] level : asks.values()) {
            assertThat(new BigDecimal(level[1]).signum())
                    .as("%s ask size", symbol)
                    .isPositive();
        }
        assertThat(bids.size()).isLessThanOrEqualTo(depth);
        assertThat(asks.size()).isLessThanOrEqualTo(depth);
    }

    BigDecimal bestBid() {
        return bids.firstKey();
    }

    BigDecimal bestAsk() {
        return asks.firstKey();
    }

    String bestBidText() {
        return bids.firstEntry().getValue()[0];
    }

    String bestAskText() {
        return asks.firstEntry().getValue()[0];
    }

    public int levels() {
        return Math.min(bids.size(), asks.size());
    }
}
