package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.ssmd.archive.ArchiveVerifier;
import io.ssmd.archive.Gap;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart of all three nodes of the jar (issue 18 item 6), each a connector and an archiver node sharing one
 * archive root: while the Kraken replay server streams to seven shards, each node in turn stops gracefully (SIGTERM:
 * coordinated shutdown, its shards handed off, and the archiver singleton with them when the node holds it, which the
 * oldest node does: it moves at every stop but one) and starts again. Every shard of the stopped node streams again on
 * another node; every hole of the run in the archive has its reason: every {@code connection_lost} has reason
 * {@code handoff}, one per shard moved, and there is no {@code bus_gap}, {@code retention_loss} or
 * {@code stream_reset}, and no gap ends before it starts. The archive covers every stream sequence published up to the
 * end of the roll (no sequence lost while the archiver moved) and {@code verify} is clean. The length of each
 * {@code handoff} gap and how long each move of the archiver took are printed (docs/deploy.md states them).
 */
class RollingUpdateTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @RegisterExtension
    static final PostgresDatabase PG = new PostgresDatabase();

    private static final int SHARDS = 7;
    private static final int NODES = 3;
    private static final String RUNS = "archiver main runs on this node";
    private static final long MAX_HANDOFF_MICROS = 8_000_000;

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
    void restartingEachNodeInTurnLeavesOnlyHandoffGapsOnePerShardMovedAndLosesNoSeqWhileTheArchiverMoves()
            throws Exception {
        cluster = ConnectorCluster.prepare(dir, NATS.url(), PG, NODES, NODES, SHARDS, n -> "connector,archiver");
        long begin = ConnectorCluster.micros();
        for (int n = 1; n <= NODES; n++) {
            cluster.start(n);
        }
        cluster.awaitAllStreaming(1, SHARDS, s -> ConnectorCluster.perNode(s).size() == NODES);

        List<String> moved = new ArrayList<>();
        List<ArchiverMove> moves = new ArrayList<>();
        for (int n = 1; n <= NODES; n++) {
            int other = n == 1 ? 2 : 1;
            String leaving = cluster.nodeName(n);
            Map<String, ConnectorCluster.Shard> before = cluster.awaitAllStreaming(other, SHARDS, s -> true);
            List<String> handedOff = before.entrySet().stream()
                    .filter(e -> e.getValue().node().equals(leaving))
                    .map(Map.Entry::getKey)
                    .toList();
            NodeJvm life = cluster.current(n);
            boolean heldArchiver = life.logged(RUNS);
            Instant stoppedAt = Instant.now();
            cluster.stopGracefully(n);
            Map<String, ConnectorCluster.Shard> after = cluster.awaitAllStreaming(
                    other,
                    SHARDS,
                    s -> handedOff.stream()
                            .allMatch(shard -> !s.get(shard).node().equals(leaving)
                                    && s.get(shard).connectedSince() >= stoppedAt.toEpochMilli()));
            System.out.printf("%s stopped: %s moved, now %s%n", leaving, handedOff, ConnectorCluster.perNode(after));
            moved.addAll(handedOff);
            if (heldArchiver) {
                moves.add(awaitArchiverMoved(n, life, stoppedAt));
            }
            cluster.start(n);
            int node = n;
            await().atMost(ConnectorCluster.WAIT)
                    .ignoreExceptions()
                    .until(() -> cluster.upMembers(other).size() == NODES && cluster.ready(node));
        }
        assertThat(moved).as("every node ran shards when it stopped").hasSizeGreaterThanOrEqualTo(3);
        assertThat(moves).as("moves of the archiver singleton").isNotEmpty();

        // Everything published up to here must reach the manifests: no seq is lost while the archiver moves.
        Map<String, Long> published = lastSeqs();
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
        printMoves(moves);

        assertThat(gaps)
                .as("no hole the archive cannot explain")
                .noneMatch(g -> g.missingSequences() || g.type().equals(Gap.STREAM_RESET));
        assertThat(gaps).as("gaps that end before they start").noneMatch(Gap::inverted);
        assertThat(gaps)
                .as("every connection lost in the run was a hand-off")
                .filteredOn(g -> g.type().equals(Gap.CONNECTION_LOST))
                .allSatisfy(g -> {
                    assertThat(g.reason()).isEqualTo(Gap.HANDOFF);
                    assertThat(g.end()).isGreaterThan(g.start());
                    // Well under a second on the loaded test host (docs/deploy.md); 10 s when the allocation waited
                    // for the leaving node's region.
                    assertThat(g.end() - g.start())
                            .as("%s's handoff hole, µs", g.shard())
                            .isLessThan(MAX_HANDOFF_MICROS);
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

        // The nodes stop one by one, the archiver's last (the last archiver node commits what it holds), then the
        // archive is checked whole.
        String holder = archiverHolder();
        for (int n = 1; n <= NODES; n++) {
            if (!cluster.nodeName(n).equals(holder)) {
                cluster.stopGracefully(n);
            }
        }
        cluster.stopGracefully(Integer.parseInt(holder.substring("node-".length())));
        ArchiveVerifier.Report report = ArchiveVerifier.verify(cluster.archive());
        assertThat(report.problems()).as("archive verify").isEmpty();
        assertThat(cluster.gaps(begin)).as("gaps that end before they start").noneMatch(Gap::inverted);
        for (ArchiveVerifier.StreamSummary stream : report.streams()) {
            String name = stream.streamDir().getFileName().toString();
            assertThat(published).as("streams published").containsKey(name);
            assertThat(stream.firstSeq()).as("%s's first archived seq", name).isEqualTo(1);
            assertThat(stream.lastSeq())
                    .as("%s archived up to the stream's last seq at the end of the roll", name)
                    .isGreaterThanOrEqualTo(published.get(name));
            assertThat(stream.records())
                    .as("%s: every seq from 1 to the last archived once", name)
                    .isEqualTo(stream.lastSeq());
        }
        assertThat(report.streams())
                .extracting(s -> s.streamDir().getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(published.keySet());
        passed = true;
    }

    /**
     * One move of the archiver singleton: SIGTERM of its node; the old node's stop message (commit the open
     * segments) and that commit's end; the new node's start of the singleton, its archive resuming after the last
     * committed seq; its first commit (the first segment file written after that).
     */
    record ArchiverMove(
            String from,
            String to,
            Instant sigterm,
            Instant stopAsked,
            Optional<Instant> committed,
            Instant started,
            Instant resumed) {}

    /** Waits until another node runs the archiver that {@code life} (node {@code n}) held and has resumed. */
    private ArchiverMove awaitArchiverMoved(int n, NodeJvm life, Instant sigterm) {
        int[] to = new int[1];
        Instant[] started = new Instant[1];
        Instant[] resumed = new Instant[1];
        await().atMost(ConnectorCluster.WAIT).until(() -> {
            for (int m = 1; m <= NODES; m++) {
                if (m == n) {
                    continue;
                }
                NodeJvm candidate = cluster.current(m);
                Optional<Instant> runs = candidate.loggedAt(RUNS, sigterm);
                Optional<Instant> resumes =
                        runs.flatMap(at -> candidate.loggedAt("resumes after seq", at.minusMillis(1)));
                if (resumes.isPresent()) {
                    to[0] = m;
                    started[0] = runs.get();
                    resumed[0] = resumes.get();
                    return true;
                }
            }
            return false;
        });
        return new ArchiverMove(
                cluster.nodeName(n),
                cluster.nodeName(to[0]),
                sigterm,
                life.loggedAt("archiver main leaves this node", sigterm).orElse(sigterm),
                life.loggedAt("archiver main committed its open segments", sigterm),
                started[0],
                resumed[0]);
    }

    /** Prints each move of the archiver, its times from the old node's stop message, and its first commit there. */
    private void printMoves(List<ArchiverMove> moves) throws IOException {
        List<Instant> commits = segmentTimes();
        for (ArchiverMove move : moves) {
            Optional<Instant> firstCommit =
                    commits.stream().filter(t -> t.isAfter(move.resumed())).findFirst();
            System.out.printf(
                    "archiver moved %s -> %s: SIGTERM to stop message %d ms; old node committed after %s; new node"
                            + " started it after %d ms, resumed after %d ms, first commit after %s%n",
                    move.from(),
                    move.to(),
                    Duration.between(move.sigterm(), move.stopAsked()).toMillis(),
                    move.committed()
                            .map(t -> Duration.between(move.stopAsked(), t).toMillis() + " ms")
                            .orElse("(no commit logged)"),
                    Duration.between(move.stopAsked(), move.started()).toMillis(),
                    Duration.between(move.stopAsked(), move.resumed()).toMillis(),
                    firstCommit
                            .map(t -> Duration.between(move.stopAsked(), t).toMillis() + " ms")
                            .orElse("(none yet)"));
        }
    }

    /** When each segment file of the archive was last written, in order. */
    private List<Instant> segmentTimes() throws IOException {
        try (Stream<Path> files = Files.walk(cluster.archive())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jsonl.gz"))
                    .map(p -> {
                        try {
                            return Files.getLastModifiedTime(p).toInstant();
                        } catch (IOException e) {
                            return Instant.EPOCH;
                        }
                    })
                    .sorted()
                    .toList();
        }
    }

    /** The node whose current life runs the archiver. */
    private String archiverHolder() {
        for (int n = NODES; n >= 1; n--) {
            NodeJvm life = cluster.current(n);
            if (life.process.isAlive()
                    && life.loggedAt(RUNS, Instant.EPOCH).isPresent()
                    && life.loggedAt("archiver main leaves this node", Instant.EPOCH)
                            .isEmpty()) {
                return cluster.nodeName(n);
            }
        }
        throw new AssertionError("no running node holds the archiver");
    }

    /** Each archived stream's last sequence in NATS now, by stream name. */
    private Map<String, Long> lastSeqs() throws Exception {
        Map<String, Long> last = new TreeMap<>();
        Connection nats = NATS.connect();
        JetStreamManagement jsm = nats.jetStreamManagement();
        try (Stream<Path> envs = Files.list(cluster.archive())) {
            for (Path env : envs.toList()) {
                try (Stream<Path> streams = Files.list(env.resolve("kraken"))) {
                    for (Path stream : streams.filter(Files::isDirectory).toList()) {
                        String name = stream.getFileName().toString();
                        last.put(name, jsm.getStreamInfo(name).getStreamState().getLastSequence());
                    }
                }
            }
        }
        System.out.printf("streams' last seqs at the end of the roll: %s%n", last);
        return last;
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
