package io.ssmd.feeds.kraken.replay;

import io.ssmd.feeds.kraken.KrakenChecksum;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One pair's synthetic L2 book, and the {@code book} entries that tell a client about it.
 *
 * <p>The book keeps a few levels more than the subscribed depth, because Kraken's protocol needs them: when a level
 * inside the depth is deleted, the next one moves into range and is sent as a new level; when a new level pushes the
 * last one out of range, nothing is sent about it, because the client truncates to its depth after every update
 * (exchanges/PROTOCOLS.md §2.4). Each update is the difference between what the client held before the event and
 * the top {@code depth} levels after it, so whatever the event, the client's book ends up equal to this one's top.
 *
 * <p>Invariants: best bid below best ask, every level's price and size above 0. Trades execute at the best level.
 */
final class KrakenSyntheticBook {

    /** Levels kept beyond the subscribed depth: enough to refill the depth after a burst of deletes. */
    private static final int RESERVE_MIN = 5;

    private static final int RESERVE_MAX = 30;

    private final KrakenInstrument instrument;
    private final SplittableRandom random;
    private final KrakenBookSide bids = new KrakenBookSide(true);
    private final KrakenBookSide asks = new KrakenBookSide(false);
    /** A typical distance between neighbouring levels, in ticks: about 0.2 basis points of the price. */
    private final long gap;

    private final KrakenBookSide.Window oldBids = new KrakenBookSide.Window();
    private final KrakenBookSide.Window oldAsks = new KrakenBookSide.Window();
    private final KrakenBookSide.Window now = new KrakenBookSide.Window();
    private final KrakenChecksum checksum = new KrakenChecksum();
    private final StringBuilder priceText = new StringBuilder(24);
    private final StringBuilder qtyText = new StringBuilder(24);
    private long[] changedPrices = new long[16];
    private long[] changedQtys = new long[16];
    private int depth = KrakenChecksum.LEVELS;

    KrakenSyntheticBook(KrakenInstrument instrument, SplittableRandom random) {
        this.instrument = instrument;
        this.random = random;
        this.gap = Math.max(1, instrument.startTicks() / 50_000);
        long mid = instrument.startTicks() + random.nextLong(-gap * 50, gap * 50 + 1);
        long spread = 1 + random.nextLong(gap);
        bids.put(mid, qty());
        asks.put(mid + spread, qty());
        refill();
    }

    KrakenInstrument instrument() {
        return instrument;
    }

    /** The depth a client subscribed to; the book grows its reserve to match. */
    void depth(int levels) {
        depth = levels;
        refill();
    }

    long bestBid() {
        return bids.price(0);
    }

    long bestBidQty() {
        return bids.qty(0);
    }

    long bestAsk() {
        return asks.price(0);
    }

    long bestAskQty() {
        return asks.qty(0);
    }

    /** Remembers what a client holds now, so that {@link #appendUpdate} can tell it what changed. */
    void beginEvent() {
        bids.copyTop(depth, oldBids);
        asks.copyTop(depth, oldAsks);
    }

    /** One random change inside the subscribed depth: a size changes, a level goes, or a level appears. */
    void randomChange() {
        KrakenBookSide side = random.nextBoolean() ? bids : asks;
        double kind = random.nextDouble();
        if (kind < 0.2 && side.size() > 2) {
            side.remove(random.nextInt(Math.min(depth, side.size())));
        } else if (kind < 0.55 && insert(side)) {
            return;
        } else {
            int index = random.nextInt(Math.min(depth, side.size()));
            long qty = qty();
            side.setQty(index, qty == side.qty(index) ? qty + 1 : qty);
        }
        refill();
    }

    /**
     * A taker order of about a typical size, filled against the best level only.
     *
     * @return {price ticks, qty units} of the fill
     */
    long[] take(boolean buy) {
        KrakenBookSide side = buy ? asks : bids;
        long price = side.price(0);
        long qty = Math.min(side.qty(0), Math.max(1, qty() / 4));
        if (qty == side.qty(0)) {
            side.remove(0);
        } else {
            side.setQty(0, side.qty(0) - qty);
        }
        refill();
        return new long[] {price, qty};
    }

    /** A new level strictly between two existing ones (or inside the spread), when there is room for one. */
    private boolean insert(KrakenBookSide side) {
        long spread = asks.price(0) - bids.price(0);
        boolean improve = spread > 1 && (spread > 4 * gap || random.nextInt(4) == 0);
        long price;
        if (improve) {
            // At most spread - 1 ticks better than the best: still strictly short of the other side's best.
            long step = 1 + random.nextLong(Math.min(gap, spread - 1));
            price = side.bids() ? side.price(0) + step : side.price(0) - step;
        } else {
            int index = 1 + random.nextInt(Math.max(1, Math.min(depth, side.size()) - 1));
            if (index >= side.size()) {
                return false;
            }
            long better = side.price(index - 1);
            long worse = side.price(index);
            long room = Math.abs(better - worse) - 1;
            if (room < 1) {
                return false;
            }
            long step = 1 + random.nextLong(room);
            price = side.bids() ? better - step : better + step;
        }
        side.put(price, qty());
        refill();
        return true;
    }

