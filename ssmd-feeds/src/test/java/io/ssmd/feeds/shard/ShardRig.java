package io.ssmd.feeds.shard;

import com.typesafe.config.ConfigFactory;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.Environment;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.ControlEventPublisher;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.nats.StreamSetup;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.shard.FeedConnector;
import io.ssmd.core.shard.FeedManager;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.shard.ShardHost;
import io.ssmd.core.shard.VenueConnector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * A connector node in a test: a one-node cluster (messages serialized as between nodes), a real nats-server with the
 * feed's stream, the shard entity and a feed manager, and a tap on everything published under the feed.
 */
public final class ShardRig implements AutoCloseable {

    /** A message as the tap saw it. */
    public record Published(String subject, byte[] data, Headers headers, long seenNanos) {}

    public static final Duration WAIT = Duration.ofSeconds(30);

    private final ActorTestKit testKit;
    private final Connection nats;
    /** Short, so tests see {@code alive} events without waiting long. */
    public static final Duration ALIVE_INTERVAL = Duration.ofSeconds(1);

    /** Short, so a NATS outage of a few seconds is a backpressure gap. */
    public static final Duration BACKPRESSURE_GAP_AFTER = Duration.ofSeconds(1);

    private final ControlEventPublisher control;
    private final ShardHost shards;
    private final PrometheusRegistry metrics = new PrometheusRegistry();
    // O(1) appends: a copy-on-write list copied itself on every market message, and a tap that falls behind is a slow
    // consumer whose dropped messages (control events among them) made waits time out under load.
    private final ConcurrentLinkedQueue<Published> published = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<PublishOutcome> outcomes = new ConcurrentLinkedQueue<>();
    private final Dispatcher tap;
    private final FeedConnector feed;

