package io.ssmd.app;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.nats.ControlEventPublisher;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.core.shard.FeedConnector;
import io.ssmd.core.shard.FeedHealthRegistry;
import io.ssmd.core.shard.FeedManager;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.shard.ShardRuntime;
import io.ssmd.feeds.LiveInstruments;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.WiredFeed;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector side of a node: joins the (one-node by default) cluster, registers the shard entity, starts a feed
 * manager per enabled feed this build has a connector for, and keeps the cluster-wide health registry that answers
 * {@code /v1/feeds}.
 */
final class ConnectorNode {

    private static final Logger log = LoggerFactory.getLogger(ConnectorNode.class);

    /** A report older than this is dropped from /v1/feeds: its shard is gone (with its node) or stuck. */
    private static final Duration FORGET_HEALTH_AFTER = Duration.ofSeconds(30);

    private final ActorSystem<?> system;
    private final ActorRef<FeedHealthRegistry.Command> registry;
    private final List<String> feeds;

    private ConnectorNode(ActorSystem<?> system, ActorRef<FeedHealthRegistry.Command> registry, List<String> feeds) {
        this.system = system;
        this.registry = registry;
        this.feeds = feeds;
    }

    static ConnectorNode start(
            ActorSystem<?> system,
            NodeSettings settings,
            Environment environment,
            Connection nats,
            ConnectorMetrics metrics,
            ControlEventPublisher control,
            Consumer<PublishOutcome> outcomes) {
        joinCluster(system);
        ActorRef<Topic.Command<ShardHealth>> topic = system.systemActorOf(
                Topic.create(ShardHealth.class, "ssmd-feed-health"), "feed-health-topic", Props.empty());
        ActorRef<FeedHealthRegistry.Command> registry = system.systemActorOf(
                FeedHealthRegistry.create(topic, FORGET_HEALTH_AFTER), "feed-health", Props.empty());
        Map<String, FeedConnector> connectors = new LinkedHashMap<>();
        Map<String, LiveInstruments> live = new LinkedHashMap<>();
        for (EnabledFeed feed : environment.feeds()) {
            // Every venue has a module (Venues checks it at class load), so every enabled feed runs.
            WiredFeed wired = Venues.wire(feed);
            connectors.put(feed.name(), wired.feed());
            wired.live().ifPresent(l -> live.put(feed.name(), l));
        }
        JetStream jetStream;
        try {
            jetStream = nats.jetStream();
        } catch (IOException e) {
            throw new IllegalStateException("JetStream is not available on " + nats.getConnectedUrl(), e);
        }
        ShardRuntime runtime = new ShardRuntime(
                environment.name(),
                settings.nodeName(),
                connectors,
                jetStream,
                environment.publisher(),
                metrics,
                control,
                topic,
                settings.connectors().healthInterval(),
                outcomes);
        // On a node without the connector role this only starts a proxy: shards and managers run elsewhere.
        FeedShard.init(system, runtime);
        for (FeedConnector feed : connectors.values()) {
            ActorRef<FeedManager.Command> manager = FeedManager.init(
                    system,
                    feed,
                    settings.connectors().fillRatio(),
                    settings.connectors().reassignInterval(),
                    settings.connectors().rediscoverInterval());
            // Kalshi's lifecycle watcher: markets that open or close between discoveries.
            LiveInstruments watcher = live.get(feed.name());
            if (watcher != null) {
                watcher.start(system, environment.name(), nats, manager);
            }
        }
        return new ConnectorNode(
                system,
                registry,
                environment.feeds().stream().map(EnabledFeed::name).toList());
    }

    /** The feeds listed on /v1/feeds. */
    List<String> feeds() {
        return feeds;
    }

    /** Every shard's latest health, from the cluster-wide registry. */
    CompletionStage<List<ShardHealth>> health() {
        return AskPattern.ask(registry, FeedHealthRegistry.Get::new, Duration.ofSeconds(3), system.scheduler())
                .thenApply(FeedHealthRegistry.Reports::shards);
    }

    /** A node with no seed nodes configured forms a cluster of one by joining itself (DESIGN §2). */
    private static void joinCluster(ActorSystem<?> system) {
        Cluster cluster = Cluster.get(system);
        if (system.settings().config().getStringList("pekko.cluster.seed-nodes").isEmpty()) {
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
        }
    }
}
