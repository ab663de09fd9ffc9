package io.ssmd.core.shard;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The entity type this actor system runs its {@link FeedShard}s as: named per environment ({@code FeedShard-{env}}),
 * because Cluster Sharding names what it remembers in the journal after the type (its coordinator's store and each
 * shard's remembered entities). Two environments on one database, at the same time or one after the other, would
 * otherwise write the same persistence ids: each would restart the other's shards, or fail on the other's sequence
 * numbers. A node runs one environment, so the type is set once, when the shards are registered.
 */
public final class ShardEntityType implements Extension {

    private static final Id ID = new Id();

    private final String system;
    private final AtomicReference<EntityTypeKey<FeedShard.Command>> key = new AtomicReference<>();

    private ShardEntityType(String system) {
        this.system = system;
    }

    public static ShardEntityType get(ActorSystem<?> system) {
        return ID.get(Adapter.toClassic(system));
    }

    /** The entity type of environment {@code env}'s shards. */
    public static EntityTypeKey<FeedShard.Command> of(String env) {
        return EntityTypeKey.create(FeedShard.Command.class, "FeedShard-" + env);
    }

    /**
     * Makes {@code env}'s entity type this system's, once: another environment later is refused.
     *
     * @return the entity type
     * @throws IllegalStateException when the system runs another environment's shards already
     */
    public EntityTypeKey<FeedShard.Command> use(String env) {
        EntityTypeKey<FeedShard.Command> wanted = of(env);
        if (!key.compareAndSet(null, wanted) && !key.get().equals(wanted)) {
            throw new IllegalStateException("actor system " + system + " runs the shards of "
                    + key.get().name() + " already; it cannot run " + wanted.name() + " too");
        }
        return wanted;
    }

    /**
     * This system's entity type.
     *
     * @throws IllegalStateException when no shards are registered on it ({@link FeedShard#init} not called)
     */
    public EntityTypeKey<FeedShard.Command> key() {
        EntityTypeKey<FeedShard.Command> current = key.get();
        if (current == null) {
            throw new IllegalStateException("actor system " + system + " has no shard entities: FeedShard.init (or"
                    + " ShardEntityType.use) must run before a shard is addressed");
        }
        return current;
    }

    static final class Id extends AbstractExtensionId<ShardEntityType> {
        @Override
        public ShardEntityType createExtension(ExtendedActorSystem system) {
            return new ShardEntityType(system.name());
        }
    }
}
