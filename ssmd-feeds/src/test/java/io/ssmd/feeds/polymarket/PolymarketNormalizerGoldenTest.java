package io.ssmd.feeds.polymarket;

import static io.ssmd.feeds.polymarket.PolymarketGoldenTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.Lifecycle;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.Side;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import io.ssmd.core.shard.Decoded;
import io.ssmd.feeds.NormalizedMessages;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every frame of exchanges/polymarket (messages.jsonl, then the archive capture) through the decoder and each
 * published event through {@link PolymarketNormalizer}: counts per type, exact values of chosen frames (books best
 * first although the venue lists the best level last), nothing from unparsed frames.
 */
class PolymarketNormalizerGoldenTest {

    private static final String FEED = "polymarket";
    private static final String M1_YES =
            "48331043336612883890938759509493159234755048973500640148014422747788308965732";
    private static final String NVDA_YES =
            "76043073756653678226373981964075571318267289248134717369284518995922789326425";
    private static final String NVDA_NO =
            "31690934263385727664202099278545688007799199447969475608906331829650099442770";

    private static List<String> lines;
    private static final List<List<MarketEvent>> EVENTS = new ArrayList<>();
    private static NormalizedMessages all;

    @BeforeAll
    static void normalizeAll() {
        lines = PolymarketTestServer.sampleLines();
        PolymarketDecoder decoder = PolymarketGoldenTest.decoder(lines);
        all = new NormalizedMessages(new PolymarketNormalizer(), FEED);
        for (String line : lines) {
            EVENTS.add(all.add(decoder.decode(bytes(line)), bytes(line)));
        }
    }

    @Test
    void everyEventGivesItsNormalizedEventsAndUnparsedFramesGiveNone() {
        assertThat(EVENTS).hasSize(15);
        assertThat(all.dataMessages).isEqualTo(12);
        assertThat(all.silentDataMessages).isZero();
        // new_market and market_resolved name two assets each: one lifecycle event per asset.
        assertThat(all.byType)
                .isEqualTo(Map.of(
                        "orderbook/BookSnapshot",
                        2,
                        "orderbook/BookDelta",
                        3,
                        "trade/Trade",
                        2,
                        "ticker/Ticker",
                        1,
                        "lifecycle/Lifecycle",
                        6));
        assertThat(all.otherMessages).isEqualTo(3);
        assertThat(all.eventsFromOtherMessages).isZero();
    }

    /** Line 1, a real book: the venue's LAST bid and LAST ask are the best, and come first once normalized. */
    @Test
    void aRealBooksBestLevelsAreTheVenuesLastElements() {
        BookSnapshot book = (BookSnapshot) EVENTS.get(0).get(0);

        assertThat(book.instrument()).isEqualTo(M1_YES);
        assertThat(book.bids()).hasSize(76);
        assertThat(book.asks()).hasSize(86);
        assertThat(text(book.bids().get(0))).isEqualTo("0.511@1304.72");
        assertThat(text(book.asks().get(0))).isEqualTo("0.514@20230.87");
        assertThat(text(book.bids().get(75))).isEqualTo("0.001@9000023.58");
        assertThat(text(book.asks().get(85))).isEqualTo("0.999@10500100");
        assertThat(book.ts()).isEqualTo(1_728_799_418_260_000L);
    }

    /** Line 8, the docs' example, lists its asks lowest first instead: sorting, not reversing, gets both right. */
    @Test
    void aBookListedTheOtherWayIsStillBestFirst() {
        BookSnapshot book = (BookSnapshot) EVENTS.get(7).get(0);

        assertThat(book.bids())
                .extracting(PolymarketNormalizerGoldenTest::text)
                .containsExactly("0.50@15", "0.49@20", "0.48@30");
        assertThat(book.asks())
                .extracting(PolymarketNormalizerGoldenTest::text)
                .containsExactly("0.52@25", "0.53@60", "0.54@10");
    }

