package io.ssmd.feeds;

import io.ssmd.feeds.kalshi.KalshiReplayServer;
import io.ssmd.feeds.kraken.KrakenReplayServer;
import io.ssmd.feeds.krakenfutures.KrakenFuturesReplayServer;
import io.ssmd.feeds.polymarket.PolymarketReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.VenueServer;
import java.util.List;

/** The venues the replay server speaks, by id: the one place that knows every venue package. */
public final class ReplayVenues {

    /** Venue ids, in the order of their demo ports (9101...). */
    public static final List<String> IDS = List.of("kraken", "kraken-futures", "kalshi", "polymarket");

    private ReplayVenues() {}

    /** @throws IllegalArgumentException naming the venues, for an unknown id */
    public static VenueServer server(ReplaySettings settings) {
        return switch (settings.venue()) {
            case "kraken" -> KrakenReplayServer.create(settings);
            case "kraken-futures" -> KrakenFuturesReplayServer.create(settings);
            case "kalshi" -> KalshiReplayServer.create(settings);
            case "polymarket" -> PolymarketReplayServer.create(settings);
            default -> throw unknown(settings.venue());
        };
    }

    /** {@code n} synthetic instrument ids shaped like the venue's, starting with its defaults. */
    public static List<String> syntheticInstruments(String venue, int n) {
        return switch (venue) {
            case "kraken" -> KrakenReplayServer.syntheticInstruments(n);
            case "kraken-futures" -> KrakenFuturesReplayServer.syntheticInstruments(n);
            case "kalshi" -> KalshiReplayServer.syntheticInstruments(n);
            case "polymarket" -> PolymarketReplayServer.syntheticInstruments(n);
            default -> throw unknown(venue);
        };
    }

    /** The venue's default synthetic universe. */
    public static List<String> defaultInstruments(String venue) {
        return switch (venue) {
            case "kraken" -> KrakenReplayServer.defaultInstruments();
            case "kraken-futures" -> KrakenFuturesReplayServer.defaultInstruments();
            case "kalshi" -> KalshiReplayServer.defaultInstruments();
            case "polymarket" -> PolymarketReplayServer.defaultInstruments();
            default -> throw unknown(venue);
        };
    }

    /** The client frames that subscribe to every market-data channel of these instruments. */
    public static List<String> subscribeMessages(String venue, List<String> instruments) {
        return switch (venue) {
            case "kraken" -> KrakenReplayServer.subscribeMessages(instruments);
            case "kraken-futures" -> KrakenFuturesReplayServer.subscribeMessages(instruments);
            case "kalshi" -> KalshiReplayServer.subscribeMessages(instruments);
            case "polymarket" -> PolymarketReplayServer.subscribeMessages(instruments);
            default -> throw unknown(venue);
        };
    }

    private static IllegalArgumentException unknown(String venue) {
        return new IllegalArgumentException(
                "unknown venue '" + venue + "'; the replay server speaks " + String.join(", ", IDS));
    }
}
