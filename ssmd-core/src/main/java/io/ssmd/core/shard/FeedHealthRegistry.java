package io.ssmd.core.shard;

import io.ssmd.core.CborSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * Every shard's latest health, as the shards publish it on the cluster-wide health topic: any node answers
 * {@code /v1/feeds} from here without waking an entity (DESIGN §2). A report older than {@code forgetAfter} is
 * dropped, so a shard gone with its node does not linger as healthy.
 */
public final class FeedHealthRegistry extends AbstractBehavior<FeedHealthRegistry.Command> {

    public sealed interface Command {}

    /** Asks for the current reports. */
    public record Get(ActorRef<Reports> replyTo) implements Command, CborSerializable {}

    /** Every shard's latest report, sorted by feed and shard number. */
    public record Reports(List<ShardHealth> shards) implements CborSerializable {
        public Reports {
            shards = List.copyOf(shards);
        }
    }

    private record Report(ShardHealth health) implements Command {}

    private final Duration forgetAfter;
    private final Map<String, ShardHealth> byShard = new HashMap<>();

    public static Behavior<Command> create(ActorRef<Topic.Command<ShardHealth>> topic, Duration forgetAfter) {
        return Behaviors.setup(ctx -> {
            ActorRef<ShardHealth> adapter = ctx.messageAdapter(ShardHealth.class, Report::new);
            topic.tell(Topic.subscribe(adapter));
            return new FeedHealthRegistry(ctx, forgetAfter);
        });
    }

    private FeedHealthRegistry(ActorContext<Command> context, Duration forgetAfter) {
        super(context);
        this.forgetAfter = forgetAfter;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Report.class, this::onReport)
                .onMessage(Get.class, this::onGet)
                .build();
    }

    private Behavior<Command> onReport(Report report) {
        ShardHealth health = report.health();
        ShardHealth known = byShard.get(health.shard());
        if (known == null || known.reportedAt() <= health.reportedAt()) {
            byShard.put(health.shard(), health);
        }
        return this;
    }

    private Behavior<Command> onGet(Get get) {
        long cutoff = System.currentTimeMillis() - forgetAfter.toMillis();
        byShard.values().removeIf(h -> h.reportedAt() < cutoff);
        List<ShardHealth> all = new ArrayList<>(byShard.values());
        all.sort(Comparator.comparing(ShardHealth::feed).thenComparing(h -> shardNumber(h.shard())));
        get.replyTo().tell(new Reports(all));
        return this;
    }

    /** {@code kraken-10} sorts after {@code kraken-9}. */
    private static int shardNumber(String shard) {
        int dash = shard.lastIndexOf('-');
        try {
            return Integer.parseInt(shard.substring(dash + 1));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}