    @Test
    void priceChangesOfEverySchemaAreAbsoluteDeltasOnTheirSide() {
        BookDelta v0 = (BookDelta) EVENTS.get(2).get(0);
        assertThat(v0.instrument()).isEqualTo(M1_YES);
        assertThat(v0.bids()).isEmpty();
        assertThat(v0.asks()).extracting(PolymarketNormalizerGoldenTest::text).containsExactly("0.514@21574.08");

        BookDelta v1 = (BookDelta) EVENTS.get(4).get(0);
        assertThat(v1.instrument()).startsWith("5211431950");
        assertThat(v1.bids())
                .extracting(PolymarketNormalizerGoldenTest::text)
                .containsExactly("0.6@3300", "0.5@3400", "0.7@3400");

        BookDelta current = (BookDelta) EVENTS.get(8).get(0);
        assertThat(current.instrument()).startsWith("7132104567");
        assertThat(current.bids())
                .extracting(PolymarketNormalizerGoldenTest::text)
                .containsExactly("0.5@200");
        assertThat(current.incremental()).isFalse();
        assertThat(current.ts()).isEqualTo(1_757_908_892_351_000L);
    }

    @Test
    void oneFramesChangesToBothOutcomesBecomeOneDeltaPerAsset() {
        String frame = "{\"event_type\":\"price_change\",\"market\":\"0x5f\",\"price_changes\":["
                + "{\"asset_id\":\"1\",\"price\":\"0.5\",\"size\":\"200\",\"side\":\"BUY\"},"
                + "{\"asset_id\":\"2\",\"price\":\"0.5\",\"size\":\"0\",\"side\":\"SELL\"},"
                + "{\"asset_id\":\"1\",\"price\":\"0.49\",\"size\":\"10\",\"side\":\"BUY\"},"
                + "{\"asset_id\":\"2\",\"price\":\"oops\",\"size\":\"1\",\"side\":\"SELL\"}],\"timestamp\":\"5\"}";

        List<MarketEvent> deltas = new PolymarketNormalizer().normalize(FEED, "price_change", bytes(frame));

        assertThat(deltas).extracting(MarketEvent::instrument).containsExactly("1", "2");
        assertThat(((BookDelta) deltas.get(0)).bids())
                .extracting(PolymarketNormalizerGoldenTest::text)
                .containsExactly("0.5@200", "0.49@10");
        assertThat(((BookDelta) deltas.get(1)).asks())
                .extracting(PolymarketNormalizerGoldenTest::text)
                .containsExactly("0.5@0");
        assertThat(deltas.get(1).ts()).isEqualTo(5_000);
    }

    @Test
    void tradesTickersAndTickSizesCarryTheirFields() {
        Trade trade = (Trade) EVENTS.get(1).get(0);
        assertThat(trade.price().toPlainString()).isEqualTo("0.491");
        assertThat(trade.size().toPlainString()).isEqualTo("85.36");
        assertThat(trade.side()).isEqualTo(Side.SELL);
        assertThat(trade.tradeId()).isEmpty();
        assertThat(trade.ts()).isEqualTo(1_724_564_136_087_000L);
        assertThat(((Trade) EVENTS.get(9).get(0)).size().toPlainString()).isEqualTo("219.217767");

        Ticker ticker = (Ticker) EVENTS.get(11).get(0);
        assertThat(ticker.bid()).contains(new BigDecimal("0.73"));
        assertThat(ticker.ask()).contains(new BigDecimal("0.77"));
        assertThat(ticker.bidSize()).isEmpty();
        assertThat(ticker.last()).isEmpty();

        Lifecycle tick = (Lifecycle) EVENTS.get(3).get(0);
        assertThat(tick.event()).isEqualTo("tick_size_change");
        assertThat(tick.details())
                .containsEntry("old_tick_size", "0.01")
                .containsEntry("new_tick_size", "0.001")
                .containsKey("market")
                .doesNotContainKey("event_type");
    }

