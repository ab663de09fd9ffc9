package io.ssmd.feeds.krakenfutures;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.shard.FeedConnector;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.MarketSync;
import io.ssmd.feeds.VenueModule;
import io.ssmd.feeds.VenueRest;
import io.ssmd.feeds.WiredFeed;
import io.ssmd.feeds.krakenfutures.replay.KrakenFuturesReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.VenueServer;
import java.util.List;

/** Kraken Futures (WebSocket v1) as ssmd runs it: {@link KrakenFuturesFeed} and {@link KrakenFuturesNormalizer} on the client side, {@link KrakenFuturesReplayServer} on the server side. */
public final class KrakenFuturesVenue implements VenueModule {

    private static final Normalizer NORMALIZER = new KrakenFuturesNormalizer();

    @Override
    public Venue venue() {
        return Venue.KRAKEN_FUTURES;
    }

    @Override
    public WiredFeed wire(EnabledFeed feed) {
        return WiredFeed.of(new FeedConnector(feed, KrakenFuturesFeed.create(feed)));
    }

    @Override
    public MarketSync marketSync(EnabledFeed feed, VenueRest rest) {
        return new KrakenFuturesMarketSync(feed, rest);
    }

    @Override
    public Normalizer normalizer() {
        return NORMALIZER;
    }

    /**
     * Futures numbers book and trade messages per product ({@code seq}); a {@code trade_snapshot} re-sends old trades,
     * newest first, so it has no sequence to judge.
     */
    @Override
    public io.ssmd.core.meta.QualityProbe qualityProbe() {
        return new io.ssmd.feeds.VenueQualityProbe(id(), NORMALIZER, (type, message) -> {
            if (!message.path("seq").canConvertToLong()) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new io.ssmd.feeds.VenueQualityProbe.Seq(
                    java.util.Optional.empty(), message.path("seq").asLong()));
        });
    }

    @Override
    public VenueServer replayServer(ReplaySettings settings) {
        return KrakenFuturesReplayServer.create(settings);
    }

    @Override
    public List<String> defaultInstruments() {
        return KrakenFuturesReplayServer.defaultInstruments();
    }

    @Override
    public List<String> syntheticInstruments(int n) {
        return KrakenFuturesReplayServer.syntheticInstruments(n);
    }

    @Override
    public List<String> subscribeMessages(List<String> instruments) {
        return KrakenFuturesReplayServer.subscribeMessages(instruments);
    }
}
