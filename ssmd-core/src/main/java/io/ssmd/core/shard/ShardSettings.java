package io.ssmd.core.shard;

import io.ssmd.core.nats.FailureRangeLimits;
import java.time.Duration;

/**
 * How a node's shards run: the part of {@code ssmd.connectors} each shard's {@link ShardRuntime} carries, read once
 * ({@link io.ssmd.core.settings.NodeSettings.ConnectorSettings#shards()}) and handed to {@link ShardHost#start}.
 *
 * @param healthInterval       how often shards report health
 * @param aliveInterval        how often a streaming shard publishes its {@code alive} control event
 * @param backpressureGapAfter a shard's publish window full this long is recorded as a {@code backpressure} gap
 * @param bookSnapshotInterval how often a shard publishes ssmd book snapshots of the books it checks (DESIGN §7); zero
 *                             for none
 * @param failureRanges        when a range of failed publishes is closed and announced as one {@code publish_failed}
 * @param renew                how a shard renews its connection in place ({@code ssmd.connectors.renew}, DESIGN §17)
 * @param publishBudget        messages in flight shared by every shard's publisher of the node
 *                             ({@code ssmd.connectors.publish-budget}); 0 for no node-wide bound
 */
public record ShardSettings(
        Duration healthInterval,
        Duration aliveInterval,
        Duration backpressureGapAfter,
        Duration bookSnapshotInterval,
        FailureRangeLimits failureRanges,
        RenewSettings renew,
        int publishBudget) {

    public ShardSettings {
        if (publishBudget < 0) {
            throw new IllegalArgumentException("the publish budget must be 0 (none) or more: " + publishBudget);
        }
    }

    /** As above, with the default publish budget ({@link io.ssmd.core.nats.PublishBudget#DEFAULT_MESSAGES}). */
    public ShardSettings(
            Duration healthInterval,
            Duration aliveInterval,
            Duration backpressureGapAfter,
            Duration bookSnapshotInterval,
            FailureRangeLimits failureRanges,
            RenewSettings renew) {
        this(
                healthInterval,
                aliveInterval,
                backpressureGapAfter,
                bookSnapshotInterval,
                failureRanges,
                renew,
                io.ssmd.core.nats.PublishBudget.DEFAULT_MESSAGES);
    }
}
