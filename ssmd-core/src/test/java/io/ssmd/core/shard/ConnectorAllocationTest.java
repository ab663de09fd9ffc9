package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.nats.ControlEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Await;
import scala.concurrent.duration.Duration;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Where shards go (DESIGN §13): each FeedShard is a Pekko shard of its own, a new one goes to the least-loaded serving
 * connector node (ties by address), a leaving, unreachable or non-connector node is never chosen, and nothing is ever
 * rebalanced. The strategy is driven the way the coordinator drives it, with regions (probes here) on given nodes.
 */
class ConnectorAllocationTest {

    private static final ActorTestKit KIT = ActorTestKit.create("connector-allocation");

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    private static final Address A = node(25520);
    private static final Address B = node(25521);
    private static final Address C = node(25522);
    private static final Address D = node(25523);

    private final Map<ActorRef, Address> regions = new HashMap<>();
    private final List<ConnectorMember> members = new ArrayList<>();
    private final ConnectorAllocation strategy = new ConnectorAllocation(() -> List.copyOf(members), regions::get);

    @Test
    void theShardIdIsTheEntityId() {
        OneShardPerEntity<String> extractor = new OneShardPerEntity<>();
        ShardingEnvelope<String> envelope = new ShardingEnvelope<>("kalshi-17", "start");

        assertThat(extractor.entityId(envelope)).isEqualTo("kalshi-17");
        assertThat(extractor.shardId("kalshi-17")).isEqualTo("kalshi-17");
        assertThat(extractor.shardId("kalshi-18")).isEqualTo("kalshi-18");
        assertThat(extractor.unwrapMessage(envelope)).isEqualTo("start");
    }

    @Test
    void aNewShardGoesToTheConnectorNodeWithFewestShards() throws Exception {
        ActorRef a = region(A, MemberStatus.up());
        ActorRef b = region(B, MemberStatus.up());
        ActorRef c = region(C, MemberStatus.up());

        assertThat(allocate(
                        "kraken-9",
                        Map.of(
                                a,
                                List.of("kraken-0", "kraken-1"),
                                b,
                                List.of("kraken-2"),
                                c,
                                List.of("kraken-3", "kraken-4"))))
                .isEqualTo(b);
        // A tie goes to the lowest address, whatever the map's order.
        assertThat(allocate("kraken-9", Map.of(c, List.of("kraken-3"), b, List.of("kraken-2"), a, List.of("kraken-0"))))
                .isEqualTo(a);
        assertThat(allocate("kraken-9", Map.of(c, List.of(), b, List.of("kraken-2"), a, List.of("kraken-0"))))
                .isEqualTo(c);
    }

    @Test
    void shardsPlacedOneAfterAnotherSpreadEvenly() throws Exception {
        ActorRef a = region(A, MemberStatus.up());
        ActorRef b = region(B, MemberStatus.up());
        ActorRef c = region(C, MemberStatus.up());
        Map<ActorRef, List<String>> current =
                new HashMap<>(Map.of(a, new ArrayList<>(), b, new ArrayList<>(), c, new ArrayList<>()));

        for (int n = 0; n < 8; n++) {
            ActorRef chosen = allocate("kraken-" + n, current);
            current.get(chosen).add("kraken-" + n);
        }

        assertThat(current.get(a)).containsExactly("kraken-0", "kraken-3", "kraken-6");
        assertThat(current.get(b)).containsExactly("kraken-1", "kraken-4", "kraken-7");
        assertThat(current.get(c)).containsExactly("kraken-2", "kraken-5");
    }

