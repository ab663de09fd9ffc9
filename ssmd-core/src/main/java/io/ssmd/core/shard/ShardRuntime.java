package io.ssmd.core.shard;

import io.nats.client.JetStream;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.nats.ControlEventPublisher;
import io.ssmd.core.nats.FailureRangeLimits;
import io.ssmd.core.nats.PublishBudget;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.nats.PublisherSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * What every shard of this node shares: the environment's name, the feeds this node can connect, JetStream, the
 * publisher's settings, metrics, control events and the health topic. Node-local, never sent between nodes: a shard
 * started elsewhere finds its feed in that node's runtime.
 *
 * @param maxPayload the NATS server's {@code max_payload}: no frame larger than it, less headers, is published whole
 * @param aliveInterval how often a streaming shard publishes its {@code alive} control event
 * @param backpressureGapAfter a publish window full this long is a {@code backpressure} gap
 * @param bookSnapshotInterval how often a shard publishes ssmd book snapshots of the books it checks (DESIGN §7);
 *                             zero for never (not even after a resync)
 * @param failureRanges when a range of failed publishes is closed and announced as one {@code publish_failed}
 * @param outcomes sees every publish outcome (benchmarks measure frame-to-ack latency with it); usually a no-op
 * @param renew how a shard renews its connection ({@link FeedShard.Renew})
 * @param publishBudget the node's messages in flight, shared by every shard's publisher ({@link PublishBudget})
 */
public record ShardRuntime(
        String env,
        String node,
        Map<String, FeedConnector> feeds,
        JetStream jetStream,
        long maxPayload,
        PublisherSettings publisher,
        ConnectorMetrics metrics,
        ControlEventPublisher control,
        ActorRef<Topic.Command<ShardHealth>> healthTopic,
        Duration healthInterval,
        Duration aliveInterval,
        Duration backpressureGapAfter,
        Duration bookSnapshotInterval,
        FailureRangeLimits failureRanges,
        Consumer<PublishOutcome> outcomes,
        RenewSettings renew,
        PublishBudget publishBudget) {

    /** {@code ssmd.connectors.book-snapshot-interval}'s default, for rigs that do not say. */
    public static final Duration DEFAULT_BOOK_SNAPSHOT_INTERVAL = Duration.ofSeconds(30);

    public ShardRuntime {
        feeds = Map.copyOf(feeds);
    }

    public Optional<FeedConnector> feed(String name) {
        return Optional.ofNullable(feeds.get(name));
    }
}
