package io.ssmd.core.shard;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.dispatch.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;

/**
 * Where a {@link FeedShard} runs (DESIGN §13): a new shard goes to the least-loaded connector node (fewest shards, ties
 * by address so the choice is deterministic), among the members that are Up, reachable and not leaving; a streaming
 * shard is never rebalanced. A shard whose node left or died has no home any more and is allocated again the same
 * way when it is next addressed.
 *
 * <p>Pekko's default strategy rebalances: it moves shards onto a node that joins until the counts even out. For ssmd a
 * moved shard is a hole in the data (its socket closes on one node and opens on another, the venue's messages in
 * between are lost), so a joining node takes new shards only, and the connections that stream stay where they are.
 */
public final class ConnectorAllocation extends ShardCoordinator.AbstractShardAllocationStrategy {

    private static final Logger log = LoggerFactory.getLogger(ConnectorAllocation.class);

    /**
     * How long a new shard waits for the shard region of a serving connector node that has not registered with the
     * coordinator yet. Nodes that come Up together register their regions a moment apart: a manager re-sending its
     * recovered assignments at once would otherwise put every shard on the first region the coordinator knows.
     */
    static final Duration REGION_WAIT = Duration.ofSeconds(10);

    private final Supplier<List<ConnectorMember>> members;
    private final Function<ActorRef, Address> addressOf;
    private final LongSupplier nanoClock;
    /** Serving nodes without a registered region, and since when (nanoClock) they are waited for. */
    private final Map<Address, Long> awaited = new ConcurrentHashMap<>();
    /**
     * Nodes whose region this coordinator has seen registered. One of them Up without a region is leaving: coordinated
     * shutdown stops a node's region (handing its shards off) before the member leaves, and waiting for that region
     * held every handed-off shard back REGION_WAIT (RollingUpdateTest's hand-off holes went from 0.4 s to 10 s).
     */
    private final Set<Address> registeredOnce = ConcurrentHashMap.newKeySet();

    /**
     * @param members   the cluster's members as they are now
     * @param addressOf the node of a shard region (the coordinator's own region has a local address)
     */
    ConnectorAllocation(Supplier<List<ConnectorMember>> members, Function<ActorRef, Address> addressOf) {
        this(members, addressOf, System::nanoTime);
    }

    ConnectorAllocation(
            Supplier<List<ConnectorMember>> members, Function<ActorRef, Address> addressOf, LongSupplier nanoClock) {
        this.members = members;
        this.addressOf = addressOf;
        this.nanoClock = nanoClock;
    }

    /** The strategy for {@code system}'s cluster, the members with {@code role} running connectors. */
    public static ConnectorAllocation create(ActorSystem<?> system, String role) {
        Cluster cluster = Cluster.get(Adapter.toClassic(system));
        Address self = cluster.selfAddress();
        return new ConnectorAllocation(
                () -> ConnectorMember.of(cluster.state(), role),
                region -> region.path().address().hasLocalScope()
                        ? self
                        : region.path().address());
    }

    @Override
    public Future<ActorRef> allocateShard(
            ActorRef requester, String shardId, Map<ActorRef, IndexedSeq<String>> currentShardAllocations) {
        Map<ActorRef, Integer> load = currentShardAllocations.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size()));
        // The requester's own node is never waited for: a region asks for the homes of the shards it hands off while
        // it shuts down, and the coordinator counts it out of the regions it passes here.
        Optional<Address> waitingFor = awaitedRegion(load.keySet(), Optional.ofNullable(addressOf.apply(requester)));
        if (waitingFor.isPresent()) {
            // Refused for now: the coordinator says the allocation failed and will be retried, and the region asks
            // again after its retry interval (2 s), the messages for the shard held meanwhile.
            log.info(
                    "shard {} waits for the shard region of {} (an Up connector node not registered yet)",
                    shardId,
                    waitingFor.get());
            return Futures.failed(new IllegalStateException("shard " + shardId + " waits for the shard region of "
                    + waitingFor.get() + ", an Up connector node that has not registered with the coordinator yet"));
        }
        ActorRef chosen = choose(load).orElse(requester);
        log.info(
                "shard {} placed on {} ({} shards there already)",
                shardId,
                addressOf.apply(chosen),
                load.getOrDefault(chosen, 0));
        return Futures.successful(chosen);
    }

    /**
     * A serving connector node whose region the coordinator does not know yet, waited for at most {@link #REGION_WAIT}
     * from when it was first found missing (a node whose region never registers does not hold allocation up); not one
     * whose region had registered and is gone, nor the requester's (the node is leaving: its shards are being handed
     * off).
     */
    Optional<Address> awaitedRegion(Set<ActorRef> regions, Optional<Address> requester) {
        Set<Address> registered = regions.stream().map(addressOf).collect(Collectors.toSet());
        long now = nanoClock.getAsLong();
        awaited.keySet().removeIf(registered::contains);
        registeredOnce.addAll(registered);
        return members.get().stream()
                .filter(ConnectorMember::serving)
                .map(ConnectorMember::address)
                .filter(address -> !registered.contains(address) && !registeredOnce.contains(address))
                .filter(address -> requester.filter(address::equals).isEmpty())
                .filter(address -> now - awaited.computeIfAbsent(address, a -> now) < REGION_WAIT.toNanos())
                .min(Address.addressOrdering());
    }

    /** Never: a streaming shard that moves is a hole in the data. */
    @Override
    public Future<Set<String>> rebalance(
            Map<ActorRef, IndexedSeq<String>> currentShardAllocations, Set<String> rebalanceInProgress) {
        return Futures.successful(Set.of());
    }

    /**
     * The region with the fewest shards among those on serving members, the lowest address on a tie. When the
     * membership shows none (a region the coordinator knows before this node's view of the cluster does), any region
     * not on a member that is leaving or gone; empty only without regions.
     */
    Optional<ActorRef> choose(Map<ActorRef, Integer> load) {
        List<ConnectorMember> all = members.get();
        Set<Address> serving = all.stream()
                .filter(ConnectorMember::serving)
                .map(ConnectorMember::address)
                .collect(Collectors.toSet());
        Set<Address> notServing = all.stream()
                .filter(m -> !m.serving())
                .map(ConnectorMember::address)
                .collect(Collectors.toSet());
        Comparator<ActorRef> order =
                Comparator.<ActorRef>comparingInt(load::get).thenComparing(addressOf, Address.addressOrdering());
        Optional<ActorRef> best = load.keySet().stream()
                .filter(region -> serving.contains(addressOf.apply(region)))
                .min(order);
        if (best.isPresent()) {
            return best;
        }
        return load.keySet().stream()
                .filter(region -> !notServing.contains(addressOf.apply(region)))
                .min(order);
    }
}
