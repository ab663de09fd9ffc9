package io.ssmd.core.shard;

import io.nats.client.JetStream;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.nats.ControlEventPublisher;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.nats.PublisherSettings;
import io.ssmd.core.settings.NodeSettings.ConnectorSettings;
import io.ssmd.core.settings.PersistenceSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The shards' side of an actor system: the shard-health topic, the registry that answers {@code /v1/feeds}, and the
 * shard entity with its runtime. The one place these start: a node's connector side starts them here and then a feed
 * manager per feed ({@link #startManagers}); the feed tests, which sit below the node module, start them here too
 * and then drive the shards or a plain manager themselves.
 */
public final class ShardHost {

    /** A report older than this is dropped from /v1/feeds: its shard is gone (with its node) or stuck. */
    public static final Duration FORGET_HEALTH_AFTER = Duration.ofSeconds(30);

    /** The cluster-wide topic shards report their health on (the registry and the feed managers read it). */
    static final String HEALTH_TOPIC = "ssmd-feed-health";

    private final ActorSystem<?> system;
    private final ShardRuntime runtime;
    /** In the caller's order (the runtime's map has none), so that managers start in a stable order. */
    private final List<FeedConnector> feeds;

    private final ActorRef<FeedHealthRegistry.Command> registry;

    /** The node's persistence: assignments in the journal, shards remembered; empty in rigs and benches. */
    private final Optional<PersistenceSettings> persistence;

    private ShardHost(
            ActorSystem<?> system,
            ShardRuntime runtime,
            List<FeedConnector> feeds,
            ActorRef<FeedHealthRegistry.Command> registry,
            Optional<PersistenceSettings> persistence) {
        this.system = system;
        this.runtime = runtime;
        this.feeds = feeds;
        this.registry = registry;
        this.persistence = persistence;
    }

    /**
     * Starts the health topic and registry and registers the shard entity ({@link FeedShard#init}) for {@code feeds};
     * on a node without the connector role the entity is only a proxy. With {@code persistence} (a node, whose database
     * is registered with {@link io.ssmd.core.db.PersistenceDatabase}), the feed managers keep their assignments in the
     * journal and Cluster Sharding remembers the shard entities (DESIGN §13); rigs and benches run without.
     *
     * @param node       the node's name, on every shard's health report
     * @param maxPayload the NATS server's {@code max_payload} ({@link io.ssmd.core.nats.NatsConnections#maxPayload})
     * @param settings   how the shards run ({@code ssmd.connectors})
     * @param outcomes   sees every publish outcome of every shard (benchmarks and tests count them)
     */
    public static ShardHost start(
            ActorSystem<?> system,
            String env,
            String node,
            Map<String, FeedConnector> feeds,
            JetStream jetStream,
            long maxPayload,
            PublisherSettings publisher,
            ConnectorMetrics metrics,
            ControlEventPublisher control,
            ShardSettings settings,
            Consumer<PublishOutcome> outcomes,
            Optional<PersistenceSettings> persistence) {
        // A bad ssmd.shard.websocket-client stops the node here, not each shard at its first connect.
        io.ssmd.core.ws.WebSocketClientChoice.get(system);
        ActorRef<Topic.Command<ShardHealth>> topic =
                system.systemActorOf(Topic.create(ShardHealth.class, HEALTH_TOPIC), "feed-health-topic", Props.empty());
        ActorRef<FeedHealthRegistry.Command> registry = system.systemActorOf(
                FeedHealthRegistry.create(topic, FORGET_HEALTH_AFTER), "feed-health", Props.empty());
        ShardRuntime runtime = new ShardRuntime(
                env,
                node,
                feeds,
                jetStream,
                maxPayload,
                publisher,
                metrics,
                control,
                topic,
                settings.healthInterval(),
                settings.aliveInterval(),
                settings.backpressureGapAfter(),
                settings.bookSnapshotInterval(),
                settings.failureRanges(),
                outcomes,
                settings.renew(),
                // One budget for the node: every shard this actor system runs shares it.
                io.ssmd.core.nats.PublishBudget.of(settings.publishBudget()));
        Optional<FeedShard.Remembering> remembering = persistence.map(p -> new FeedShard.Remembering(
                system.systemActorOf(
                        Topic.create(FeedShard.AssignmentWanted.class, FeedShard.ASSIGNMENT_TOPIC),
                        "feed-assignment-topic",
                        Props.empty()),
                p.unassignedTimeout()));
        FeedShard.init(system, runtime, remembering);
        return new ShardHost(system, runtime, List.copyOf(feeds.values()), registry, persistence);
    }

    /** A feed manager per feed, each a cluster singleton, as a node runs them; by feed name. */
    public Map<String, ActorRef<FeedManager.Command>> startManagers(ConnectorSettings settings) {
        return startManagers(settings, java.util.Optional.empty());
    }

    /** As above, feeds that list no instruments taking them from {@code secmaster} where their venue can. */
    public Map<String, ActorRef<FeedManager.Command>> startManagers(
            ConnectorSettings settings, java.util.Optional<SecmasterSource> secmaster) {
        Map<String, ActorRef<FeedManager.Command>> managers = new LinkedHashMap<>();
        for (FeedConnector feed : feeds) {
            managers.put(
                    feed.name(),
                    FeedManager.init(
                            system,
                            feed,
                            runtime.metrics(),
                            settings.fillRatio(),
                            settings.reassignInterval(),
                            settings.rediscoverInterval(),
                            secmaster,
                            settings.subscribeRetry(),
                            persistence));
        }
        return managers;
    }

    public ShardRuntime runtime() {
        return runtime;
    }

    /** Every shard's latest health, from the cluster-wide registry. */
    public CompletionStage<List<ShardHealth>> health(Duration timeout) {
        return AskPattern.ask(registry, FeedHealthRegistry.Get::new, timeout, system.scheduler())
                .thenApply(FeedHealthRegistry.Reports::shards);
    }
}
