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
 */
public record ShardSettings(
        Duration healthInterval,
        Duration aliveInterval,
        Duration backpressureGapAfter,
        Duration bookSnapshotInterval,
        FailureRangeLimits failureRanges,
        RenewSettings renew) {}