    private ShardRig(
            Connection nats,
            Environment environment,
            Function<io.ssmd.core.config.EnabledFeed, VenueConnector> connector,
            Duration bookSnapshotInterval,
            io.ssmd.core.shard.RenewSettings renew)
            throws Exception {
        this.nats = nats;
        // The node's own configuration path (NodeConfig), as one node of a cluster whose messages are all serialized.
        this.testKit = ActorTestKit.create(
                "ssmd-shard-test", NodeConfig.forNode(NodeConfig.layered(ConfigFactory.parseString("""
                        pekko.remote.artery.canonical.port = 0
                        pekko.actor.serialize-messages = on
                        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                        # A busy machine (other builds on two cores) can take longer than the default 10 s to stop
                        # a node with 14 shards; a slow shutdown is not what any test here is about.
                        pekko.actor.testkit.typed.system-shutdown-default = 30s
                        """))));
        Cluster cluster = Cluster.get(testKit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(() -> cluster.selfMember().status() == MemberStatus.up());

        var enabled = environment.feeds().get(0);
        this.feed = new FeedConnector(enabled, connector.apply(enabled));
        new StreamSetup(nats.jetStreamManagement()).apply(environment.streams(), environment.publishableSubjects());
        ConnectorMetrics connectorMetrics = ConnectorMetrics.create(metrics);
        control = ControlEventPublisher.create(nats, environment.name(), environment.publisher(), connectorMetrics);
        tap = nats.createDispatcher(this::seen);
        tap.setPendingLimits(0, 0); // unlimited: the tap must see every message, however far behind it is
        tap.subscribe(environment.name() + "." + enabled.name() + ".>");
        nats.flush(Duration.ofSeconds(5));
        // The node's own shard wiring; the feed manager is left to the test (startShards or startManager).
        shards = ShardHost.start(
                testKit.system(),
                environment.name(),
                "test-node",
                Map.of(enabled.name(), feed),
                nats.jetStream(),
                io.ssmd.core.nats.NatsConnections.maxPayload(nats),
                environment.publisher(),
                connectorMetrics,
                control,
                new io.ssmd.core.shard.ShardSettings(
                        Duration.ofMillis(200),
                        ALIVE_INTERVAL,
                        BACKPRESSURE_GAP_AFTER,
                        bookSnapshotInterval,
                        io.ssmd.core.nats.FailureRangeLimits.defaults(),
                        renew),
                outcomes::add,
                java.util.Optional.empty());
    }

    public static ShardRig start(
            Connection nats,
            Environment environment,
            Function<io.ssmd.core.config.EnabledFeed, VenueConnector> connector) {
        return start(nats, environment, connector, io.ssmd.core.shard.ShardRuntime.DEFAULT_BOOK_SNAPSHOT_INTERVAL);
    }

    /** Like the other {@code start}, with shards that publish ssmd book snapshots this often (zero: none). */
    public static ShardRig start(
            Connection nats,
            Environment environment,
            Function<io.ssmd.core.config.EnabledFeed, VenueConnector> connector,
            Duration bookSnapshotInterval) {
        return start(nats, environment, connector, bookSnapshotInterval, io.ssmd.core.shard.RenewSettings.defaults());
    }

    /** Like the other {@code start}, with shards that renew their connections as {@code renew} says. */
    public static ShardRig start(
            Connection nats,
            Environment environment,
            Function<io.ssmd.core.config.EnabledFeed, VenueConnector> connector,
            Duration bookSnapshotInterval,
            io.ssmd.core.shard.RenewSettings renew) {
        try {
            return new ShardRig(nats, environment, connector, bookSnapshotInterval, renew);
        } catch (Exception e) {
            throw new IllegalStateException("the shard rig did not start: " + e, e);
        }
    }

    /** Packs the feed into shards and starts them, as the node's feed manager does. */
    public List<FeedShard.Start> startShards(double fillRatio) {
        List<FeedShard.Start> shards = FeedManager.pack(feed, fillRatio);
        for (FeedShard.Start start : shards) {
            FeedShard.ref(testKit.system(), feed.name() + "-" + start.index()).tell(start);
        }
        return shards;
    }

    /**
     * Runs the feed's manager as a node would (here a plain actor rather than a cluster singleton), taking the
     * instruments from {@code discovery} when given.
     */
    public ActorRef<FeedManager.Command> startManager(
            java.util.Optional<io.ssmd.core.shard.InstrumentDiscovery> discovery, Duration rediscoverEvery) {
        return testKit.spawn(FeedManager.create(
                new FeedConnector(feed.feed(), feed.connector(), discovery),
                shards.runtime().metrics(),
                0.8,
                Duration.ofSeconds(2),
                rediscoverEvery));
    }

    /**
     * Runs the feed's manager taking its instruments from the security master (DESIGN §15): the rows of
     * {@code source}, then the change events on NATS, selected by {@code selection}.
     */
    public ActorRef<FeedManager.Command> startManager(
            io.ssmd.core.shard.MarketSelection selection, io.ssmd.core.shard.SecmasterSource source) {
        return startManager(selection, source, io.ssmd.core.shard.SubscribeRetry.defaults());
    }

    /** As above, refused markets retried as {@code retry} says. */
    public ActorRef<FeedManager.Command> startManager(
            io.ssmd.core.shard.MarketSelection selection,
            io.ssmd.core.shard.SecmasterSource source,
            io.ssmd.core.shard.SubscribeRetry retry) {
        return testKit.spawn(FeedManager.create(
                new FeedConnector(
                        feed.feed(), feed.connector(), java.util.Optional.empty(), java.util.Optional.of(selection)),
                shards.runtime().metrics(),
                0.8,
                Duration.ofSeconds(2),
                Duration.ofHours(1),
                java.util.Optional.of(source),
                retry));
    }

    /** The rig's actor system, for what runs beside the manager (Kalshi's lifecycle watcher). */
    public org.apache.pekko.actor.typed.ActorSystem<Void> system() {
        return testKit.system();
    }

    public Connection nats() {
        return nats;
    }

    /** The environment's name: the first token of every subject the feed publishes. */
    public String env() {
        return shards.runtime().env();
    }

    private void seen(Message message) {
        published.add(new Published(message.getSubject(), message.getData(), message.getHeaders(), System.nanoTime()));
    }

    public List<Published> published() {
        return List.copyOf(published);
    }

    public List<Published> published(Predicate<String> subject) {
        return published.stream().filter(p -> subject.test(p.subject())).toList();
    }

    /**
     * Control events of one kind for one shard, in the order published, each once: the tap sees every attempt, and a
     * control event whose PubAck was slow (a loaded machine) is published again with the same {@code Nats-Msg-Id},
     * which the stream stores once.
     */
    public List<ControlEvent> control(String event, String shard) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        return published.stream()
                .filter(p -> p.subject().endsWith(".control." + event + "." + shard))
                .filter(p -> p.headers() == null
                        || p.headers().getFirst(io.ssmd.core.nats.PublishHeaders.MSG_ID) == null
                        || seen.add(p.headers().getFirst(io.ssmd.core.nats.PublishHeaders.MSG_ID)))
                .map(p -> ControlEvent.fromJson(p.data()))
                .toList();
    }

    public List<ShardHealth> health() {
        return shards.health(Duration.ofSeconds(5)).toCompletableFuture().join();
    }

    /** The shard's health now, if it has reported. */
    public java.util.Optional<ShardHealth> health(String shard) {
        return health().stream().filter(h -> h.shard().equals(shard)).findFirst();
    }

    /** The shards streaming now. */
    public List<ShardHealth> streaming() {
        return health().stream()
                .filter(h -> h.state().equals(ShardHealth.STREAMING))
                .toList();
    }

    /** Every instrument any shard runs now. */
    public List<String> instruments() {
        return health().stream().flatMap(h -> h.instruments().stream()).toList();
    }

    public ConcurrentLinkedQueue<PublishOutcome> outcomes() {
        return outcomes;
    }

    /** The sum over all label sets of a counter (its name without {@code _total}). */
    public double counter(String name) {
        return metrics.scrape().stream()
                .filter(m -> m.getMetadata().getName().equals(name))
                .flatMap(m -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot) m).getDataPoints().stream())
                .mapToDouble(io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot::getValue)
                .sum();
    }

    public PrometheusRegistry metrics() {
        return metrics;
    }

    public FeedConnector feed() {
        return feed;
    }

    @Override
    public void close() {
        testKit.shutdownTestKit();
        nats.closeDispatcher(tap);
        control.close();
    }
}
