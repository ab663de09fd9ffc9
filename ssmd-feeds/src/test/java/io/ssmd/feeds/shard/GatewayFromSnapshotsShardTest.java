package io.ssmd.feeds.shard;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.GatewaySpec;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.SsmdBookSnapshot;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.kraken.KrakenFeed;
import io.ssmd.feeds.krakenfutures.KrakenFuturesFeed;
import io.ssmd.feeds.krakenfutures.replay.KrakenFuturesReplayServer;
import io.ssmd.feeds.polymarket.PolymarketFeed;
import io.ssmd.feeds.polymarket.replay.PolymarketReplayServer;
import io.ssmd.http.gateway.GatewayCore;
import io.ssmd.http.gateway.GatewayFeed;
import io.ssmd.http.gateway.GatewayMetrics;
import io.ssmd.http.gateway.GatewayPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real shards against the replay server publish ssmd book snapshots (DESIGN §7) of each venue whose books they check;
 * a gateway started afterwards from those snapshots shows the same books as one that replayed the whole stream, and
 * each snapshot's book is the one the stream's own messages give at its seq.
 */
class GatewayFromSnapshotsShardTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("snapshot-replay");
    private static final Duration INTERVAL = Duration.ofMillis(300);

    @TempDir
    Path dir;

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    @Test
    void krakenFutures() throws Exception {
        check("kraken-futures", KrakenFuturesReplayServer.defaultInstruments(), Map.of(), KrakenFuturesFeed::create);
    }

    @Test
    void polymarketWhoseBooksArePerAssetAndWhoseSubjectsPerCondition() throws Exception {
        List<String> assets = PolymarketReplayServer.defaultInstruments();
        Map<String, SsmdBookSnapshot> latest = check(
                "polymarket", assets.stream().map(a -> "\"" + a + "\"").toList(), Map.of(), PolymarketFeed::create);
        // A snapshot's subject is its asset's; its token, the condition id its book messages go on.
        assertThat(latest.keySet()).containsExactlyInAnyOrderElementsOf(assets);
        assertThat(latest.values()).allSatisfy(s -> assertThat(s.token()).isNotEqualTo(Subjects.token(s.instrument())));
    }

    @Test
    void kraken() throws Exception {
        check("kraken", List.of("BTC/USD", "ETH/USD"), Map.of(), KrakenFeed::create);
    }

    /**
     * Runs the feed's shards until every instrument has had two rounds of snapshots, stops them, then starts a gateway
     * from the snapshots and one from the stream's first message; returns the latest snapshot per instrument.
     */
    private Map<String, SsmdBookSnapshot> check(
            String venue,
            List<String> instruments,
            Map<String, String> replacements,
            Function<EnabledFeed, VenueConnector> connector)
            throws Exception {
        Map<String, String> slow = new HashMap<>(replacements);
        // The venue is stalled at the end: no keepalive may end the connection (a disconnect drops every book).
        slow.putAll(KEEPALIVES.getOrDefault(venue, Map.of()));
        Map<String, SsmdBookSnapshot> latest = new HashMap<>();
        try (ReplayedFeed feed = ReplayedFeed.start(
                SERVERS.system(), NATS.connect(), dir, venue, 200, 3, instruments, slow, "", INTERVAL, connector)) {
            Environment environment = feed.environment();
            String env = environment.name();
            EnabledFeed enabled = environment.feed(venue).orElseThrow();
            ShardRig rig = feed.rig();
            rig.startShards(0.8);
            String books = env + "." + venue + ".ssmd.book.";
            int expected = enabled.instruments().size();
            await().atMost(WAIT).until(() -> {
                Map<String, Set<Long>> seqs = new HashMap<>();
                for (ShardRig.Published p : rig.published(s -> s.startsWith(books))) {
                    SsmdBookSnapshot snapshot = SsmdBookSnapshot.fromJson(p.data());
                    seqs.computeIfAbsent(snapshot.instrument(), i -> new HashSet<>())
                            .add(snapshot.seq());
                }
                return seqs.size() == expected && seqs.values().stream().allMatch(s -> s.size() >= 2);
            });
            // The venue goes silent, the shards stay connected: once the book messages and snapshots stop, the
            // stream's books are final (only alive events follow).
            feed.faults().stalled(true);
            java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger(-1);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(1500)).until(() -> {
                int now = rig.published(s -> s.contains(".json.") || s.startsWith(books))
                        .size();
                return seen.getAndSet(now) == now;
            });
            try (Connection nats = NATS.connect()) {
                long last = nats.jetStreamManagement()
                        .getStreamInfo(Subjects.streamName(env, venue))
                        .getStreamState()
                        .getLastSequence();
                GatewayCore replayed = core(enabled);
                GatewayCore restored = core(enabled);
                ActorTestKit kit = ActorTestKit.create("snapshot-gateways");
                try (GatewayPipeline whole = GatewayPipeline.start(kit.system(), nats, env, replayed, false);
                        GatewayPipeline fromSnapshots =
                                GatewayPipeline.start(kit.system(), nats, env, restored, true)) {
                    whole.warmedUp().get(60, TimeUnit.SECONDS);
                    fromSnapshots.warmedUp().get(60, TimeUnit.SECONDS);
                    await().atMost(WAIT)
                            .until(() -> whole.position(venue) >= last && fromSnapshots.position(venue) >= last);
                    int withBooks = 0;
                    for (String instrument : enabled.instruments()) {
                        Optional<BookSnapshot> book = book(restored, venue, instrument);
                        assertThat(book).as(instrument).isEqualTo(book(replayed, venue, instrument));
                        withBooks += book.isPresent() ? 1 : 0;
                    }
                    assertThat(withBooks).as("books restored").isEqualTo(expected);
                    // It did start from the snapshots: a book without one would have made it replay the whole stream.
                    assertThat(fromSnapshots.startSeq(venue))
                            .as("first sequence read")
                            .isGreaterThan(1);
                } finally {
                    kit.shutdownTestKit();
                }
                var consumer = nats.getStreamContext(Subjects.streamName(env, venue))
                        .createOrderedConsumer(new io.nats.client.api.OrderedConsumerConfiguration()
                                .filterSubject(Subjects.book(env, venue, ">"))
                                .deliverPolicy(io.nats.client.api.DeliverPolicy.LastPerSubject));
                for (int i = 0; i < expected; i++) {
                    SsmdBookSnapshot snapshot = SsmdBookSnapshot.fromJson(
                            consumer.next(Duration.ofSeconds(10)).getData());
                    latest.put(snapshot.instrument(), snapshot);
                }
                assertThat(latest.values()).allSatisfy(s -> assertThat(s.seq()).isGreaterThan(1));
            }
        }
        return latest;
    }

    /** Silence timeouts long enough that a stalled venue keeps its connections for the test's length. */
    private static final Map<String, Map<String, String>> KEEPALIVES = Map.of(
            "kraken", Map.of("silence-timeout: 10s", "silence-timeout: 300s"),
            "kraken-futures", Map.of("silence-timeout: 30s", "silence-timeout: 300s"),
            "polymarket", Map.of("silence-timeout: 30s", "silence-timeout: 100s"));

    private static Optional<BookSnapshot> book(GatewayCore core, String feed, String instrument) {
        return core.market(feed, instrument)
                .flatMap(m -> m.book())
                .map(b -> new BookSnapshot(b.feed(), b.instrument(), b.bids(), b.asks(), 0));
    }

    private static GatewayCore core(EnabledFeed feed) {
        return new GatewayCore(
                List.of(new GatewayFeed(
                        feed.name(),
                        Optional.of(Venues.of(feed.definition().venue()).normalizer()),
                        feed.definition()
                                .book()
                                .map(b -> OptionalInt.of(b.depth()))
                                .orElse(OptionalInt.empty()),
                        feed.instruments())),
                GatewaySpec.defaults(true, Optional.empty()),
                GatewayMetrics.create(new PrometheusRegistry()));
    }
}
