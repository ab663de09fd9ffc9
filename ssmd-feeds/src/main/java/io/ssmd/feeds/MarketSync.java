package io.ssmd.feeds;

import io.ssmd.core.meta.MarketRecord;
import java.util.List;
import java.util.function.Consumer;

/**
 * One feed's sync of the security master (docs/secmaster.md): reads the venue's REST API and returns every market it
 * lists, open or closed within {@code ssmd.secmaster.closed-within}, as {@link MarketRecord}s. Each venue package
 * supplies its own through {@link VenueModule#marketSync}. Blocking: run it on a blocking dispatcher.
 */
@FunctionalInterface
public interface MarketSync {

    /** What a sync read: the markets, and whether every page was read (only then may unseen markets be removed). */
    record Fetched(List<MarketRecord> markets, boolean complete) {
        public Fetched {
            markets = List.copyOf(markets);
        }
    }

    /**
     * Reads the venue.
     *
     * @param progress told what is being read, one short line at a time (the CLI prints it on stderr)
     * @throws VenueRest.RestException when a request fails every try
     */
    Fetched fetch(Consumer<String> progress) throws InterruptedException;
}
