package io.ssmd.feeds.kraken;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ssmd's copy of one symbol's Kraken book on one connection, kept the way Kraken tells clients to (PROTOCOLS.md
 * §2.4) so that its checksum can be compared with the venue's: a snapshot replaces the book, an update's levels are
 * applied in any order ({@code qty} 0 deletes the level), and then each side is truncated to the subscribed depth,
 * because Kraken sends no delete for a level pushed out of range by an insert.
 *
 * <p>Levels are ordered by price value but keep their wire text: the checksum is over the exact text
 * ({@code 0.10000000}, trailing zeros included), so {@code 62807.0} and {@code 62807.00} are one level whose text is
 * whatever Kraken sent last.
 */
final class KrakenLocalBook {

    private final int depth;
    private final TreeMap<BigDecimal, KrakenProtocol.Level> bids = new TreeMap<>(Comparator.reverseOrder());
    private final TreeMap<BigDecimal, KrakenProtocol.Level> asks = new TreeMap<>();

    /** @param depth levels per side kept: the subscribed depth */
    KrakenLocalBook(int depth) {
        this.depth = depth;
    }

    /** Replaces the book with a snapshot's levels. */
    void replace(List<KrakenProtocol.Level> bidLevels, List<KrakenProtocol.Level> askLevels) {
        bids.clear();
        asks.clear();
        apply(bidLevels, askLevels);
    }

    /** Applies an update's levels, then truncates both sides to the depth. */
    void apply(List<KrakenProtocol.Level> bidLevels, List<KrakenProtocol.Level> askLevels) {
        apply(bids, bidLevels);
        apply(asks, askLevels);
        truncate(bids);
        truncate(asks);
    }

    private static void apply(Map<BigDecimal, KrakenProtocol.Level> side, List<KrakenProtocol.Level> levels) {
        for (KrakenProtocol.Level level : levels) {
            if (level.deletes()) {
                side.remove(level.value());
            } else {
                side.put(level.value(), level);
            }
        }
    }

    private void truncate(TreeMap<BigDecimal, KrakenProtocol.Level> side) {
        while (side.size() > depth) {
            side.pollLastEntry();
        }
    }

    /** Kraken's CRC32 of the book as it stands: top 10 asks ascending, then top 10 bids descending. */
    long checksum(KrakenChecksum checksum) {
        checksum.reset();
        add(checksum, asks);
        add(checksum, bids);
        return checksum.value();
    }

    private static void add(KrakenChecksum checksum, TreeMap<BigDecimal, KrakenProtocol.Level> side) {
        int n = 0;
        for (KrakenProtocol.Level level : side.values()) {
            if (n++ == KrakenChecksum.LEVELS) {
                return;
            }
            checksum.level(level.price(), level.qty());
        }
    }

    /** The book as normalized levels, best first: what a gateway builds from the same messages. */
    io.ssmd.core.model.BookSnapshot normalized(String feed, String symbol) {
        return new io.ssmd.core.model.BookSnapshot(feed, symbol, levels(bids), levels(asks), 0);
    }

    private static List<io.ssmd.core.model.Level> levels(TreeMap<BigDecimal, KrakenProtocol.Level> side) {
        List<io.ssmd.core.model.Level> levels = new java.util.ArrayList<>(side.size());
        for (KrakenProtocol.Level level : side.values()) {
            levels.add(new io.ssmd.core.model.Level(new BigDecimal(level.price()), new BigDecimal(level.qty())));
        }
        return levels;
    }

    int bidCount() {
        return bids.size();
    }

    int askCount() {
        return asks.size();
    }
}
