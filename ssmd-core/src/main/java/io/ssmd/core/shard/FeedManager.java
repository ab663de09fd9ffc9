package io.ssmd.core.shard;

import io.ssmd.core.subject.Subjects;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * One enabled feed's manager, a cluster singleton (DESIGN §2): it packs the feed's instruments into shards, each
 * filled to {@code fill-ratio} of the venue's per-connection capacity so live additions have room, and (re)starts
 * every shard through Cluster Sharding. It re-sends each assignment periodically, so a shard that restarted or moved
 * to another node resumes without anyone remembering it.
 */
public final class FeedManager extends AbstractBehavior<FeedManager.Command> {

    public sealed interface Command {
    }

    private enum Assign implements Command { INSTANCE }

    private final List<FeedShard.Start> assignments;

    /** Starts the singleton manager of {@code feed} on the connector nodes of the cluster. */
    public static void init(ActorSystem<?> system, FeedConnector feed, double fillRatio, Duration reassignEvery) {
        ClusterSingleton.get(system).init(SingletonActor.of(create(feed, fillRatio, reassignEvery),
                "feed-manager-" + feed.name()).withSettings(ClusterSingletonSettings.create(system).withRole("connector")));
    }

    public static Behavior<Command> create(FeedConnector feed, double fillRatio, Duration reassignEvery) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Assign.INSTANCE, reassignEvery);
            ctx.getSelf().tell(Assign.INSTANCE);
            return new FeedManager(ctx, pack(feed, fillRatio));
        }));
    }

    private FeedManager(ActorContext<Command> context, List<FeedShard.Start> assignments) {
        super(context);
        this.assignments = assignments;
        assignments.forEach(a -> context.getLog().info("{}: {} instruments {}", Subjects.shard(a.feed(), a.index()),
                a.instruments().size(), a.instruments()));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder().onMessageEquals(Assign.INSTANCE, this::onAssign).build();
    }

    private Behavior<Command> onAssign() {
        for (FeedShard.Start start : assignments) {
            FeedShard.ref(getContext().getSystem(), Subjects.shard(start.feed(), start.index())).tell(start);
        }
        return this;
    }

    /**
     * The feed's instruments in shards of at most {@code capacity · fillRatio} (at least one each), in the order
     * configured, so a given configuration always gives the same shards.
     */
    public static List<FeedShard.Start> pack(FeedConnector feed, double fillRatio) {
        int capacity = feed.feed().definition().maxInstrumentsPerConnection();
        int perShard = Math.max(1, (int) Math.floor(capacity * fillRatio));
        List<String> instruments = feed.feed().instruments();
        List<FeedShard.Start> shards = new ArrayList<>();
        for (int from = 0, n = 0; from < instruments.size(); from += perShard, n++) {
            shards.add(new FeedShard.Start(feed.name(), n,
                    instruments.subList(from, Math.min(instruments.size(), from + perShard))));
        }
        return List.copyOf(shards);
    }
}
