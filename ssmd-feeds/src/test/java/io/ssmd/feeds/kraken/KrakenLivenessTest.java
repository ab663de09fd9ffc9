package io.ssmd.feeds.kraken;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.shard.ReplayedFeed;
import io.ssmd.feeds.shard.ShardRig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-instrument liveness on Kraken spot: the replay server keeps one symbol of a shard acked but silent, and the
 * shard reports it (metric and {@code instrument_quiet}) and resubscribes it on the open connection, after which its
 * data flows again; its siblings on the same connection are untouched.
 */
class KrakenLivenessTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("kraken-liveness-replay");
    private static final List<String> SYMBOLS = List.of("BTC/USD", "ETH/USD", "SOL/USD");
    /** The test's quiet time for books and tickers (the shipped ones are minutes). */
    private static final double QUIET_SECONDS = 3;

    @TempDir
    Path dir;

    private ReplayedFeed feed;
    private Faults faults;
    private ShardRig rig;

    @BeforeEach
    void start() {
        feed = ReplayedFeed.start(
                SERVERS.system(),
                NATS.connect(),
                dir,
                "kraken",
                60,
                23,
                SYMBOLS,
                Map.of("    book: 5m", "    book: 3s", "    ticker: 15m", "    ticker: 3s"),
                KrakenFeed::create);
        faults = feed.faults();
        rig = feed.rig();
        rig.startShards(0.8);
        await().atMost(WAIT)
                .until(() -> SYMBOLS.stream().allMatch(s -> orderbook(s).size() > 5));
    }

    @AfterEach
    void stop() {
        feed.close();
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    private List<ShardRig.Published> orderbook(String symbol) {
        String subject = ".kraken.json.orderbook." + symbol.replace('/', '-');
        return rig.published(s -> s.endsWith(subject));
    }

    private static long receivedAt(ShardRig.Published message) {
        return Long.parseLong(message.headers().getFirst("Ssmd-Received-At"));
    }

    @Test
    void aSilencedSymbolIsReportedAndResubscribedAndItsSiblingsAreUntouched() {
        // One shard carries all three symbols: the silence is inside a streaming connection.
        assertThat(rig.health())
                .singleElement()
                .satisfies(h -> assertThat(h.instruments()).containsExactlyElementsOf(SYMBOLS));
        long silencedAt = io.ssmd.core.nats.EpochMicros.now();
        faults.silence(List.of("ETH/USD"));

        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.INSTRUMENT_QUIET, "kraken-0").stream()
                                .map(ControlEvent::channel)
                                .distinct()
                                .count()
                        == 2);
        List<ControlEvent> quiet = rig.control(ControlEvent.INSTRUMENT_QUIET, "kraken-0");
        assertThat(quiet).allSatisfy(event -> {
            assertThat(event.instruments()).containsExactly("ETH/USD");
            assertThat(event.channel()).isIn("book", "ticker");
            assertThat(event.resubscribed()).isTrue();
            assertThat(event.quietSeconds()).isGreaterThanOrEqualTo(QUIET_SECONDS);
            assertThat(event.ts()).isGreaterThan(silencedAt);
            assertThat(event.reason()).contains("ETH/USD", "resubscribed");
        });

        // Resubscribed on the open connection: Kraken acked the unsubscribe of ETH/USD, and its data flows again.
        long lastReport = quiet.get(quiet.size() - 1).ts();
        // (The ack is the venue's answer: it may arrive after the control event was published.)
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(rig.published(s -> s.endsWith(".json.system.kraken-0")).stream()
                                .map(p -> new String(p.data(), StandardCharsets.UTF_8))
                                .filter(frame ->
                                        frame.contains("\"method\":\"unsubscribe\"") && frame.contains("ETH/USD")))
                        .isNotEmpty());
        await().atMost(WAIT)
                .until(() -> orderbook("ETH/USD").stream()
                                .filter(m -> receivedAt(m) > lastReport)
                                .count()
                        > 10);

        // Its siblings: never reported, streaming all along, and the connection was never replaced.
        long firstReport = quiet.get(0).ts();
        for (String sibling : List.of("BTC/USD", "SOL/USD")) {
            assertThat(orderbook(sibling).stream()
                            .filter(m -> receivedAt(m) > silencedAt && receivedAt(m) < firstReport)
                            .count())
                    .as("%s during the silence", sibling)
                    .isPositive();
        }
        List<ControlEvent> all = rig.control(ControlEvent.INSTRUMENT_QUIET, "kraken-0");
        assertThat(all).allSatisfy(event -> assertThat(event.instruments()).containsExactly("ETH/USD"));
        assertThat(rig.counter("ssmd_connector_instrument_quiet")).isEqualTo(all.size());
        assertThat(rig.control(ControlEvent.CONNECTED, "kraken-0")).hasSize(1);
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-0")).isEmpty();
    }

    @Test
    void aWholeConnectionGoingQuietIsTheWatchdogsCaseNotAQuietInstrument() {
        faults.silence(SYMBOLS);

        // Every symbol silent: the shard's heartbeats keep the socket alive, and no symbol is singled out.
        long silencedAt = io.ssmd.core.nats.EpochMicros.now();
        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.ALIVE, "kraken-0").stream()
                                .filter(a -> a.ts() > silencedAt)
                                .count()
                        >= 2 * QUIET_SECONDS / ShardRig.ALIVE_INTERVAL.toSeconds());
        assertThat(rig.control(ControlEvent.INSTRUMENT_QUIET, "kraken-0")).isEmpty();
        assertThat(rig.counter("ssmd_connector_instrument_quiet")).isZero();
    }
}
