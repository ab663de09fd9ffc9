package io.ssmd.feeds.polymarket.replay;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One synthetic binary market: the first outcome's book, from which the second outcome's is the mirror (its bid at
 * 1 − p is the first's ask at p, same size), as the venue's matching engine makes them. Each {@link #step} moves the
 * market by one event and writes the frames a client of the subscribed tokens receives.
 *
 * <p>Invariants kept after every step: both sides non-empty, best bid < best ask, every price on the tick and
 * inside (0, 1), every size positive; trades happen at the best bid or best ask. Deterministic for a seed.
 */
final class PolymarketSyntheticBook {

    /** Levels a side keeps at least, so trades and deletes never empty it. */
    private static final int MIN_DEPTH = 3;

    private static final int MAX_DEPTH = 40;

    private final PolymarketMarket market;
    private final SplittableRandom random;
    /** The first outcome's bids and asks: price in thousandths → size in hundredths. */
    private final TreeMap<Integer, Long> bids = new TreeMap<>();

    private final TreeMap<Integer, Long> asks = new TreeMap<>();
    private int tick;
    private int lastTradeMils;

    PolymarketSyntheticBook(PolymarketMarket market, long seed) {
        this.market = market;
        this.random = new SplittableRandom(seed);
        this.tick = market.tickMils();
        this.lastTradeMils = market.startMils();
        seed();
    }

    PolymarketMarket market() {
        return market;
    }

    /** The {@code book} snapshot of one of the market's two tokens. */
    String bookEvent(String token, long timestamp) {
        boolean yes = token.equals(market.yesToken());
        // The second outcome's bids are the first's asks mirrored: walking the first's asks from the highest price
        // down gives the mirrored prices from the lowest up, the venue's best-last order.
        Iterable<Map.Entry<Integer, Long>> bidsBestLast =
                yes ? bids.entrySet() : asks.descendingMap().entrySet();
        Iterable<Map.Entry<Integer, Long>> asksBestLast =
                yes ? asks.descendingMap().entrySet() : bids.entrySet();
        return PolymarketFrames.book(
                token,
                market.conditionId(),
                bidsBestLast,
                asksBestLast,
                !yes,
                timestamp,
                hex(40),
                tick,
                yes ? lastTradeMils : 1000 - lastTradeMils);
    }

    /**
     * One market event, seen from {@code token} (the token a trade happens on), written as frames for the
     * subscribed tokens among the market's two.
     */
    void step(String token, boolean yesSubscribed, boolean noSubscribed, long timestamp, List<String> out) {
        int roll = random.nextInt(100);
        if (roll < 2) {
            // The venue also sends a fresh snapshot now and then (after trades, per its docs).
            snapshots(yesSubscribed, noSubscribed, timestamp, out);
            return;
        }
        if (roll < 27) {
            trade(token.equals(market.yesToken()), yesSubscribed, noSubscribed, timestamp, out);
        } else if (roll < 42) {
            improve(yesSubscribed, noSubscribed, timestamp, out);
        } else {
            updateLevel(yesSubscribed, noSubscribed, timestamp, out);
        }
        retick(yesSubscribed, noSubscribed, timestamp, out);
    }

    int bestBid() {
        return bids.lastKey();
    }

    int bestAsk() {
        return asks.firstKey();
    }

    int tick() {
        return tick;
    }

    private void seed() {
        int bestBid = Math.max(tick, (market.startMils() - tick / 2) / tick * tick);
        int bestAsk = Math.min(1000 - tick, bestBid + tick * (1 + random.nextInt(3)));
        if (bestAsk <= bestBid) {
            bestBid = bestAsk - tick;
        }
        int depth = 8 + random.nextInt(10);
        for (int p = bestBid, n = 0; p >= tick && n < depth; p -= tick * gap(), n++) {
            bids.put(p, randomSize());
        }
        for (int p = bestAsk, n = 0; p <= 1000 - tick && n < depth; p += tick * gap(), n++) {
            asks.put(p, randomSize());
        }
    }

    /** Books have holes: most levels are a tick apart, some a few ticks. */
    private int gap() {
        return random.nextInt(3) == 0 ? 1 + random.nextInt(4) : 1;
    }

    private void trade(boolean onYes, boolean yesSubscribed, boolean noSubscribed, long timestamp, List<String> out) {
        boolean hitAsk = random.nextBoolean();
        TreeMap<Integer, Long> side = hitAsk ? asks : bids;
        Map.Entry<Integer, Long> top = hitAsk ? asks.firstEntry() : bids.lastEntry();
        long available = top.getValue();
        boolean wholeLevel = side.size() > MIN_DEPTH && random.nextInt(4) == 0;
        if (!wholeLevel && available < 2) {
            updateLevel(yesSubscribed, noSubscribed, timestamp, out);
            return;
        }
        long size = wholeLevel ? available : Math.min(available - 1, Math.max(1, randomSize() / 20));
        int price = top.getKey();
        // Taking the first outcome's ask is buying it; on the second outcome's book the same level is a bid at
        // 1 − p, so taking it is selling the second outcome.
        boolean takerBuys = onYes == hitAsk;
        out.add(PolymarketFrames.lastTradePrice(
                onYes ? market.yesToken() : market.noToken(),
                market.conditionId(),
                onYes ? price : 1000 - price,
                size,
                takerBuys,
                timestamp,
                "0x" + hex(64)));
        lastTradeMils = price;
        setLevel(!hitAsk, price, available - size, yesSubscribed, noSubscribed, timestamp, out);
    }

    /** A new order inside the spread: a better bid or a better ask. */
    private void improve(boolean yesSubscribed, boolean noSubscribed, long timestamp, List<String> out) {
        int spreadTicks = (bestAsk() - bestBid()) / tick;
        if (spreadTicks < 2) {
            updateLevel(yesSubscribed, noSubscribed, timestamp, out);
            return;
        }
        int steps = 1 + random.nextInt(Math.min(spreadTicks - 1, 2));
        boolean bid = random.nextBoolean();
        int price = bid ? bestBid() + steps * tick : bestAsk() - steps * tick;
        setLevel(bid, price, randomSize(), yesSubscribed, noSubscribed, timestamp, out);
    }

    /** Orders placed, changed or cancelled behind the top: a level's size changes, appears or goes. */
    private void updateLevel(boolean yesSubscribed, boolean noSubscribed, long timestamp, List<String> out) {
        boolean bid = random.nextBoolean();
        TreeMap<Integer, Long> side = bid ? bids : asks;
        int roll = random.nextInt(10);
        if ((side.size() < MIN_DEPTH || roll < 3) && side.size() < MAX_DEPTH) {
            int best = bid ? bestBid() : bestAsk();
            int price = best + (bid ? -1 : 1) * tick * (1 + random.nextInt(8));
            if (price >= tick && price <= 1000 - tick) {
                setLevel(
                        bid,
                        price,
                        side.getOrDefault(price, 0L) + randomSize(),
                        yesSubscribed,
                        noSubscribed,
                        timestamp,
                        out);
                return;
            }
        }
        int price = nearTop(bid ? bids.descendingKeySet() : asks.navigableKeySet());
        long size = side.size() > MIN_DEPTH && roll < 5 ? 0 : randomSize();
        setLevel(bid, price, size, yesSubscribed, noSubscribed, timestamp, out);
    }

    /** A level near the top of a side: the top one most often, deeper ones less and less. */
    private int nearTop(Iterable<Integer> bestFirst) {
        int skip = 0;
        while (skip < 12 && random.nextInt(100) < 60) {
            skip++;
        }
        int chosen = -1;
        for (int price : bestFirst) {
            chosen = price;
            if (skip-- == 0) {
                break;
            }
        }
        return chosen;
    }

    /** Sets a first-outcome level and writes the change for the subscribed tokens, in one price_change frame. */
    private void setLevel(
            boolean bid,
            int price,
            long size,
            boolean yesSubscribed,
            boolean noSubscribed,
            long timestamp,
            List<String> out) {
        TreeMap<Integer, Long> side = bid ? bids : asks;
        if (size == 0) {
            side.remove(price);
        } else {
            side.put(price, size);
        }
        if (!yesSubscribed && !noSubscribed) {
            return;
        }
        String orderHash = hex(40);
        StringBuilder frame = PolymarketFrames.startPriceChange(market.conditionId());
        if (yesSubscribed) {
            PolymarketFrames.priceChangeEntry(
                    frame, market.yesToken(), price, size, bid, orderHash, bestBid(), bestAsk());
        }
        if (noSubscribed) {
            PolymarketFrames.priceChangeEntry(
                    frame, market.noToken(), 1000 - price, size, !bid, orderHash, 1000 - bestAsk(), 1000 - bestBid());
        }
        out.add(PolymarketFrames.endPriceChange(frame, timestamp));
    }

    /**
     * Polymarket moves a market to a 0.001 tick near the price extremes (below 0.04 or above 0.96) and back to
     * 0.01 away from them. Going back, levels between the coarse ticks cannot stay: they merge outwards onto the
     * tick (bids down, asks up, so the book cannot cross) and a fresh snapshot follows the tick_size_change.
     */
    private void retick(boolean yesSubscribed, boolean noSubscribed, long timestamp, List<String> out) {
        int old = tick;
        if (tick == 10 && (bestBid() < 40 || bestAsk() > 960)) {
            tick = 1;
        } else if (tick == 1 && bestBid() >= 50 && bestAsk() <= 950) {
            tick = 10;
            regrid(bids, false);
            regrid(asks, true);
        } else {
            return;
        }
        if (yesSubscribed) {
            out.add(PolymarketFrames.tickSizeChange(market.yesToken(), market.conditionId(), old, tick, timestamp));
        }
        if (noSubscribed) {
            out.add(PolymarketFrames.tickSizeChange(market.noToken(), market.conditionId(), old, tick, timestamp));
        }
        if (tick == 10) {
            snapshots(yesSubscribed, noSubscribed, timestamp, out);
        }
    }

    private void regrid(TreeMap<Integer, Long> side, boolean up) {
        NavigableMap<Integer, Long> old = new TreeMap<>(side);
        side.clear();
        old.forEach((price, size) -> {
            int onTick = up ? (price + tick - 1) / tick * tick : price / tick * tick;
            side.merge(Math.min(1000 - tick, Math.max(tick, onTick)), size, Long::sum);
        });
    }

    private void snapshots(boolean yesSubscribed, boolean noSubscribed, long timestamp, List<String> out) {
        if (yesSubscribed) {
            out.add(bookEvent(market.yesToken(), timestamp));
        }
        if (noSubscribed) {
            out.add(bookEvent(market.noToken(), timestamp));
        }
    }

    /** Sizes in hundredths, log-uniform from 5 to 50,000 shares; many resting orders are whole numbers. */
    private long randomSize() {
        long cents = (long) Math.exp(Math.log(500) + random.nextDouble() * Math.log(10_000));
        return random.nextInt(5) < 2 ? Math.max(100, cents / 100 * 100) : cents;
    }

    private String hex(int digits) {
        StringBuilder hex = new StringBuilder(digits);
        while (hex.length() < digits) {
            String chunk = Long.toHexString(random.nextLong() | Long.MIN_VALUE);
            hex.append(chunk, 1, Math.min(chunk.length(), 1 + digits - hex.length()));
        }
        return hex.toString();
    }
}
