package io.ssmd.core.shard;

import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * Each entity is a Pekko shard of its own: the shard id is the entity id (DESIGN §13). The default extractor hashes
 * entity ids into {@code number-of-shards} shards, so entities that share a shard move together: a hand-off or an
 * allocation decision about one {@code FeedShard} would then close the sockets of its neighbours too. One socket per
 * entity, one entity per shard: a shard is where one connection runs, and the allocation strategy decides per
 * connection ({@link ConnectorAllocation}).
 *
 * @param <M> the entity's message type
 */
public final class OneShardPerEntity<M> extends ShardingMessageExtractor<ShardingEnvelope<M>, M> {

    @Override
    public String entityId(ShardingEnvelope<M> envelope) {
        return envelope.entityId();
    }

    @Override
    public String shardId(String entityId) {
        return entityId;
    }

    @Override
    public M unwrapMessage(ShardingEnvelope<M> envelope) {
        return envelope.message();
    }
}
