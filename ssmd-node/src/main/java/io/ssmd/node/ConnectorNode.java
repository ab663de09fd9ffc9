package io.ssmd.node;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.ssmd.core.Secrets;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.db.PersistenceDatabase;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.nats.ControlEventPublisher;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.settings.NodeSettings.ConnectorSettings;
import io.ssmd.core.settings.PersistenceSettings;
import io.ssmd.core.shard.FeedConnector;
import io.ssmd.core.shard.SecmasterSource;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.shard.ShardHost;
import io.ssmd.feeds.LiveInstruments;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.WiredFeed;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector side of a node: joins the (one-node by default) cluster, registers the shard entity, starts a feed
 * manager per enabled feed this build has a connector for, and keeps the cluster-wide health registry that answers
 * {@code /v1/feeds}. {@link Ssmd} starts it as part of a node; the connector benchmarks start it alone, with their
 * own NATS server and streams.
 */
public final class ConnectorNode {

    private static final Logger log = LoggerFactory.getLogger(ConnectorNode.class);

    private final ShardHost shards;
    private final List<String> feeds;

    private ConnectorNode(ShardHost shards, List<String> feeds) {
        this.shards = shards;
        this.feeds = feeds;
    }

    /**
     * Starts the connector side in {@code system}, publishing to {@code nats}, whose streams must already cover
     * {@code environment}'s subjects.
     *
     * @param nodeName the name on every shard's health report
     * @param outcomes sees every publish outcome (the benchmarks measure with it; a node ignores it)
     */
    public static ConnectorNode start(
            ActorSystem<?> system,
            String nodeName,
            ConnectorSettings settings,
            Environment environment,
            Connection nats,
            ConnectorMetrics metrics,
            ControlEventPublisher control,
            Consumer<PublishOutcome> outcomes) {
        return start(system, nodeName, settings, environment, nats, metrics, control, outcomes, Optional.empty());
    }

    /**
     * {@link #start(ActorSystem, String, ConnectorSettings, Environment, Connection, ConnectorMetrics,
     * ControlEventPublisher, Consumer)} on a node with the security master, which live instrument changes (Kalshi's
     * lifecycle watcher) also update. With {@link ConnectorSettings#instrumentsFromSecmaster()}, feeds that list no
     * instruments and whose venue supplies a selection take them from it and its change events (DESIGN §15).
     */
    public static ConnectorNode start(
            ActorSystem<?> system,
            String nodeName,
            ConnectorSettings settings,
            Environment environment,
            Connection nats,
            ConnectorMetrics metrics,
            ControlEventPublisher control,
            Consumer<PublishOutcome> outcomes,
            Optional<SecurityMaster> secmaster) {
        return start(
                system, nodeName, settings, environment, nats, metrics, control, outcomes, secmaster, Optional.empty());
    }

    /**
     * As above; with {@code persistence} (a node, whose database is registered with {@link PersistenceDatabase}), the
     * feed managers keep their assignments in the journal and Cluster Sharding remembers the shards (DESIGN §13).
     */
    public static ConnectorNode start(
            ActorSystem<?> system,
            String nodeName,
            ConnectorSettings settings,
            Environment environment,
            Connection nats,
            ConnectorMetrics metrics,
            ControlEventPublisher control,
            Consumer<PublishOutcome> outcomes,
            Optional<SecurityMaster> secmaster,
            Optional<PersistenceSettings> persistence) {
        if (persistence.isPresent() && !PersistenceDatabase.get(system).isRegistered()) {
            throw new IllegalStateException("the connector side persists to the node's database: register it first"
                    + " (PersistenceDatabase.use)");
        }
        joinCluster(system);
        Optional<SecmasterSource> source = settings.instrumentsFromSecmaster()
                ? secmaster.map(master -> new SecmasterSource(master, nats, environment.name()))
                : Optional.empty();
        Map<String, FeedConnector> connectors = new LinkedHashMap<>();
        Map<String, LiveInstruments> live = new LinkedHashMap<>();
        for (EnabledFeed feed : environment.feeds()) {
            // Every venue has a module (Venues checks it at class load), so every enabled feed runs.
            WiredFeed wired = Venues.wire(feed);
            connectors.put(feed.name(), wired.feed());
            // With the feed from the security master the watcher still runs, as its producer: it stores lifecycle
            // events
            // in the security master, whose change events then reach the manager (which ignores its direct changes).
            wired.live().ifPresent(l -> live.put(feed.name(), l));
        }
        JetStream jetStream;
        try {
            jetStream = nats.jetStream();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "JetStream is not available on " + Secrets.redactUrl(nats.getConnectedUrl()), e);
        }
        // On a node without the connector role this only starts a proxy: shards and managers run elsewhere.
        ShardHost shards = ShardHost.start(
                system,
                environment.name(),
                nodeName,
                connectors,
                jetStream,
                NatsConnections.maxPayload(nats),
                environment.publisher(),
                metrics,
                control,
                settings.shards(),
                outcomes,
                // The assignments are the environment's: another environment on the same database keeps its own.
                persistence.map(p -> p.forEnvironment(environment.name())));
        shards.startManagers(settings, source).forEach((feed, manager) -> {
            // Kalshi's lifecycle watcher: markets that open or close between discoveries.
            LiveInstruments watcher = live.get(feed);
            if (watcher != null) {
                watcher.start(system, environment.name(), nats, manager, secmaster, metrics);
            }
        });
        return new ConnectorNode(
                shards, environment.feeds().stream().map(EnabledFeed::name).toList());
    }

    /** The feeds listed on /v1/feeds. */
    public List<String> feeds() {
        return feeds;
    }

    /** Every shard's latest health, from the cluster-wide registry. */
    public CompletionStage<List<ShardHealth>> health() {
        return shards.health(Duration.ofSeconds(3));
    }

    /** A node with no seed nodes configured forms a cluster of one by joining itself (DESIGN §2). */
    private static void joinCluster(ActorSystem<?> system) {
        Cluster cluster = Cluster.get(system);
        // With Kubernetes bootstrap, the bootstrap joins (ClusterFormation): a node joining itself would form a cluster
        // of its own.
        io.ssmd.core.settings.ClusterSettings settings =
                io.ssmd.core.settings.ClusterSettings.create(system.settings().config());
        if (settings.seedNodes().isEmpty()
                && settings.bootstrap() == io.ssmd.core.settings.ClusterSettings.Bootstrap.SEED_NODES) {
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
        }
    }
}
