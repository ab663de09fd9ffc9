package io.ssmd.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.model.SsmdBookSnapshot;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A gateway that starts from the stream's ssmd book snapshots (DESIGN §7) shows the same books as one that replays
 * the whole stream, and does not read what came before the snapshots.
 */
class GatewaySnapshotStartTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final List<String> SYMBOLS = List.of("BTC/USD", "ETH/USD", "SOL/USD");

    @Test
    void aGatewayStartedFromSnapshotsShowsTheBooksOfOneThatReplayedTheWholeStream() throws Exception {
        Random random = new Random(5);
        try (GatewayTestNode node =
                GatewayTestNode.start(NATS, List.of("alpha"), GatewayTestNode.spec(1000, Duration.ofSeconds(30)))) {
            node.publish("alpha", "trade", "BTC/USD", trade("early", 1));
            for (String symbol : SYMBOLS) {
                node.publish("alpha", "orderbook", symbol, book(symbol, true, random, false));
            }
            long seq = 0;
            for (int i = 0; i < 300; i++) {
                seq = node.publish(
                                "alpha",
                                "orderbook",
                                SYMBOLS.get(i % 3),
                                book(SYMBOLS.get(i % 3), false, random, i % 4 == 0))
                        .getSeqno();
            }
            // The shard's snapshots: the books as of `seq`, as the running gateway (the same normalized books) has
            // them.
            long at = seq;
            await().until(() -> node.gateway().streamPosition("alpha") == at);
            GatewayCore first = node.gateway().core();
            for (String symbol : SYMBOLS) {
                var book = first.market("alpha", symbol).orElseThrow().book().orElseThrow();
                SsmdBookSnapshot snapshot = new SsmdBookSnapshot("alpha", symbol, at, 1, book.bids(), book.asks());
                node.publishOn(
                        Subjects.book(node.env(), "alpha", Subjects.token(symbol)),
                        "alpha",
                        new String(snapshot.toJson(), java.nio.charset.StandardCharsets.UTF_8));
            }
            // Later messages, a resync that drops ETH/USD and its new venue snapshot among them.
            for (int i = 0; i < 200; i++) {
                node.publish(
                        "alpha", "orderbook", SYMBOLS.get(i % 3), book(SYMBOLS.get(i % 3), false, random, i % 5 == 0));
            }
            node.publishOn(
                    Subjects.control(node.env(), "alpha", "resync", "alpha-0"),
                    "alpha",
                    "{\"event\":\"resync\",\"feed\":\"alpha\",\"shard\":\"alpha-0\",\"epoch\":1,\"ts\":"
                            + io.ssmd.core.nats.EpochMicros.now()
                            + ",\"reason\":\"test\",\"instruments\":[\"SOL/USD\"]}");
            node.publish("alpha", "orderbook", "ETH/USD", book("ETH/USD", true, random, false));
            long last =
                    node.publish("alpha", "trade", "BTC/USD", trade("late", 2)).getSeqno();

            GatewayCore replayed = core();
            GatewayCore restored = core();
            try (GatewayPipeline whole =
                            GatewayPipeline.start(node.system(), NATS.connect(), node.env(), replayed, false);
                    GatewayPipeline fromSnapshots =
                            GatewayPipeline.start(node.system(), NATS.connect(), node.env(), restored, true)) {
                whole.warmedUp().get(30, TimeUnit.SECONDS);
                fromSnapshots.warmedUp().get(30, TimeUnit.SECONDS);
                await().until(() -> whole.position("alpha") == last && fromSnapshots.position("alpha") == last);
                for (String symbol : SYMBOLS) {
                    assertThat(levels(restored, symbol)).as(symbol).isEqualTo(levels(replayed, symbol));
                }
                assertThat(restored.market("alpha", "SOL/USD").orElseThrow().book())
                        .as("dropped by the resync after the snapshot")
                        .isEmpty();
                assertThat(restored.market("alpha", "BTC/USD").orElseThrow().book())
                        .isPresent();
                // It started after the snapshots' seq: the first trade was never read.
                assertThat(restored.trades("alpha", "BTC/USD", 10).orElseThrow())
                        .extracting(t -> t.tradeId().orElse(""))
                        .containsExactly("late");
                assertThat(replayed.trades("alpha", "BTC/USD", 10).orElseThrow())
                        .extracting(t -> t.tradeId().orElse(""))
                        .containsExactly("late", "early");
            }
        }
    }

    @Test
    void eachInstrumentSkipsOnlyWhatItsOwnSnapshotReflectsAndAQuietBookDoesNotPullTheStartBack() throws Exception {
        Random random = new Random(11);
        List<String> symbols = List.of("BTC/USD", "ETH/USD", "SOL/USD", "OLD/USD");
        try (GatewayTestNode node =
                GatewayTestNode.start(NATS, List.of("alpha"), GatewayTestNode.spec(1000, Duration.ofSeconds(30)))) {
            for (String symbol : symbols) {
                node.publish("alpha", "orderbook", symbol, book(symbol, true, random, false));
            }
            // OLD/USD is no longer subscribed: its snapshot is old, and nothing about it follows.
            long old = node.publish("alpha", "orderbook", "OLD/USD", book("OLD/USD", false, random, true))
                    .getSeqno();
            snapshotAt(node, "OLD/USD", old);
            node.publish("alpha", "trade", "BTC/USD", trade("before", 1));
            // One snapshot per instrument, each at its own seq, with incremental deltas of all three between them: a
            // delta applied twice, or one skipped, shows in the books.
            for (String symbol : symbols.subList(0, 3)) {
                long seq = 0;
                for (int i = 0; i < 90; i++) {
                    String s = symbols.get(i % 3);
                    seq = node.publish("alpha", "orderbook", s, book(s, false, random, true))
                            .getSeqno();
                }
                snapshotAt(node, symbol, seq);
            }
            long last = 0;
            for (int i = 0; i < 60; i++) {
                String s = symbols.get(i % 3);
                last = node.publish("alpha", "orderbook", s, book(s, false, random, true))
                        .getSeqno();
            }
            long end = last;

            GatewayCore replayed = core();
            GatewayCore restored = core();
            try (GatewayPipeline whole =
                            GatewayPipeline.start(node.system(), NATS.connect(), node.env(), replayed, false);
                    GatewayPipeline fromSnapshots =
                            GatewayPipeline.start(node.system(), NATS.connect(), node.env(), restored, true)) {
                whole.warmedUp().get(30, TimeUnit.SECONDS);
                fromSnapshots.warmedUp().get(30, TimeUnit.SECONDS);
                await().until(() -> whole.position("alpha") == end && fromSnapshots.position("alpha") == end);
                for (String symbol : symbols) {
                    assertThat(levels(restored, symbol)).as(symbol).isEqualTo(levels(replayed, symbol));
                    assertThat(levels(restored, symbol)).as(symbol).isPresent();
                }
                // It started after BTC/USD's snapshot, the oldest with book messages after it, not after OLD/USD's.
                assertThat(restored.trades("alpha", "BTC/USD", 10).orElseThrow())
                        .isEmpty();
                assertThat(replayed.trades("alpha", "BTC/USD", 10).orElseThrow())
                        .extracting(t -> t.tradeId().orElse(""))
                        .containsExactly("before");
            }
        }
    }

    /** Publishes the live gateway's book of {@code symbol} as of {@code seq} as the shard's ssmd book snapshot. */
    private static void snapshotAt(GatewayTestNode node, String symbol, long seq) throws Exception {
        await().until(() -> node.gateway().streamPosition("alpha") >= seq);
        assertThat(node.gateway().streamPosition("alpha")).isEqualTo(seq);
        var book = node.gateway()
                .core()
                .market("alpha", symbol)
                .orElseThrow()
                .book()
                .orElseThrow();
        SsmdBookSnapshot snapshot = new SsmdBookSnapshot("alpha", symbol, seq, 1, book.bids(), book.asks());
        node.publishOn(
                Subjects.book(node.env(), "alpha", Subjects.token(symbol)),
                "alpha",
                new String(snapshot.toJson(), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Both sides of the book, or empty without one. */
    private static Optional<List<?>> levels(GatewayCore core, String symbol) {
        return core.market("alpha", symbol).orElseThrow().book().map(b -> List.of(b.bids(), b.asks()));
    }

    private static GatewayCore core() {
        return new GatewayCore(
                List.of(new GatewayFeed("alpha", Optional.of(new TestNormalizer()), OptionalInt.empty(), List.of())),
                GatewayTestNode.spec(1000, Duration.ofSeconds(30)),
                GatewayMetrics.create(new PrometheusRegistry()));
    }

    private static String trade(String id, long ts) {
        return "{\"kind\":\"trade\",\"instrument\":\"BTC/USD\",\"price\":\"100\",\"size\":\"1\",\"id\":\"" + id
                + "\",\"ts\":" + ts + "}";
    }

    private static String book(String symbol, boolean snapshot, Random random, boolean incremental) {
        StringBuilder bids = new StringBuilder();
        StringBuilder asks = new StringBuilder();
        int levels = snapshot ? 10 : 1 + random.nextInt(3);
        for (int i = 0; i < levels; i++) {
            String size = incremental ? Integer.toString(random.nextInt(5) - 2) : Integer.toString(random.nextInt(4));
            bids.append(i == 0 ? "" : ",")
                    .append("[\"")
                    .append(90 + random.nextInt(10))
                    .append("\",\"")
                    .append(size)
                    .append("\"]");
            asks.append(i == 0 ? "" : ",")
                    .append("[\"")
                    .append(101 + random.nextInt(10))
                    .append("\",\"")
                    .append(size)
                    .append("\"]");
        }
        return "{\"kind\":\"book\",\"instrument\":\"" + symbol + "\",\"snapshot\":" + snapshot
                + (incremental ? ",\"incremental\":true" : "") + ",\"bids\":[" + bids + "],\"asks\":[" + asks + "]}";
    }
}
