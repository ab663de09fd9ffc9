package io.ssmd.feeds;

import io.ssmd.core.model.Normalizer;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.kalshi.KalshiNormalizer;
import io.ssmd.feeds.kraken.KrakenNormalizer;
import io.ssmd.feeds.krakenfutures.KrakenFuturesNormalizer;
import io.ssmd.feeds.polymarket.PolymarketNormalizer;

/**
 * The normalizer of each venue (DESIGN §8): what turns a message published on a venue's market-data subjects into
 * {@link io.ssmd.core.model.MarketEvent}s. One instance per venue, shared: normalizers are stateless and thread-safe.
 */
public final class Normalizers {

    private static final Normalizer KALSHI = new KalshiNormalizer();
    private static final Normalizer KRAKEN = new KrakenNormalizer();
    private static final Normalizer KRAKEN_FUTURES = new KrakenFuturesNormalizer();
    private static final Normalizer POLYMARKET = new PolymarketNormalizer();

    private Normalizers() {}

    /** The normalizer for messages of a feed of this venue. */
    public static Normalizer forVenue(Venue venue) {
        return switch (venue) {
            case KALSHI -> KALSHI;
            case KRAKEN -> KRAKEN;
            case KRAKEN_FUTURES -> KRAKEN_FUTURES;
            case POLYMARKET -> POLYMARKET;
        };
    }
}
