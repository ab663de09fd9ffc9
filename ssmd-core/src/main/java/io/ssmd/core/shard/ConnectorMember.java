package io.ssmd.core.shard;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

/**
 * A cluster member as shard placement sees it: where it is, its status, whether it runs connectors and whether the
 * others can reach it. Plain data, so that the decisions built on it ({@link ConnectorAllocation}, {@link StopCause})
 * are tested without a cluster.
 */
record ConnectorMember(Address address, MemberStatus status, boolean connector, boolean reachable) {

    /** Whether shards may go to it: an Up connector node the others reach, not leaving or exiting. */
    boolean serving() {
        return connector && reachable && status.equals(MemberStatus.up());
    }

    /** The members of {@code state}, {@code role} telling which run connectors. */
    static List<ConnectorMember> of(ClusterEvent.CurrentClusterState state, String role) {
        Set<Address> unreachable = new HashSet<>();
        state.getUnreachable().forEach(m -> unreachable.add(m.address()));
        List<ConnectorMember> members = new ArrayList<>();
        for (Member m : state.getMembers()) {
            members.add(
                    new ConnectorMember(m.address(), m.status(), m.hasRole(role), !unreachable.contains(m.address())));
        }
        return members;
    }
}
