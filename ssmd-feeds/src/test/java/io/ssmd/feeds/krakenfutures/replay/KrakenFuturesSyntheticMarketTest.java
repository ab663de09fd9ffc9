package io.ssmd.feeds.krakenfutures.replay;

import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.WAIT;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.feeds.krakenfutures.ClientView;
import io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.WsTestClient;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The synthetic market stays consistent over many frames and is the same for the same seed. */
class KrakenFuturesSyntheticMarketTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final List<String> TIME_FIELDS = List.of("time", "timestamp", "next_funding_rate_time");

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    /** The first {@code count} data frames of a session that sent these subscribe frames. */
    private static List<String> frames(long seed, int count, List<String> subscribe) throws Exception {
        ReplaySettings settings = ReplaySettings.synthetic("kraken-futures", 0, 0, seed);
        try (KrakenFuturesTestServer server = KrakenFuturesTestServer.start(TESTKIT.system(), settings)) {
            WsTestClient client = server.client();
            subscribe.forEach(client::send);
            List<String> frames = new ArrayList<>(count);
            while (frames.size() < count) {
                String frame = client.next(WAIT);
                if (!frame.startsWith("{\"event\"")) {
                    frames.add(frame);
                }
            }
            return frames;
        }
    }

    @Test
    void tenThousandFramesRebuildIntoValidBooksWithContinuousSeqsAndTradesAtTheTouch() throws Exception {
        ClientView view = new ClientView();
        frames(7, 10_000, KrakenFuturesReplayServer.subscribeMessages(KrakenFuturesReplayServer.defaultInstruments()))
                .forEach(view::accept);
        assertThat(view.deltas()).isGreaterThan(3_000);
        assertThat(view.trades()).isGreaterThan(1_000);
        assertThat(view.tickers()).isGreaterThan(1_000);
    }

    /**
     * One subscribe frame, so that the stream cannot depend on where in it a second request lands (at rate 0 the
     * pumps run between two requests, as many times as the timing allows).
     */
    @Test
    void theSameSeedGivesTheSameFramesApartFromTheirTimestamps() throws Exception {
        List<String> subscribe = KrakenFuturesReplayServer.subscribeMessages(
                        KrakenFuturesReplayServer.defaultInstruments())
                .subList(0, 1);
        List<String> first = withoutTimes(frames(42, 2_000, subscribe));
        assertThat(withoutTimes(frames(42, 2_000, subscribe))).isEqualTo(first);
        assertThat(withoutTimes(frames(43, 2_000, subscribe))).isNotEqualTo(first);
    }

    @Test
    void theSameSeedAndCallsGiveTheSameFramesOnEveryFeed() {
        assertThat(marketRun(9)).isEqualTo(marketRun(9)).isNotEqualTo(marketRun(10));
    }

    /** Book, trade and ticker frames of two products, interleaved the way a session's round-robin does. */
    private static List<String> marketRun(long seed) {
        KrakenFuturesSyntheticMarket market = new KrakenFuturesSyntheticMarket(seed, System::currentTimeMillis);
        List<String> frames = new ArrayList<>();
        for (String id : List.of("PF_XBTUSD", "PF_SYN0003USD")) {
            market.product(id).watchBook(true);
            frames.add(market.product(id).bookSnapshot(market.now()));
            frames.add(market.product(id).tradeSnapshot());
        }
        for (int i = 0; i < 1_000; i++) {
            KrakenFuturesSyntheticProduct product = market.product(i % 2 == 0 ? "PF_XBTUSD" : "PF_SYN0003USD");
            frames.add(product.trade(market.now()));
            frames.add(product.ticker(market.now()));
            product.nextBookDeltas(market.now(), () -> false, frames::add);
        }
        return withoutTimes(frames);
    }

    @Test
    void aLongRunStaysValidTightAndNearItsReferencePrice() {
        KrakenFuturesSyntheticMarket market = new KrakenFuturesSyntheticMarket(5, () -> 1_770_920_339_000L);
        ClientView view = new ClientView();
        for (String id : KrakenFuturesReplayServer.syntheticInstruments(7)) {
            KrakenFuturesSyntheticProduct product = market.product(id);
            product.watchBook(true);
            view.accept(product.bookSnapshot(market.now()));
            view.accept(product.tradeSnapshot());
            for (int i = 0; i < 10_000; i++) {
                product.nextBookDeltas(market.now(), () -> false, view::accept);
                view.accept(product.trade(market.now()));
                if (i % 10 == 0) {
                    view.accept(product.ticker(market.now()));
                }
            }
            KrakenFuturesProductSpec spec = KrakenFuturesProductSpec.of(id);
            BigDecimal reference = BigDecimal.valueOf(spec.referenceTicks(), spec.priceScale());
            assertThat(view.mid(id).subtract(reference).abs())
                    .as(id + " mid " + view.mid(id) + " near " + reference)
                    .isLessThan(reference.multiply(new BigDecimal("0.03")));
            assertThat(view.spread(id)).as(id + " spread").isLessThan(reference.multiply(new BigDecimal("0.005")));
        }
    }

    @Test
    void pricesAreWrittenAsTheVenueWritesThem() {
        assertThat(KrakenFuturesFrames.decimal(65_360, 0)).isEqualTo("65360.0");
        assertThat(KrakenFuturesFrames.decimal(19_073, 1)).isEqualTo("1907.3");
        assertThat(KrakenFuturesFrames.decimal(3, 4)).isEqualTo("0.0003");
        assertThat(KrakenFuturesFrames.decimal(11_717, 4)).isEqualTo("1.1717");
        assertThat(KrakenFuturesFrames.decimal(1_200, 3)).isEqualTo("1.2");
        assertThat(KrakenFuturesFrames.decimal(-5, 2)).isEqualTo("-0.05");
        assertThat(KrakenFuturesFrames.decimal(0, 1)).isEqualTo("0.0");
        assertThat(KrakenFuturesFrames.rate(-2_840_206_944_444L, 18)).isEqualTo("-2.840206944444e-6");
        assertThat(KrakenFuturesFrames.rate(495_625_000_000L, 18)).isEqualTo("4.95625e-7");
        assertThat(KrakenFuturesFrames.rate(-5_422_011_861_082_485L, 18)).isEqualTo("-0.005422011861082485");
        assertThat(KrakenFuturesFrames.rate(283_409_604_087_250_000L, 18)).isEqualTo("0.28340960408725");
        assertThat(KrakenFuturesFrames.rate(5_000_000_000L, 18)).isEqualTo("5.0e-9");
    }

    @Test
    void productSpecsDeriveFromTheIdAlone() {
        assertThat(KrakenFuturesProductSpec.of("PF_SYN0001USD"))
                .isEqualTo(KrakenFuturesProductSpec.of("PF_SYN0001USD"));
        assertThat(KrakenFuturesProductSpec.of("PF_SYN0001USD").pair()).isEqualTo("SYN0001:USD");
        assertThat(KrakenFuturesProductSpec.pairOf("PF_XBTUSD")).isEqualTo("XBT:USD");
    }

    private static List<String> withoutTimes(List<String> frames) {
        return frames.stream()
                .map(frame -> {
                    JsonNode node = parse(frame);
                    strip(node);
                    return node.toString();
                })
                .toList();
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(TIME_FIELDS);
        }
        node.forEach(KrakenFuturesSyntheticMarketTest::strip);
    }
}
