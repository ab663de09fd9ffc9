package io.ssmd.core.shard;

import io.ssmd.core.nats.ControlEvent;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;

/**
 * Why a shard is told to stop (Cluster Sharding's stop message, {@link FeedShard.Stop}): a hand-off, when another
 * connector node serves and will take the shard, or a shutdown, when none does (the whole cluster, or its last
 * connector node, stops). Its {@code disconnected} says which, and so does the archive's gap.
 */
final class StopCause {

    private StopCause() {}

    /** {@link ControlEvent#REASON_HANDOFF} or {@link ControlEvent#REASON_SHUTDOWN}, as the cluster is now. */
    static String of(ActorSystem<?> system, String role) {
        Cluster cluster = Cluster.get(Adapter.toClassic(system));
        return of(cluster.selfAddress(), ConnectorMember.of(cluster.state(), role));
    }

    /** A hand-off when a member other than {@code self} serves connectors (Up, reachable, not leaving). */
    static String of(Address self, List<ConnectorMember> members) {
        boolean another =
                members.stream().anyMatch(m -> m.serving() && !m.address().equals(self));
        return another ? ControlEvent.REASON_HANDOFF : ControlEvent.REASON_SHUTDOWN;
    }
}
