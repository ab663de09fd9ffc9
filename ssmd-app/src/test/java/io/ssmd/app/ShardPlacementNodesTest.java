package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where shards run in a cluster of connector nodes (issue 18 item 3, DESIGN §13), with three JVMs of the jar: seven
 * shards spread over three connector nodes (counts differ by at most one), and a fourth node that joins later is
 * given none of the streaming shards: they are never rebalanced, since a moved shard is a hole in the data. (Pekko's
 * default strategy moves shards onto the new node within a rebalance interval, 10 s.)
 */
class ShardPlacementNodesTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @RegisterExtension
    static final PostgresDatabase PG = new PostgresDatabase();

    private static final int SHARDS = 7;
    /** Longer than two of Pekko's rebalance intervals (10 s): a rebalancing strategy would have moved a shard. */
    private static final Duration UNMOVED = Duration.ofSeconds(25);

    @TempDir
    Path dir;

    private ConnectorCluster cluster;
    private boolean passed;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            if (!passed) {
                cluster.printTails();
            }
            cluster.close();
        }
    }

    @Test
    void shardsSpreadOverTheConnectorNodesAndANodeJoiningLaterTakesNoneOfThem() throws Exception {
        cluster = ConnectorCluster.prepare(dir, NATS.url(), PG, 4, 3, SHARDS, n -> "connector");
        for (int n = 1; n <= 3; n++) {
            cluster.start(n);
        }

        Map<String, ConnectorCluster.Shard> placed = cluster.awaitAllStreaming(
                1, SHARDS, s -> ConnectorCluster.perNode(s).size() == 3);
        Map<String, Long> counts = ConnectorCluster.perNode(placed);
        System.out.printf("shards per node: %s%n", counts);
        assertThat(counts).containsOnlyKeys("node-1", "node-2", "node-3");
        assertThat(counts.values().stream().mapToLong(Long::longValue).max().orElseThrow()
                        - counts.values().stream()
                                .mapToLong(Long::longValue)
                                .min()
                                .orElseThrow())
                .as("shards per node %s", counts)
                .isLessThanOrEqualTo(1);

        cluster.start(4);
        await().atMost(ConnectorCluster.WAIT)
                .ignoreExceptions()
                .until(() -> cluster.upMembers(1).size() == 4 && cluster.ready(4));
        Map<String, String> where = nodes(placed);
        await().during(UNMOVED)
                .atMost(UNMOVED.multipliedBy(3))
                .ignoreExceptions()
                .until(() -> nodes(cluster.shards(4)).equals(where));
        assertThat(ConnectorCluster.perNode(cluster.shards(1))).doesNotContainKey("node-4");
        passed = true;
    }

    private static Map<String, String> nodes(Map<String, ConnectorCluster.Shard> shards) {
        Map<String, String> nodes = new TreeMap<>();
        shards.forEach((shard, s) -> nodes.put(shard, s.node()));
        return nodes;
    }
}
