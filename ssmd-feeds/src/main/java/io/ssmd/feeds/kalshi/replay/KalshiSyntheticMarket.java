package io.ssmd.feeds.kalshi.replay;

import io.ssmd.feeds.kalshi.replay.KalshiMarketCatalog.Market;
import io.ssmd.feeds.kalshi.replay.KalshiSyntheticBook.Side;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * One session's synthetic Kalshi market: every market of the universe starts as the catalog says and then moves one
 * step at a time. A step is a resting-size change, a trade that takes liquidity at the touch, or now and then a
 * lifecycle event. Books stay valid (YES bid + NO bid under a dollar, sizes positive, on the market's tick), trades
 * print at the YES bid or the YES ask, and the whole run is fixed by the seed.
 */
final class KalshiSyntheticMarket {

    /** A signed size change at one level, as an {@code orderbook_delta} carries it. */
    record Delta(Side side, int price, long delta) {}

    /** A print: the taker bought {@code taker} at {@code yesPrice} (YES price; NO price is a dollar less it). */
    record Trade(String tradeId, int yesPrice, long count, Side taker) {}

    /**
     * What one step did to a market.
     *
     * @param deltas         book changes, in order
     * @param trade          the trade, or null
     * @param tickerChanged  a field of the {@code ticker} message changed (touch, last price, volume)
     * @param closeTsUpdated the new close time (epoch s) of a {@code close_date_updated} event, or -1
     */
    record Step(MarketState market, List<Delta> deltas, Trade trade, boolean tickerChanged, long closeTsUpdated) {}

    /** A market's live state in this session. */
    static final class MarketState {
        final Market info;
        final KalshiSyntheticBook book;
        int lastPrice;
        long volume;
        long openInterest;
        long lastTradeSize;
        long closeTs;

        MarketState(Market info) {
            this.info = info;
            this.book = info.book().copy();
            this.lastPrice = info.lastPrice();
            this.volume = info.volume();
            this.openInterest = info.openInterest();
            this.closeTs = info.closeTime().getEpochSecond();
        }
    }

    /** About one step in 256 is a lifecycle event: rare, as on the real channel. */
    private static final int LIFECYCLE_ONE_IN = 256;

    private static final int TRADE_PERCENT = 20;
    private static final int MIN_DEPTH = 2;
    private static final int MAX_DEPTH = 12;
    /** New bids land within this many ticks below the best bid, or anywhere inside the spread. */
    private static final int ADD_RANGE_TICKS = 10;

    private final KalshiMarketCatalog catalog;
    private final SplittableRandom random;
    private final Map<String, MarketState> states = new HashMap<>();

    KalshiSyntheticMarket(KalshiMarketCatalog catalog, long seed) {
        this.catalog = catalog;
        this.random = new SplittableRandom(seed);
    }

    /** The market's state now (its book is what a snapshot shows). */
    MarketState state(String ticker) {
        return states.computeIfAbsent(
                ticker,
                t -> new MarketState(catalog.market(t)
                        .orElseThrow(() -> new IllegalArgumentException("not in the synthetic universe: " + t))));
    }

    /** Moves one market one step. */
    Step step(String ticker) {
        MarketState market = state(ticker);
        if (random.nextInt(LIFECYCLE_ONE_IN) == 0) {
            // An hour later: a close date moving is the one lifecycle event that leaves the market trading.
            market.closeTs += 3600;
            return new Step(market, List.of(), null, false, market.closeTs);
        }
        long touchBefore = touch(market.book);
        if (random.nextInt(100) < TRADE_PERCENT) {
            Step trade = trade(market);
            if (trade != null) {
                return trade;
            }
        }
        Delta delta = bookChange(market);
        market.book.apply(delta.side(), delta.price(), delta.delta());
        return new Step(market, List.of(delta), null, touch(market.book) != touchBefore, -1);
    }

    private Step trade(MarketState market) {
        Side taker = random.nextBoolean() ? Side.YES : Side.NO;
        // A YES taker lifts the YES ask, which is the best NO bid seen from the other side, and vice versa.
        Side maker = taker.other();
        KalshiSyntheticBook book = market.book;
        if (book.depth(maker) == 0) {
            return null;
        }
        long unit = unit(market);
        long available = book.bestSize(maker) - (book.depth(maker) == 1 ? unit : 0);
        if (available < unit) {
            return null;
        }
        long count = Math.min(available, unit * random.nextInt(1, 50));
        int makerPrice = book.best(maker);
        int yesPrice = taker == Side.YES ? KalshiSyntheticBook.ONE_DOLLAR - makerPrice : makerPrice;
        book.apply(maker, makerPrice, -count);
        market.lastPrice = yesPrice;
        market.lastTradeSize = count;
        market.volume += count;
        market.openInterest =
                random.nextBoolean() ? market.openInterest + count : Math.max(0, market.openInterest - count);
        Trade trade = new Trade(uuid(), yesPrice, count, taker);
        return new Step(market, List.of(new Delta(maker, makerPrice, -count)), trade, true, -1);
    }

    private Delta bookChange(MarketState market) {
        Side side = random.nextBoolean() ? Side.YES : Side.NO;
        KalshiSyntheticBook book = market.book;
        int depth = book.depth(side);
        int tick = market.info.tick();
        int highest = book.highestBid(side, tick);
        boolean roomToAdd = highest >= tick;
        int choice = random.nextInt(10);
        if (depth == 0 || (roomToAdd && (depth < MIN_DEPTH || (depth < MAX_DEPTH && choice < 4)))) {
            if (!roomToAdd) {
                // A crossed-to-the-limit touch leaves no price for this side: take from the other instead.
                return shrink(market, side.other(), false);
            }
            int lowest = Math.max(tick, Math.min(highest, book.best(side)) - ADD_RANGE_TICKS * tick);
            int price = lowest + tick * random.nextInt((highest - lowest) / tick + 1);
            return new Delta(side, price, addSize(market));
        }
        if (choice < 7 && depth <= MAX_DEPTH) {
            return new Delta(side, randomLevel(book, side), addSize(market));
        }
        return shrink(market, side, depth > 1);
    }

    /** Takes size off a resting level, or the whole level when {@code mayRemove} (a side keeps one level). */
    private Delta shrink(MarketState market, Side side, boolean mayRemove) {
        KalshiSyntheticBook book = market.book;
        int price = randomLevel(book, side);
        long size = book.size(side, price);
        long unit = unit(market);
        if (mayRemove && (size <= unit || random.nextBoolean())) {
            return new Delta(side, price, -size);
        }
        if (size <= unit) {
            return new Delta(side, price, addSize(market));
        }
        long units = size / unit - (size % unit == 0 ? 1 : 0);
        return new Delta(side, price, -unit * random.nextLong(1, units + 1));
    }

    private int randomLevel(KalshiSyntheticBook book, Side side) {
        List<Integer> prices = new ArrayList<>(book.levels(side).keySet());
        // The touch moves most: two draws in three land on the best level.
        return random.nextInt(3) < 2 ? prices.get(prices.size() - 1) : prices.get(random.nextInt(prices.size()));
    }

    private long addSize(MarketState market) {
        long unit = unit(market);
        return random.nextInt(8) == 0 ? unit * random.nextInt(100, 5000) : unit * random.nextInt(1, 200);
    }

    /** The smallest size step: a hundredth of a contract where fractional trading is on, else a contract. */
    private static long unit(MarketState market) {
        return market.info.fractional() ? 1 : 100;
    }

    /** The touch as one number, to see whether a step changed what the ticker shows. */
    private static long touch(KalshiSyntheticBook book) {
        long h = book.best(Side.YES);
        h = h * 31 + book.bestSize(Side.YES);
        h = h * 31 + book.best(Side.NO);
        return h * 31 + book.bestSize(Side.NO);
    }

    /** A version-4 UUID from the seeded generator, so trade ids repeat with the seed. */
    private String uuid() {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
