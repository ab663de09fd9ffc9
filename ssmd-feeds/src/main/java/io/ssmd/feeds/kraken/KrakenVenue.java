package io.ssmd.feeds.kraken;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.shard.FeedConnector;
import io.ssmd.core.shard.MarketSelection;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.MarketSync;
import io.ssmd.feeds.VenueModule;
import io.ssmd.feeds.VenueRest;
import io.ssmd.feeds.WiredFeed;
import io.ssmd.feeds.kraken.replay.KrakenReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.VenueServer;
import java.util.List;
import java.util.Optional;

/** Kraken spot (WebSocket v2) as ssmd runs it: {@link KrakenFeed} and {@link KrakenNormalizer} on the client side, {@link KrakenReplayServer} on the server side. */
public final class KrakenVenue implements VenueModule {

    private static final Normalizer NORMALIZER = new KrakenNormalizer();

    @Override
    public Venue venue() {
        return Venue.KRAKEN;
    }

    @Override
    public WiredFeed wire(EnabledFeed feed) {
        // No discovery API: a feed that lists no instruments and asks for discovery runs the security master's
        // markets, the first discovery.max-instruments in the order the sync stored them (the venue's listing order).
        Optional<MarketSelection> selection = feed.instruments().isEmpty()
                ? feed.discovery().map(d -> MarketSelection.all(d.maxInstruments()))
                : Optional.empty();
        return WiredFeed.of(new FeedConnector(feed, KrakenFeed.create(feed), Optional.empty(), selection));
    }

    @Override
    public MarketSync marketSync(EnabledFeed feed, VenueRest rest) {
        return new KrakenMarketSync(feed, rest);
    }

    @Override
    public Normalizer normalizer() {
        return NORMALIZER;
    }

    @Override
    public VenueServer replayServer(ReplaySettings settings) {
        return KrakenReplayServer.create(settings);
    }

    @Override
    public List<String> defaultInstruments() {
        return KrakenReplayServer.defaultInstruments();
    }

    @Override
    public List<String> syntheticInstruments(int n) {
        return KrakenReplayServer.syntheticInstruments(n);
    }

    @Override
    public List<String> subscribeMessages(List<String> instruments) {
        return KrakenReplayServer.subscribeMessages(instruments);
    }
}
