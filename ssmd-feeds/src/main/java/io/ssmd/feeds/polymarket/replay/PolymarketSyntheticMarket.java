package io.ssmd.feeds.polymarket.replay;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A session's synthetic Polymarket: one {@link PolymarketSyntheticBook} per market of the universe, made when first asked
 * for. Each market's randomness comes from the session seed and the market's place in the universe alone, so a
 * market's frames do not depend on which other markets a client subscribed to, nor in what order.
 */
public final class PolymarketSyntheticMarket {

    private final PolymarketUniverse universe;
    private final long seed;
    private final Map<String, PolymarketSyntheticBook> booksByConditionId = new HashMap<>();

    public PolymarketSyntheticMarket(PolymarketUniverse universe, long seed) {
        this.universe = universe;
        this.seed = seed;
    }

    /** Whether {@code token} is one of the universe's; subscriptions to others are ignored, as the venue does. */
    public boolean serves(String token) {
        return universe.serves(token);
    }

    /** The {@code book} snapshot of a served token. */
    public String bookEvent(String token, long timestamp) {
        return book(token).bookEvent(token, timestamp);
    }

    /**
     * Moves {@code token}'s market by one event and adds the frames a client subscribed to {@code subscribed}
     * receives: usually one, a trade two (last_trade_price, then the level it took), a tick change more.
     */
    public void step(String token, Set<String> subscribed, long timestamp, List<String> out) {
        PolymarketSyntheticBook book = book(token);
        PolymarketMarket market = book.market();
        book.step(token, subscribed.contains(market.yesToken()), subscribed.contains(market.noToken()), timestamp, out);
    }

    /** The book of a served token's market, made on first use. */
    PolymarketSyntheticBook book(String token) {
        PolymarketMarket market = universe.marketOf(token)
                .orElseThrow(() -> new IllegalArgumentException("not in the universe: " + token));
        return booksByConditionId.computeIfAbsent(
                market.conditionId(),
                id -> new PolymarketSyntheticBook(
                        market, mix(seed, universe.markets().indexOf(market))));
    }

    /** SplitMix64's finalizer: neighbouring (seed, index) pairs give unrelated streams. */
    private static long mix(long seed, long index) {
        long z = seed + 0x9e3779b97f4a7c15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
