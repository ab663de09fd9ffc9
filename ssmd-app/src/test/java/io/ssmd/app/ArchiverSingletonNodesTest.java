package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.ssmd.archive.ArchiveInventory;
import io.ssmd.archive.ArchiveVerifier;
import io.ssmd.archive.FileEntry;
import io.ssmd.archive.Gap;
import io.ssmd.archive.Manifest;
import io.ssmd.archive.ManifestStore;
import io.ssmd.archive.SegmentReader;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes with the archiver role in one Pekko cluster (two JVMs of {@code ssmd run --roles archiver}, one external
 * nats-server, one seed node, distinct archive roots): each stream is archived by one node only, and when that node
 * leaves the other takes the archiver over (issue 13 item 2).
 */
class ArchiverSingletonNodesTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    // A node of several refuses an embedded H2 (DESIGN §13): the nodes share the test's PostgreSQL.
    @RegisterExtension
    static final PostgresDatabase PG = new PostgresDatabase();

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long MINUTE = 60_000_000L;
    private static final int FIRST = 200;
    private static final int LATER = 100;

    @TempDir
    Path dir;

    private final List<Node> started = new ArrayList<>();
    private boolean passed;

    @AfterEach
    void stopEveryNode() throws Exception {
        for (Node n : started) {
            n.process.destroyForcibly();
            n.process.waitFor(20, TimeUnit.SECONDS);
        }
        if (!passed) {
            started.forEach(Node::printTails);
        }
    }

    @Test
    void twoArchiverNodesArchiveEachStreamOnceAndTheOtherTakesOverWhenTheHolderLeaves() throws Exception {
        String env = NatsServerExtension.freshName("two").toLowerCase();
        String stream = env.toUpperCase() + "_KRAKEN";
        Path envFile = writeEnvironment(env, "./archive");
        int seedPort = freePort();
        Path rootA = dir.resolve("a/archive");
        Path rootB = dir.resolve("b/archive");

        Node a = Node.start(dir.resolve("a"), envFile, seedPort, seedPort);
        started.add(a);
        Node b = Node.start(dir.resolve("b"), envFile, freePort(), seedPort);
        started.add(b);
        // A, the seed, is the oldest node; B is a member before anything is published.
        await().atMost(WAIT).until(() -> a.logged("archiving stream " + stream) && b.logged("Welcome from"));
        awaitStartedAndOnlyAArchives(a, b);

        Connection nats = NATS.connect();
        // Received in a window that has ended: each file commits a close-grace after its last message.
        long window = (System.currentTimeMillis() * 1000 - 10 * MINUTE) / MINUTE * MINUTE;
        publish(nats.jetStream(), env, 1, FIRST, window);
        await().atMost(WAIT).until(() -> seqs(rootA).size() + seqs(rootB).size() >= FIRST);

        List<Long> inA = seqs(rootA);
        List<Long> inB = seqs(rootB);
        Set<Long> both = new HashSet<>(inA);
        both.retainAll(inB);
        assertThat(both)
                .as("seqs archived by both nodes (A: %d, B: %d records)", inA.size(), inB.size())
                .isEmpty();
        List<Long> union = new ArrayList<>(inA);
        union.addAll(inB);
        assertThat(union.stream().sorted().toList()).isEqualTo(range(1, FIRST));
        assertThat(gapTypes(rootA)).doesNotContain(Gap.RETENTION_LOSS);
        assertThat(gapTypes(rootB)).doesNotContain(Gap.RETENTION_LOSS);

        Node holder = inA.isEmpty() ? b : a;
        Node other = holder == a ? b : a;
        Path holderRoot = holder == a ? rootA : rootB;
        Path otherRoot = holder == a ? rootB : rootA;
        assertThat(holderRoot).as("the oldest node holds the archiver").isEqualTo(rootA);
        assertThat(ArchiveVerifier.verify(holderRoot).problems()).isEmpty();

        // A clean stop of the holder: it commits, leaves, and the archiver moves to the other node.
        holder.process.destroy();
        assertThat(holder.process.waitFor(60, TimeUnit.SECONDS))
                .as("the holder stops on SIGTERM")
                .isTrue();
        assertThat(holder.logged("leaves this node: committing its open segments"))
                .isTrue();
        await().atMost(WAIT).until(() -> other.logged("archiver main runs on this node"));
        publish(nats.jetStream(), env, FIRST + 1, LATER, window + 2 * MINUTE);

        await().atMost(WAIT).until(() -> new TreeSet<>(seqs(otherRoot)).containsAll(range(FIRST + 1, FIRST + LATER)));
        assertThat(seqs(holderRoot)).as("the leaver archived nothing more").isEqualTo(range(1, FIRST));
        List<Long> taken = seqs(otherRoot);
        assertThat(taken).as("the new holder archives each seq once").doesNotHaveDuplicates();
        // Its root held no manifests: it archives the stream from its first message (docs/archive.md: a moved
        // archiver resumes after the last committed seq only from a shared root or one restored from the upload).
        assertThat(taken).isEqualTo(range(1, FIRST + LATER));
        assertThat(gapTypes(otherRoot)).doesNotContain(Gap.RETENTION_LOSS);
        ArchiveVerifier.Report report = ArchiveVerifier.verify(otherRoot);
        assertThat(report.problems()).isEmpty();
        assertThat(report.streams())
                .singleElement()
                .satisfies(
                        s -> assertThat(s.streamDir().getFileName().toString()).isEqualTo(stream));
        passed = true;
    }

    /**
     * The archiver nodes share one archive root (a shared volume): the node that takes the archiver over resumes after
     * the last seq the first one committed, and every seq is in the root once.
     */
    @Test
    void anArchiverMovedToANodeOnTheSameRootResumesAfterTheLastCommittedSeq() throws Exception {
        String env = NatsServerExtension.freshName("shared").toLowerCase();
        Path root = dir.resolve("shared/archive");
        Path envFile = writeEnvironment(env, root.toString());
        int seedPort = freePort();
        Node a = Node.start(dir.resolve("a"), envFile, seedPort, seedPort);
        started.add(a);
        Node b = Node.start(dir.resolve("b"), envFile, freePort(), seedPort);
        started.add(b);
        await().atMost(WAIT)
                .until(() -> a.logged("archiving stream " + env.toUpperCase() + "_KRAKEN") && b.logged("Welcome from"));
        awaitStartedAndOnlyAArchives(a, b);

        Connection nats = NATS.connect();
        long window = (System.currentTimeMillis() * 1000 - 10 * MINUTE) / MINUTE * MINUTE;
        publish(nats.jetStream(), env, 1, FIRST, window);
        await().atMost(WAIT).until(() -> seqs(root).size() >= FIRST);
        assertThat(seqs(root)).isEqualTo(range(1, FIRST));

        a.process.destroy();
        assertThat(a.process.waitFor(60, TimeUnit.SECONDS))
                .as("A stops on SIGTERM")
                .isTrue();
        await().atMost(WAIT).until(() -> b.logged("archiver main runs on this node"));
        publish(nats.jetStream(), env, FIRST + 1, LATER, window + 2 * MINUTE);

        await().atMost(WAIT).until(() -> seqs(root).size() >= FIRST + LATER);
        assertThat(seqs(root)).as("each seq once: B resumed after A's last").isEqualTo(range(1, FIRST + LATER));
        assertThat(gapTypes(root)).doesNotContain(Gap.RETENTION_LOSS);
        assertThat(ArchiveVerifier.verify(root).problems()).isEmpty();
        passed = true;
    }

    /** Both nodes have started (an archiver node starts its archivers before it serves): B archives nothing. */
    private static void awaitStartedAndOnlyAArchives(Node a, Node b) throws IOException {
        await().atMost(WAIT).until(() -> a.logged(" node a started") && b.logged(" node b started"));
        assertThat(b.logged("archiving stream"))
                .as("B archives a stream while A holds the archiver")
                .isFalse();
    }

    private Path writeEnvironment(String env, String archiveRoot) throws IOException {
        Path feeds = Files.createDirectories(dir.resolve("exchanges/feeds"));
        Files.writeString(
                feeds.resolve("kraken.yaml"),
                Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/kraken.yaml")));
        Path file =
                Files.createDirectories(dir.resolve("exchanges/environments")).resolve(env + ".yaml");
        // A relative root is under each node's working directory: every node has a root of its own.
        Files.writeString(file, """
                name: %s
                feeds-dir: ../feeds
                feeds:
                  kraken:
                    enabled: true
                    instruments: [BTC/USD]
                streams:
                  defaults:
                    max-bytes: 64MiB
                    max-age: 1h
                    duplicate-window: 2m
                    storage: file
                storage:
                  archive-root: %s
                  rotation: 1m
                archivers:
                  - name: main
                    streams: all
                """.formatted(env, archiveRoot));
        return file;
    }

    /** {@code count} trades from seq {@code first} on, received 1 ms apart from {@code receivedFrom} µs. */
    private static void publish(JetStream js, String env, int first, int count, long receivedFrom) throws Exception {
        for (int i = 0; i < count; i++) {
            long n = first + i;
            Headers headers = new Headers()
                    .add(PublishHeaders.MSG_ID, "kraken-0:" + n)
                    .add(PublishHeaders.RECEIVED_AT, Long.toString(receivedFrom + i * 1000L))
                    .add(PublishHeaders.SHARD, "kraken-0");
            long seq = js.publish(NatsMessage.builder()
                            .subject(env + ".kraken.json.trade.BTC-USD")
                            .headers(headers)
                            .data("{\"channel\":\"trade\",\"n\":" + n + "}", StandardCharsets.UTF_8)
                            .build())
                    .getSeqno();
            assertThat(seq).isEqualTo(n);
        }
    }

    /** The seqs in the files the manifests under {@code root} list as committed, in archive order. */
    private static List<Long> seqs(Path root) throws IOException {
        List<Long> seqs = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return seqs;
        }
        for (Path dateDir : ArchiveInventory.dateDirsOf(root)) {
            // A date directory may exist a moment before its first manifest.
            Manifest m = ManifestStore.read(dateDir).orElse(null);
            for (FileEntry f : m == null ? List.<FileEntry>of() : m.files()) {
                SegmentReader.read(dateDir.resolve(f.name()), line -> {
                    if (line.control().isEmpty()) {
                        seqs.add(line.seq());
                    }
                });
            }
        }
        return seqs;
    }

    private static Set<String> gapTypes(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return Set.of();
        }
        Set<String> types = new HashSet<>();
        for (Path dateDir : ArchiveInventory.dateDirsOf(root)) {
            ManifestStore.read(dateDir).ifPresent(m -> m.gaps().forEach(g -> types.add(g.type())));
        }
        return types;
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** {@code ssmd run --roles archiver} in a JVM of its own, on the test's nats-server, in the seed's cluster. */
    private static final class Node {

        final Process process;
        final Path stdout;
        final Path stderr;

        private Node(Process process, Path stdout, Path stderr) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        static Node start(Path home, Path environment, int remotePort, int seedPort) throws IOException {
            Files.createDirectories(home);
            Path config = home.resolve("application.conf");
            Files.writeString(config, """
                    ssmd {
                      node-name = "%s"
                      data-dir = "%s"
                      http { interface = "127.0.0.1", port = %d }
                      nats.url = "%s"
                      db { url = "%s", user = "%s", password-env = "ARCHIVER_NODE_DB_PASSWORD" }
                    }
                    pekko.remote.artery.canonical { hostname = "127.0.0.1", port = %d }
                    pekko.cluster.seed-nodes = ["pekko://ssmd@127.0.0.1:%d"]
                    pekko.management.http.port = %d
                    """.formatted(
                            home.getFileName(),
                            home.resolve("data"),
                            freePort(),
                            NATS.url(),
                            PG.url(),
                            PG.settings().user(),
                            remotePort,
                            seedPort,
                            freePort()));
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder builder = new ProcessBuilder(
                            java.toString(),
                            "-Xmx256m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            Main.class.getName(),
                            "run",
                            "--roles",
                            "archiver",
                            "--config",
                            config.toString(),
                            "--env",
                            environment.toString())
                    .directory(home.toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("SSMD_"));
            env.put("ARCHIVER_NODE_DB_PASSWORD", PG.settings().password().orElse(""));
            Path stdout = home.resolve("node.out");
            Path stderr = home.resolve("node.err");
            builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            return new Node(builder.start(), stdout, stderr);
        }

        boolean logged(String text) throws IOException {
            for (Path file : List.of(stdout, stderr)) {
                if (Files.exists(file)
                        && Files.readString(file, StandardCharsets.UTF_8).contains(text)) {
                    return true;
                }
            }
            return false;
        }

        void printTails() {
            for (Path file : List.of(stdout, stderr)) {
                try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
                    List<String> all = lines.toList();
                    System.err.println("---- last lines of " + file);
                    all.subList(Math.max(0, all.size() - 80), all.size()).forEach(System.err::println);
                } catch (IOException e) {
                    System.err.println("---- " + file + ": " + e.getMessage());
                }
            }
        }
    }
}
