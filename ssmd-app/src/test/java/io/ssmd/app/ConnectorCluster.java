package io.ssmd.app;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.archive.ArchiveInventory;
import io.ssmd.archive.Gap;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.node.DemoLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * Connector nodes of the jar on one host (issue 18: shard placement, hand-offs, rolling updates): {@code ssmd run
 * --node N} JVMs ({@link NodeJvm}) sharing the test's nats-server and PostgreSQL, one Kraken feed of {@code shards}
 * instruments, one instrument per shard (the feed's per-connection limit set to 1), against an in-process Kraken
 * replay server that streams, archived into one directory every node's archiver singleton writes in turn. The cluster
 * forms only once {@code nodes} connector nodes have joined, so the first shards spread over all of them.
 */
final class ConnectorCluster implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final int nodes;
    private final java.util.function.IntFunction<String> roles;
    private final int http;
    private final int remoting;
    private final int management;
    private final Path config;
    private final Path environment;
    private final List<String> instruments;
    private final Map<String, String> env;
    private final ActorSystem<Void> venues;
    private final ServerBinding venue;
    /** Every JVM started, by node number, the newest last. */
    private final Map<Integer, List<NodeJvm>> started = new TreeMap<>();

    private ConnectorCluster(
            Path dir,
            int nodes,
            java.util.function.IntFunction<String> roles,
            int http,
            int remoting,
            int management,
            Path config,
            Path environment,
            List<String> instruments,
            Map<String, String> env,
            ActorSystem<Void> venues,
            ServerBinding venue) {
        this.dir = dir;
        this.nodes = nodes;
        this.roles = roles;
        this.http = http;
        this.remoting = remoting;
        this.management = management;
        this.config = config;
        this.environment = environment;
        this.instruments = instruments;
        this.env = env;
        this.venues = venues;
        this.venue = venue;
    }

    /**
     * A replay server and the files for up to {@code nodes} nodes, node N with the roles {@code roles(N)}, the first
     * cluster formed once {@code formWith} nodes have joined; no node started yet.
     */
    static ConnectorCluster prepare(
            Path dir,
            String natsUrl,
            PostgresDatabase pg,
            int nodes,
            int formWith,
            int shards,
            java.util.function.IntFunction<String> roles)
            throws IOException {
        return prepare(dir, natsUrl, pg, nodes, formWith, shards, roles, "");
    }

    /** As above, with {@code extraConfig} (HOCON) at the end of every node's application.conf. */
    static ConnectorCluster prepare(
            Path dir,
            String natsUrl,
            PostgresDatabase pg,
            int nodes,
            int formWith,
            int shards,
            java.util.function.IntFunction<String> roles,
            String extraConfig)
            throws IOException {
        ActorSystem<Void> venues = ActorSystem.create(Behaviors.empty(), "cluster-test-venues");
        ReplaySettings settings = ReplaySettings.synthetic("kraken", 0, 20, 17);
        ServerBinding venue = ReplayServer.create(
                        venues, Venues.byId("kraken").replayServer(settings), settings, new Faults())
                .bind()
                .toCompletableFuture()
                .join();
        List<String> instruments = Venues.byId("kraken").syntheticInstruments(shards);
        int http = NodeJvm.freePorts(nodes);
        int remoting = NodeJvm.freePorts(nodes);
        int management = NodeJvm.freePorts(nodes);
        Path config = dir.resolve("application.conf");
        Files.writeString(
                config,
                """
                ssmd {
                  http.port = %d
                  nats.url = "%s"
                  db { url = "%s", user = "%s", password-env = "CLUSTER_DB_PASSWORD" }
                  secmaster.sync-every = off
                  connectors.alive-interval = 1s
                }
                pekko.remote.artery.canonical.port = %d
                pekko.management.http.port = %d
                # No node is Up before this many have joined, so the first shards spread over every connector node.
                # Not the connector role's own minimum: a sharding coordinator that moves would wait for that many
                # connector regions, and a rolling update has one fewer.
                pekko.cluster.min-nr-of-members = %d
                """.formatted(http, natsUrl, pg.url(), pg.settings().user(), remoting, management, formWith)
                        + extraConfig);
        Path feeds = Files.createDirectories(dir.resolve("exchanges/feeds"));
        String feed = Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/kraken.yaml"))
                .replace("max-instruments-per-connection: 100", "max-instruments-per-connection: 1");
        Files.writeString(
                feeds.resolve("kraken.yaml"),
                DemoLayout.local(feed, venue.localAddress().getPort()));
        Path environment =
                Files.createDirectories(dir.resolve("exchanges/environments")).resolve("cluster.yaml");
        Files.writeString(environment, """
                name: %s
                feeds-dir: ../feeds
                feeds:
                  kraken:
                    enabled: true
                    instruments: [%s]
                streams:
                  defaults:
                    max-bytes: 256MiB
                    max-age: 1h
                    duplicate-window: 2m
                    storage: file
                storage:
                  archive-root: %s
                  rotation: 1m
                archivers:
                  - name: main
                    streams: all
                """.formatted(
                io.ssmd.core.testkit.NatsServerExtension.freshName("cluster").toLowerCase(),
                String.join(", ", instruments),
                dir.resolve("archive")));
        Map<String, String> env =
                Map.of("CLUSTER_DB_PASSWORD", pg.settings().password().orElse(""));
        return new ConnectorCluster(
                dir, nodes, roles, http, remoting, management, config, environment, instruments, env, venues, venue);
    }

    List<String> instruments() {
        return instruments;
    }

    Path archive() {
        return dir.resolve("archive");
    }

    /** Starts node {@code n} (1-based), a new JVM in a home of its own for each life. */
    NodeJvm start(int n) throws IOException {
        List<NodeJvm> lives = started.computeIfAbsent(n, k -> new ArrayList<>());
        NodeJvm node = NodeJvm.start(
                dir.resolve("node-" + n + "-life-" + (lives.size() + 1)),
                env,
                List.of(
                        "--node",
                        Integer.toString(n),
                        "--nodes",
                        Integer.toString(nodes),
                        "--roles",
                        roles.apply(n),
                        "--config",
                        config.toString(),
                        "--env",
                        environment.toString()));
        lives.add(node);
        return node;
    }

    /** Stops node {@code n}'s running JVM as a rolling update does: SIGTERM, coordinated shutdown, exit. */
    void stopGracefully(int n) throws InterruptedException {
        NodeJvm node = current(n);
        node.process.destroy();
        await().atMost(Duration.ofSeconds(90)).until(() -> !node.process.isAlive());
    }

    NodeJvm current(int n) {
        List<NodeJvm> lives = started.get(n);
        return lives.get(lives.size() - 1);
    }

    /** Node {@code n}'s HTTP port. */
    int httpPort(int n) {
        return http + n - 1;
    }

    String nodeName(int n) {
        return "node-" + n;
    }

    /** The members node {@code n} sees Up (Pekko Management's /cluster/members). */
    List<String> upMembers(int n) throws IOException {
        NodeJvm.Response r = NodeJvm.get(management + n - 1, "/cluster/members");
        List<String> up = new ArrayList<>();
        if (r.status() != 200) {
            return up;
        }
        for (JsonNode member : JSON.readTree(r.body()).path("members")) {
            if (member.path("status").asText().equals("Up")) {
                up.add(member.path("node").asText());
            }
        }
        return up;
    }

    boolean ready(int n) {
        return NodeJvm.get(management + n - 1, "/ready").status() == 200;
    }

    /** The shards /v1/feeds of node {@code n} shows, by name (from the cluster-wide registry: every node's shards). */
    Map<String, Shard> shards(int n) throws IOException {
        NodeJvm.Response r = NodeJvm.get(http + n - 1, "/v1/feeds");
        Map<String, Shard> shards = new TreeMap<>();
        if (r.status() != 200) {
            return shards;
        }
        for (JsonNode feed : JSON.readTree(r.body()).path("feeds")) {
            for (JsonNode shard : feed.path("shards")) {
                long messages = 0;
                for (JsonNode count : shard.path("messages")) {
                    messages += count.asLong();
                }
                shards.put(
                        shard.path("shard").asText(),
                        new Shard(
                                shard.path("node").asText(),
                                shard.path("state").asText(),
                                shard.path("connectedSince").asLong(),
                                messages));
            }
        }
        return shards;
    }

    /** Where each shard streams, from node {@code n}'s view, once every one of {@code count} shards streams data. */
    Map<String, Shard> awaitAllStreaming(int n, int count, java.util.function.Predicate<Map<String, Shard>> also) {
        Map<String, Shard> seen = new LinkedHashMap<>();
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    Map<String, Shard> now = shards(n);
                    boolean all = now.size() == count
                            && now.values().stream().allMatch(s -> s.state().equals("streaming") && s.messages() > 0)
                            && also.test(now);
                    if (all) {
                        seen.clear();
                        seen.putAll(now);
                    }
                    return all;
                });
        return seen;
    }

    /** How many shards each node runs. */
    static Map<String, Long> perNode(Map<String, Shard> shards) {
        Map<String, Long> counts = new TreeMap<>();
        shards.values().forEach(s -> counts.merge(s.node(), 1L, Long::sum));
        return counts;
    }

    /** Every gap of the feed's archive, on the UTC days from {@code fromMicros} to now. */
    List<Gap> gaps(long fromMicros) throws IOException {
        List<Gap> gaps = new ArrayList<>();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (LocalDate d = Instant.ofEpochMilli(fromMicros / 1000)
                        .atZone(ZoneOffset.UTC)
                        .toLocalDate();
                !d.isAfter(today);
                d = d.plusDays(1)) {
            ArchiveInventory.gaps(archive(), "kraken", d).forEach(g -> gaps.add(g.gap()));
        }
        return gaps;
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** Prints the ends of every node's output: for a failed test. */
    void printTails() {
        started.values().forEach(lives -> lives.forEach(NodeJvm::printTails));
    }

    /** Every node still running is stopped (SIGTERM, then SIGKILL), then the replay server. */
    @Override
    public void close() throws Exception {
        for (List<NodeJvm> lives : started.values()) {
            for (NodeJvm node : lives) {
                if (node.process.isAlive()) {
                    node.process.destroy();
                }
            }
        }
        for (List<NodeJvm> lives : started.values()) {
            for (NodeJvm node : lives) {
                node.close();
            }
        }
        venue.unbind().toCompletableFuture().join();
        venues.terminate();
        venues.getWhenTerminated().toCompletableFuture().join();
    }

    /** A shard as /v1/feeds shows it: its node, state, current connection's start (epoch ms) and frames so far. */
    record Shard(String node, String state, long connectedSince, long messages) {}
}