    /** Keeps RESERVE_MIN..RESERVE_MAX levels beyond the depth; nothing there is inside any client's view. */
    private void refill() {
        for (KrakenBookSide side : new KrakenBookSide[] {bids, asks}) {
            while (side.size() < depth + RESERVE_MIN) {
                long worst = side.price(side.size() - 1);
                long next = side.bids() ? worst - 1 - random.nextLong(2 * gap) : worst + 1 + random.nextLong(2 * gap);
                if (next <= 0) {
                    break;
                }
                side.put(next, qty());
            }
            side.truncate(depth + RESERVE_MAX);
        }
    }

    /** A level size around the pair's typical one, sometimes a round number as people type them. */
    private long qty() {
        double factor = Math.exp(random.nextGaussian() * 0.9);
        long qty = Math.max(1, Math.round(instrument.typicalQty() * factor));
        if (random.nextInt(5) == 0) {
            long round = (long) Math.pow(10, Math.max(0, (long) Math.log10(qty) - 1));
            qty = Math.max(round, qty / round * round);
        }
        return qty;
    }

    /** The book's checksum, over the text its levels are sent as. */
    long checksum() {
        checksum.reset();
        addLevels(asks);
        addLevels(bids);
        return checksum.value();
    }

    private void addLevels(KrakenBookSide side) {
        for (int i = 0; i < Math.min(KrakenChecksum.LEVELS, side.size()); i++) {
            priceText.setLength(0);
            KrakenInstrument.appendDecimal(priceText, side.price(i), instrument.priceDecimals());
            qtyText.setLength(0);
            KrakenInstrument.appendDecimal(qtyText, side.qty(i), instrument.qtyDecimals());
            checksum.level(priceText, qtyText);
        }
    }

    /** A snapshot entry: the top {@code depth} levels of each side, best first. */
    void appendSnapshot(StringBuilder sb, String timestamp) {
        sb.append("{\"symbol\":\"").append(instrument.symbol()).append("\",\"bids\":[");
        appendLevels(sb, bids);
        sb.append("],\"asks\":[");
        appendLevels(sb, asks);
        sb.append("],\"checksum\":")
                .append(checksum())
                .append(",\"timestamp\":\"")
                .append(timestamp)
                .append("\"}");
    }

    private void appendLevels(StringBuilder sb, KrakenBookSide side) {
        for (int i = 0; i < Math.min(depth, side.size()); i++) {
            appendLevel(sb, i > 0, side.price(i), side.qty(i));
        }
    }

    /**
     * An update entry: the levels that changed inside the depth since {@link #beginEvent}, in no particular order
     * (as Kraken sends them), {@code qty} 0 for a level that went.
     *
     * @param wrongChecksum a fault: the entry's checksum is off by one bit while the levels are right
     */
    void appendUpdate(StringBuilder sb, String timestamp, boolean wrongChecksum) {
        sb.append("{\"symbol\":\"").append(instrument.symbol()).append("\",\"bids\":[");
        appendChanges(sb, bids, oldBids);
        sb.append("],\"asks\":[");
        appendChanges(sb, asks, oldAsks);
        long sum = checksum();
        sb.append("],\"checksum\":")
                .append(wrongChecksum ? sum ^ 1 : sum)
                .append(",\"timestamp\":\"")
                .append(timestamp)
                .append("\"}");
    }

    private void appendChanges(StringBuilder sb, KrakenBookSide side, KrakenBookSide.Window before) {
        side.copyTop(depth, now);
        int changes = 0;
        int i = 0;
        int j = 0;
        while (i < before.size || j < now.size) {
            if (i < before.size && j < now.size && before.prices[i] == now.prices[j]) {
                if (before.qtys[i] != now.qtys[j]) {
                    changes = change(changes, now.prices[j], now.qtys[j]);
                }
                i++;
                j++;
            } else if (i >= before.size || j < now.size && side.better(now.prices[j], before.prices[i])) {
                changes = change(changes, now.prices[j], now.qtys[j]);
                j++;
            } else {
                // Gone from the client's view: a delete if the level went, nothing if it was only pushed out.
                if (side.find(before.prices[i]) < 0) {
                    changes = change(changes, before.prices[i], 0);
                }
                i++;
            }
        }
        for (int k = changes - 1; k > 0; k--) {
            int other = random.nextInt(k + 1);
            swap(changedPrices, k, other);
            swap(changedQtys, k, other);
        }
        for (int k = 0; k < changes; k++) {
            appendLevel(sb, k > 0, changedPrices[k], changedQtys[k]);
        }
    }

    private int change(int count, long price, long qty) {
        if (count == changedPrices.length) {
            changedPrices = Arrays.copyOf(changedPrices, count * 2);
            changedQtys = Arrays.copyOf(changedQtys, count * 2);
        }
        changedPrices[count] = price;
        changedQtys[count] = qty;
        return count + 1;
    }

    private static void swap(long[] array, int a, int b) {
        long t = array[a];
        array[a] = array[b];
        array[b] = t;
    }

    /** Prices and sizes are bare JSON numbers carrying all their decimals, e.g. {@code "qty":0.10000000}. */
    private void appendLevel(StringBuilder sb, boolean comma, long price, long qty) {
        if (comma) {
            sb.append(',');
        }
        sb.append("{\"price\":");
        KrakenInstrument.appendDecimal(sb, price, instrument.priceDecimals());
        sb.append(",\"qty\":");
        KrakenInstrument.appendDecimal(sb, qty, instrument.qtyDecimals());
        sb.append('}');
    }
}
