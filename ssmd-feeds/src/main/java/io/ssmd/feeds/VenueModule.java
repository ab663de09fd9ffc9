package io.ssmd.feeds;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.VenueServer;
import java.util.List;

/**
 * Everything ssmd knows of one venue, supplied from its package ({@code KrakenVenue}, {@code KalshiVenue}, ...): the
 * client side (a feed's connector with its discovery and live instrument changes, the normalizer) and the server side
 * (the replay server and its synthetic instruments). {@link Venues} holds one per {@link Venue}; nothing outside a
 * venue's package switches on the venue.
 *
 * <p>Implementations are stateless and thread-safe: one instance serves every feed of the venue.
 */
public interface VenueModule {

    Venue venue();

    /** The venue's id, as feed files and the replay server's {@code --venue} spell it. */
    default String id() {
        return venue().id();
    }

    /**
     * The connector of an enabled feed of this venue, built together with its discovery and what keeps its instruments
     * current (so that shared state, such as Kalshi's category map, is shared by exactly these parts).
     *
     * @throws IllegalArgumentException naming the feed file and key, for settings the venue cannot run with
     */
    WiredFeed wire(EnabledFeed feed);

    /**
     * The sync of this feed's markets into the security master (docs/secmaster.md), reading the venue's REST API
     * through {@code rest} (which carries {@code ssmd.secmaster}: the closed-market window, retries, paging).
     *
     * @throws IllegalArgumentException naming the feed file and key when the feed has no REST endpoint to sync from
     */
    MarketSync marketSync(EnabledFeed feed, VenueRest rest);

    /** What turns this venue's published messages into normalized events: stateless, shared by every feed. */
    Normalizer normalizer();

    /**
     * What the archiver's quality checks read from this venue's messages (docs/inventory.md): by default from the
     * normalizer alone; a venue that numbers its messages adds where the sequence is.
     */
    default io.ssmd.core.meta.QualityProbe qualityProbe() {
        return new VenueQualityProbe(id(), normalizer(), VenueQualityProbe.SeqReader.NONE);
    }

    /** A replay server speaking this venue's protocol ({@code settings.venue()} is this venue's id). */
    VenueServer replayServer(ReplaySettings settings);

    /** The replay server's default synthetic universe. */
    List<String> defaultInstruments();

    /** {@code n} synthetic instrument ids shaped like the venue's, starting with its defaults. */
    List<String> syntheticInstruments(int n);

    /** The client frames that subscribe every market-data channel of these instruments on the replay server. */
    List<String> subscribeMessages(List<String> instruments);
}