    @Test
    void aLeavingUnreachableOrNonConnectorNodeIsNeverChosenEvenWhenEmpty() throws Exception {
        ActorRef a = region(A, MemberStatus.up());
        ActorRef leaving = region(B, MemberStatus.leaving());
        ActorRef exiting = region(C, MemberStatus.exiting());
        ActorRef unreachable = region(D, MemberStatus.up());
        members.set(3, new ConnectorMember(D, MemberStatus.up(), true, false));
        Address e = node(25524);
        ActorRef gateway = classicProbe();
        regions.put(gateway, e);
        members.add(new ConnectorMember(e, MemberStatus.up(), false, true));

        assertThat(allocate(
                        "kraken-5",
                        Map.of(
                                a,
                                List.of("kraken-0", "kraken-1", "kraken-2"),
                                leaving,
                                List.of(),
                                exiting,
                                List.of(),
                                unreachable,
                                List.of(),
                                gateway,
                                List.of())))
                .isEqualTo(a);
    }

    @Test
    void aShardWhoseNodeIsGoneIsPlacedAgainOnTheLeastLoadedServingNode() throws Exception {
        ActorRef a = region(A, MemberStatus.up());
        ActorRef b = region(B, MemberStatus.up());
        region(C, MemberStatus.down());

        // C's region is gone from the coordinator's allocations with its shards; its kraken-2 is asked for again.
        assertThat(allocate("kraken-2", Map.of(a, List.of("kraken-0", "kraken-3"), b, List.of("kraken-1"))))
                .isEqualTo(b);
    }

    @Test
    void nothingIsEverRebalancedNotEvenOntoAnEmptyJoiningNode() throws Exception {
        ActorRef a = region(A, MemberStatus.up());
        ActorRef b = region(B, MemberStatus.up());
        ActorRef joined = region(C, MemberStatus.up());

        scala.collection.immutable.Set<String> moved = Await.result(
                strategy.rebalance(
                        scala(Map.of(
                                a,
                                List.of("kraken-0", "kraken-1", "kraken-2"),
                                b,
                                List.of("kraken-3", "kraken-4", "kraken-5"),
                                joined,
                                List.of())),
                        scala.collection.immutable.Set$.MODULE$.<String>empty()),
                Duration.create(5, "s"));

        assertThat(CollectionConverters.asJava(moved)).isEmpty();
    }

    @Test
    void aStoppedShardIsHandedOffWhileAnotherConnectorNodeServesAndShutsDownOtherwise() {
        List<ConnectorMember> rolling = List.of(
                new ConnectorMember(A, MemberStatus.leaving(), true, true),
                new ConnectorMember(B, MemberStatus.up(), true, true),
                new ConnectorMember(C, MemberStatus.up(), false, true));
        List<ConnectorMember> allLeaving = List.of(
                new ConnectorMember(A, MemberStatus.exiting(), true, true),
                new ConnectorMember(B, MemberStatus.leaving(), true, true),
                new ConnectorMember(C, MemberStatus.up(), false, true));
        List<ConnectorMember> peerUnreachable = List.of(
                new ConnectorMember(A, MemberStatus.leaving(), true, true),
                new ConnectorMember(B, MemberStatus.up(), true, false));

        assertThat(StopCause.of(A, rolling)).isEqualTo(ControlEvent.REASON_HANDOFF);
        assertThat(StopCause.of(A, allLeaving)).isEqualTo(ControlEvent.REASON_SHUTDOWN);
        assertThat(StopCause.of(A, peerUnreachable)).isEqualTo(ControlEvent.REASON_SHUTDOWN);
        assertThat(StopCause.of(A, List.of(new ConnectorMember(A, MemberStatus.up(), true, true))))
                .as("a node alone")
                .isEqualTo(ControlEvent.REASON_SHUTDOWN);
    }

    /**
     * Nodes that come Up together register their regions with the coordinator a moment apart: a new shard waits for
     * an Up connector node whose region is not registered yet (the allocation fails, the region retries), rather than
     * every shard going to the first region known. The wait is bounded, so a region that never comes holds nothing up.
     */
    @Test
    void aNewShardWaitsABoundedTimeForAnUpConnectorNodeWhoseRegionIsNotRegisteredYet() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        ConnectorAllocation waiting = new ConnectorAllocation(() -> List.copyOf(members), regions::get, now::get);
        ActorRef a = region(A, MemberStatus.up());
        members.add(new ConnectorMember(B, MemberStatus.up(), true, true));

