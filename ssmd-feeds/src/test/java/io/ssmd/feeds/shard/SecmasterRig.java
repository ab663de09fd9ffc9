package io.ssmd.feeds.shard;

import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.secmaster.OutboxRelay;
import io.ssmd.core.secmaster.SecmasterRelay;
import io.ssmd.core.secmaster.SecmasterRelayMetrics;
import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import io.ssmd.core.settings.SecmasterRelaySettings;
import io.ssmd.core.settings.SecmasterSettings;
import io.ssmd.core.shard.SecmasterSource;
import io.ssmd.core.shard.SubscribeRetry;
import io.ssmd.feeds.SecmasterSync;
import io.ssmd.feeds.VenueRest;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.WiredFeed;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * One feed taking its instruments from the security master as a node wires it (DESIGN §15): its rows synced from the
 * venue's REST API into a real database, the real outbox relay publishing their changes, and the feed manager in a
 * {@link ShardRig} reading both.
 */
public final class SecmasterRig implements AutoCloseable {

    /** Sync settings for a replay server: quick retries, and markets closed long ago still listed. */
    public static final SecmasterSettings SYNC = SecmasterSettings.defaults()
            .withRetry(6, Duration.ofMillis(10), Duration.ZERO)
            .withClosedWithin(Duration.ofDays(3650));

    private final Environment environment;
    private final EnabledFeed feed;
    private final Database db;
    private final Metadata metadata;
    private final SecurityMaster master;
    private final SecmasterSync sync;
    private ShardRig rig;

    private SecmasterRig(Environment environment, String feed, Database db) {
        this.environment = environment;
        this.feed = environment.feed(feed).orElseThrow();
        this.db = db;
        this.metadata = Metadata.of(db);
        this.master = new SecurityMaster(metadata);
        this.sync = new SecmasterSync(master, f -> VenueRest.create(SYNC));
    }

    /** Opens (and migrates) the database; nothing runs until {@link #start}. */
    public static SecmasterRig open(DatabaseSettings database, Environment environment, String feed) {
        return new SecmasterRig(environment, feed, Database.open(database));
    }

    /** One sync of the feed's rows from its venue now. */
    public SecurityMaster.SyncCounts sync() throws InterruptedException {
        return sync.sync(feed, line -> {});
    }

    public SecurityMaster master() {
        return master;
    }

    public EnabledFeed feed() {
        return feed;
    }

    /**
     * Starts the shards, the relay (spawned in {@code beside} rather than as the rig's singleton: its first tick is a
     * self-tell that the rig's serialize-messages check refuses) and the feed manager, refused markets retried as
     * {@code retry} says.
     */
    public ShardRig start(Connection nats, ActorTestKit beside, SubscribeRetry retry) {
        WiredFeed wired = Venues.wire(feed);
        rig = ShardRig.start(nats, environment, f -> wired.feed().connector());
        SecmasterRelaySettings relaySettings = SecmasterRelaySettings.defaults();
        OutboxRelay relay = new OutboxRelay(
                metadata.jdbi(),
                rig.nats(),
                environment.name(),
                relaySettings,
                SecmasterRelayMetrics.create(new PrometheusRegistry()));
        beside.spawn(SecmasterRelay.create(
                relay,
                relaySettings,
                rig.system().dispatchers().lookup(DispatcherSelector.fromConfig("ssmd-blocking-dispatcher"))));
        rig.startManager(
                wired.feed().selection().orElseThrow(),
                new SecmasterSource(master, rig.nats(), environment.name()),
                retry);
        return rig;
    }

    @Override
    public void close() {
        if (rig != null) {
            rig.close();
        }
        db.close();
    }
}
