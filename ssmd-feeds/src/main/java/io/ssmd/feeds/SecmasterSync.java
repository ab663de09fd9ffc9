package io.ssmd.feeds;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.settings.SecmasterSettings;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One sync of the security master for one feed: its venue's {@link MarketSync} reads the REST API, then
 * {@link SecurityMaster#sync} stores the markets in batches, removing unseen open ones only when every page was read.
 * Blocking. What {@code ssmd market sync} runs per feed, and later the node's startup and scheduled syncs.
 */
public final class SecmasterSync {

    private final SecurityMaster master;
    private final Function<EnabledFeed, VenueRest> rest;

    public SecmasterSync(SecurityMaster master, Function<EnabledFeed, VenueRest> rest) {
        this.master = master;
        this.rest = rest;
    }

    /** Syncs with a fresh {@link VenueRest} per feed, sleeping for real. */
    public static SecmasterSync create(SecurityMaster master, SecmasterSettings settings) {
        return new SecmasterSync(master, feed -> VenueRest.create(settings));
    }

    /**
     * Reads the feed's venue and stores what it lists.
     *
     * @throws VenueRest.RestException when a request failed every try (nothing of this feed is removed then)
     */
    public SecurityMaster.SyncCounts sync(EnabledFeed feed, Consumer<String> progress) throws InterruptedException {
        MarketSync sync = Venues.of(feed.venue()).marketSync(feed, rest.apply(feed));
        MarketSync.Fetched fetched = sync.fetch(progress);
        progress.accept(feed.name() + ": storing " + fetched.markets().size() + " markets");
        return master.sync(feed.name(), fetched.markets(), fetched.complete(), Instant.now());
    }
}
