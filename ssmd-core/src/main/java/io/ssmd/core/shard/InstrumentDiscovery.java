package io.ssmd.core.shard;

import java.util.List;

/**
 * Finds a feed's instruments from the venue (Polymarket's Gamma API, Kalshi's markets), for feeds that list none
 * statically. Blocking: the feed manager runs it on the blocking dispatcher, never in an actor.
 */
@FunctionalInterface
public interface InstrumentDiscovery {

    /** The instruments to run now, true ids, in the venue's order of interest (most active first). */
    List<String> discover() throws Exception;
}
