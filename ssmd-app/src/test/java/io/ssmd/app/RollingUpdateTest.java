package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.archive.Gap;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling update of three connector nodes of the jar beside an archiver node (issue 18 item 6): while the Kraken replay server
 * streams to seven shards, each node in turn stops gracefully (SIGTERM: coordinated shutdown, its shards handed off)
 * and starts again. Every shard of the stopped node streams again on another node; every hole of the run in the
 * archive has its reason: every {@code connection_lost} has reason {@code handoff}, one per shard moved, and there is
 * no {@code bus_gap}, {@code retention_loss} or {@code stream_reset}. The length of each
 * {@code handoff} gap is printed (docs/deploy.md states it).
 */
class RollingUpdateTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @RegisterExtension
    static final PostgresDatabase PG = new PostgresDatabase();

    private static final int SHARDS = 7;
    private static final int ARCHIVER = 4;

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
    void restartingEachNodeInTurnLeavesOnlyHandoffGapsOnePerShardMoved() throws Exception {
        // Three connector nodes and, as the chart's pools have it, an archiver node of its own that stays up.
        cluster = ConnectorCluster.prepare(
                dir, NATS.url(), PG, 4, 4, SHARDS, n -> n == ARCHIVER ? "archiver" : "connector");
        long begin = ConnectorCluster.micros();
        for (int n = 1; n <= 4; n++) {
            cluster.start(n);
        }
        cluster.awaitAllStreaming(1, SHARDS, s -> ConnectorCluster.perNode(s).size() == 3);

        List<String> moved = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            int other = n == 1 ? 2 : 1;
            String leaving = cluster.nodeName(n);
            Map<String, ConnectorCluster.Shard> before = cluster.awaitAllStreaming(other, SHARDS, s -> true);
            List<String> handedOff = before.entrySet().stream()
                    .filter(e -> e.getValue().node().equals(leaving))
                    .map(Map.Entry::getKey)
                    .toList();
            long stoppedAt = System.currentTimeMillis();
            cluster.stopGracefully(n);
            Map<String, ConnectorCluster.Shard> after = cluster.awaitAllStreaming(
                    other,
                    SHARDS,
                    s -> handedOff.stream()
                            .allMatch(shard -> !s.get(shard).node().equals(leaving)
                                    && s.get(shard).connectedSince() >= stoppedAt));
            System.out.printf("%s stopped: %s moved, now %s%n", leaving, handedOff, ConnectorCluster.perNode(after));
            moved.addAll(handedOff);
            cluster.start(n);
            int node = n;
            await().atMost(ConnectorCluster.WAIT)
                    .ignoreExceptions()
                    .until(() -> cluster.upMembers(other).size() == 4 && cluster.ready(node));
        }
        assertThat(moved).as("every node ran shards when it stopped").hasSizeGreaterThanOrEqualTo(3);

        // A file commits when the first message of the next 1-minute window arrives: then its gaps are recorded.
        await().atMost(ConnectorCluster.WAIT)
                .ignoreExceptions()
                .until(() -> cluster.gaps(begin).stream()
                                .filter(g -> Gap.HANDOFF.equals(g.reason()))
                                .count()
                        >= moved.size());
        List<Gap> gaps = cluster.gaps(begin);
        List<Gap> handoffs =
                gaps.stream().filter(g -> Gap.HANDOFF.equals(g.reason())).toList();
        for (Gap g : handoffs) {
            System.out.printf(
                    "handoff gap %s: %d ms (%d..%d)%n", g.shard(), (g.end() - g.start()) / 1000, g.start(), g.end());
        }
        long[] lengths = handoffs.stream()
                .mapToLong(g -> (g.end() - g.start()) / 1000)
                .sorted()
                .toArray();
        System.out.printf(
                "handoff gaps: %d, shortest %d ms, median %d ms, longest %d ms%n",
                lengths.length, lengths[0], lengths[lengths.length / 2], lengths[lengths.length - 1]);

        assertThat(gaps)
                .as("no hole the archive cannot explain")
                .noneMatch(g -> g.missingSequences() || g.type().equals(Gap.STREAM_RESET));
        assertThat(gaps)
                .as("every connection lost in the run was a hand-off")
                .filteredOn(g -> g.type().equals(Gap.CONNECTION_LOST))
                .allSatisfy(g -> {
                    assertThat(g.reason()).isEqualTo(Gap.HANDOFF);
                    assertThat(g.end()).isGreaterThan(g.start());
                });
        assertThat(gaps)
                .as("every gap has its reason")
                .allSatisfy(g -> assertThat(g.reason()).isNotBlank());
        assertThat(handoffs)
                .extracting(Gap::shard)
                .as("one handoff gap per shard moved")
                .containsExactlyInAnyOrderElementsOf(moved);

        // The archivers' inventory rows in PostgreSQL carry them too (`ssmd data gaps` reads data_gaps).
        await().atMost(ConnectorCluster.WAIT).ignoreExceptions().until(() -> handoffRows() >= moved.size());
        assertThat(handoffRows()).isEqualTo(handoffs.size());
        passed = true;
    }

    /** The data_gaps rows of reason handoff. */
    private static long handoffRows() throws Exception {
        try (java.sql.Connection c = PG.connect();
                java.sql.ResultSet rs = c.createStatement()
                        .executeQuery(
                                "SELECT count(*) FROM data_gaps WHERE gap_type = 'connection_lost' AND reason = 'handoff'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
