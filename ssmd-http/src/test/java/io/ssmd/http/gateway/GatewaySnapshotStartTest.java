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
import java.util.Set;
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

    /**
     * Polymarket's shape (issue 20): books per asset, their messages on the market's condition id and under the
     * venue's types, {@code book} and {@code price_change} (not {@code orderbook}), one price_change changing both
     * assets of a market; each asset's snapshot names the condition as its token and has its own seq. The gateway
     * must see those book messages after the snapshots: it used to look for {@code orderbook} subjects only, took
     * every snapshot for a quiet book and started at the stream's end, with every later change lost.
     */
    @Test
    void booksPerAssetWhoseMessagesGoOnTheirMarketsBookAndPriceChangeSubjects() throws Exception {
        Random random = new Random(23);
        String yes = "1111";
        String no = "2222";
        String lone = "3333";
        java.util.Map<String, String> marketOf = java.util.Map.of(yes, "0xaaaa", no, "0xaaaa", lone, "0xbbbb");
        List<String> assets = List.of(yes, no, lone);
        try (GatewayTestNode node =
                GatewayTestNode.start(NATS, List.of("alpha"), GatewayTestNode.spec(1000, Duration.ofSeconds(30)))) {
            String env = node.env();
            node.publish("alpha", "trade", "BTC/USD", trade("early", 1));
            for (String asset : assets) {
                node.publishOn(
                        Subjects.marketData(env, "alpha", "book", marketOf.get(asset)),
                        "alpha",
                        book(asset, true, random, false));
            }
            // Each asset's snapshot at its own seq, with changes of both assets of 0xaaaa in one message between them.
            java.util.function.IntFunction<Long> changes = n -> {
                long seq = 0;
                for (int i = 0; i < n; i++) {
                    boolean incremental = i % 2 == 0;
                    String both = "{\"kind\":\"books\",\"books\":[" + book(yes, false, random, incremental) + ","
                            + book(no, false, random, incremental) + "]}";
                    seq = node.publishOn(Subjects.marketData(env, "alpha", "price_change", "0xaaaa"), "alpha", both)
                            .getSeqno();
                    if (i % 3 == 0) {
                        seq = node.publishOn(
                                        Subjects.marketData(env, "alpha", "price_change", "0xbbbb"),
                                        "alpha",
                                        book(lone, false, random, incremental))
                                .getSeqno();
                    }
                }
                return seq;
            };
            for (String asset : assets) {
                snapshotAt(node, asset, marketOf.get(asset), changes.apply(40));
            }
            changes.apply(30);
            // A fresh venue book of one asset on the market's book subject, and more changes of both.
            node.publishOn(Subjects.marketData(env, "alpha", "book", "0xaaaa"), "alpha", book(no, true, random, false));
            long end = changes.apply(30);

            Set<String> bookTypes = Set.of("book", "price_change");
            GatewayCore replayed = core(bookTypes);
            GatewayCore restored = core(bookTypes);
            try (GatewayPipeline whole = GatewayPipeline.start(node.system(), NATS.connect(), env, replayed, false);
                    GatewayPipeline fromSnapshots =
                            GatewayPipeline.start(node.system(), NATS.connect(), env, restored, true)) {
                whole.warmedUp().get(30, TimeUnit.SECONDS);
                fromSnapshots.warmedUp().get(30, TimeUnit.SECONDS);
                await().until(() -> whole.position("alpha") == end && fromSnapshots.position("alpha") == end);
                for (String asset : assets) {
                    assertThat(levels(restored, asset)).as(asset).isPresent();
                    assertThat(levels(restored, asset)).as(asset).isEqualTo(levels(replayed, asset));
                }
                // It started from the snapshots, not from the stream's first message.
                assertThat(restored.trades("alpha", "BTC/USD", 10)).isEmpty();
                assertThat(replayed.trades("alpha", "BTC/USD", 10).orElseThrow())
                        .extracting(t -> t.tradeId().orElse(""))
                        .containsExactly("early");
            }
        }
    }

    /** Publishes the live gateway's book of {@code symbol} as of {@code seq} as the shard's ssmd book snapshot. */
    private static void snapshotAt(GatewayTestNode node, String symbol, long seq) throws Exception {
        snapshotAt(node, symbol, Subjects.token(symbol), seq);
    }

    /** As the other, for an instrument whose book messages go on {@code token} (a Polymarket asset's condition). */
    private static void snapshotAt(GatewayTestNode node, String symbol, String token, long seq) throws Exception {
        await().until(() -> node.gateway().streamPosition("alpha") >= seq);
        assertThat(node.gateway().streamPosition("alpha")).isEqualTo(seq);
        var book = node.gateway()
                .core()
                .market("alpha", symbol)
                .orElseThrow()
                .book()
                .orElseThrow();
        SsmdBookSnapshot snapshot = new SsmdBookSnapshot("alpha", symbol, token, seq, 1, book.bids(), book.asks());
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
        return core(Set.of("orderbook"));
    }

    private static GatewayCore core(Set<String> bookTypes) {
        return new GatewayCore(
                List.of(new GatewayFeed(
                        "alpha", Optional.of(new TestNormalizer(bookTypes)), OptionalInt.empty(), List.of())),
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