        assertThatThrownBy(() -> allocate(waiting, "kraken-0", Map.of(a, List.of())))
                .hasMessageContaining("waits for the shard region of " + B);

        // B's region registers: the shard goes to the least loaded of both.
        ActorRef b = classicProbe();
        regions.put(b, B);
        assertThat(allocate(waiting, "kraken-0", Map.of(a, List.of("kraken-1"), b, List.of())))
                .isEqualTo(b);

        // C comes Up and never registers: shards wait for it only REGION_WAIT.
        members.add(new ConnectorMember(C, MemberStatus.up(), true, true));
        assertThatThrownBy(() -> allocate(waiting, "kraken-2", Map.of(a, List.of("kraken-1"), b, List.of("kraken-0"))))
                .hasMessageContaining("waits for the shard region of " + C);
        now.addAndGet(ConnectorAllocation.REGION_WAIT.toNanos());
        assertThat(allocate(waiting, "kraken-2", Map.of(a, List.of("kraken-1"), b, List.of("kraken-0"))))
                .isEqualTo(a);
    }

    /**
     * A node's coordinated shutdown stops its region (handing its shards off) while the member is still Up: its shards
     * go to the others at once, not after waiting for a region that is leaving.
     */
    @Test
    void aHandedOffShardDoesNotWaitForTheRegionOfTheNodeThatIsLeaving() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        ConnectorAllocation waiting = new ConnectorAllocation(() -> List.copyOf(members), regions::get, now::get);
        ActorRef a = region(A, MemberStatus.up());
        ActorRef b = region(B, MemberStatus.up());
        assertThat(allocate(waiting, "kraken-0", Map.of(a, List.of("kraken-1"), b, List.of())))
                .isEqualTo(b);

        // B's region has stopped (its shards handed off); B is still an Up member.
        assertThat(allocate(waiting, "kraken-0", Map.of(a, List.of("kraken-1"))))
                .isEqualTo(a);

        // A coordinator that has just moved (a new strategy) never saw C's region: C's region, shutting down, asks for
        // the homes of the shards it hands off, and they go to the others at once.
        members.removeIf(m -> m.address().equals(B));
        ConnectorAllocation moved = new ConnectorAllocation(() -> List.copyOf(members), regions::get, now::get);
        ActorRef c = region(C, MemberStatus.up());
        assertThat(Await.result(
                        moved.allocateShard(c, "kraken-2", scala(Map.of(a, List.of("kraken-1", "kraken-0")))),
                        Duration.create(5, "s")))
                .isEqualTo(a);
    }

    private ActorRef region(Address address, MemberStatus status) {
        ActorRef ref = classicProbe();
        regions.put(ref, address);
        members.add(new ConnectorMember(address, status, true, true));
        return ref;
    }

    private static ActorRef classicProbe() {
        return Adapter.toClassic(KIT.createTestProbe().ref());
    }

    private ActorRef allocate(String shard, Map<ActorRef, List<String>> current) throws Exception {
        return allocate(strategy, shard, current);
    }

    private static ActorRef allocate(ConnectorAllocation strategy, String shard, Map<ActorRef, List<String>> current)
            throws Exception {
        return Await.result(strategy.allocateShard(classicProbe(), shard, scala(current)), Duration.create(5, "s"));
    }

    private static scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> scala(
            Map<ActorRef, List<String>> current) {
        Map<ActorRef, IndexedSeq<String>> converted = new HashMap<>();
        current.forEach((region, shards) ->
                converted.put(region, CollectionConverters.asScala(shards).toIndexedSeq()));
        return scala.collection.immutable.Map.from(CollectionConverters.asScala(converted));
    }

    private static Address node(int port) {
        return new Address("pekko", "ssmd", "127.0.0.1", port);
    }
}