    @Test
    void aNewMarketAndItsResolutionReachBothOutcomes() {
        List<MarketEvent> created = EVENTS.get(12);
        assertThat(created).extracting(MarketEvent::instrument).containsExactly(NVDA_YES, NVDA_NO);
        Lifecycle yes = (Lifecycle) created.get(0);
        assertThat(yes.event()).isEqualTo("new_market");
        assertThat(yes.details())
                .containsEntry("outcome", "Yes")
                .containsEntry("slug", "nvda-above-240-on-january-30-2026")
                .containsEntry("order_price_min_tick_size", "0.01")
                .containsEntry("active", "true")
                .doesNotContainKey("sports_market_type");
        assertThat(((Lifecycle) created.get(1)).details()).containsEntry("outcome", "No");

        List<MarketEvent> resolved = EVENTS.get(13);
        assertThat(resolved).extracting(e -> ((Lifecycle) e).event()).containsOnly("market_resolved");
        assertThat(((Lifecycle) resolved.get(0)).details())
                .containsEntry("won", "true")
                .containsEntry("winning_outcome", "Yes");
        assertThat(((Lifecycle) resolved.get(1)).details()).containsEntry("won", "false");
        assertThat(resolved.get(0).ts()).isEqualTo(1_766_790_415_550_000L);
    }

    @Test
    void theArchiveCapturesBooksAndTradesAllNormalize() throws IOException {
        Path capture = Path.of(
                System.getProperty("ssmd.shared.dir", "../../shared"), "exchanges/polymarket/archive-capture.jsonl");
        Assumptions.assumeTrue(Files.exists(capture), "no archive capture at " + capture + " (ssmd.shared.dir)");
        List<String> captured =
                Files.readAllLines(capture).stream().filter(l -> !l.isBlank()).toList();
        PolymarketDecoder decoder = PolymarketGoldenTest.decoder(captured);
        NormalizedMessages normalized = new NormalizedMessages(new PolymarketNormalizer(), FEED);
        for (String line : captured) {
            Decoded decoded = decoder.decode(bytes(line));
            List<MarketEvent> events = normalized.add(decoded, bytes(line));
            if (events.get(0) instanceof BookSnapshot book) {
                // Whatever the frame's order, the normalized best bid is below the best ask.
                if (!book.bids().isEmpty() && !book.asks().isEmpty()) {
                    assertThat(book.bids().get(0).price())
                            .isLessThan(book.asks().get(0).price());
                }
            }
        }
        assertThat(normalized.dataMessages).isEqualTo(20);
        assertThat(normalized.silentDataMessages).isZero();
        assertThat(normalized.byType).isEqualTo(Map.of("orderbook/BookSnapshot", 10, "trade/Trade", 10));
    }

    @Test
    void unusableEventsGiveNothingAndNeverThrow() {
        PolymarketNormalizer normalizer = new PolymarketNormalizer();
        for (String payload : List.of(
                "PONG",
                "",
                "[]",
                "{\"assets_ids\":[\"1\"],\"type\":\"market\"}",
                "{\"event_type\":\"book\",\"bids\":[]}",
                "{\"event_type\":\"last_trade_price\",\"asset_id\":\"1\"}",
                "{\"event_type\":\"price_change\",\"asset_id\":\"1\",\"price\":\"0.5\",\"side\":\"HOLD\",\"size\":\"1\"}",
                "{\"event_type\":\"market_resolved\"}",
                "{\"event_type\":\"something_new\",\"asset_id\":\"1\"}")) {
            assertThat(normalizer.normalize(FEED, "unparsed", bytes(payload)))
                    .as(payload)
                    .isEmpty();
        }
    }

    private static String text(Level level) {
        return level.price().toPlainString() + "@" + level.size().toPlainString();
    }
}
