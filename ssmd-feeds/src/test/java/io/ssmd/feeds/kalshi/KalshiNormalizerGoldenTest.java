package io.ssmd.feeds.kalshi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.Lifecycle;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.OrderBook;
import io.ssmd.core.model.Side;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import io.ssmd.feeds.NormalizedMessages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every frame of exchanges/kalshi (messages.jsonl, then the archive capture in the pre-2026-03-12 schema) through the
 * decoder and each published message through {@link KalshiNormalizer}: counts per type, exact values of chosen
 * frames, both schemas on one price scale, the NO side as YES asks, nothing from system, unparsed or fill messages.
 */
class KalshiNormalizerGoldenTest {

    private static final String FEED = "kalshi";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> lines;
    private static final List<List<MarketEvent>> EVENTS = new ArrayList<>();
    private static NormalizedMessages all;

    @BeforeAll
    static void normalizeAll() throws IOException {
        lines = Files.readAllLines(KalshiTestServer.sampleMessages());
        all = new NormalizedMessages(new KalshiNormalizer(), FEED);
        for (String line : lines) {
            // Each line alone, as the decoder's own golden test reads them: they come from different connections.
            EVENTS.add(all.add(KalshiDecoderGoldenTest.decoder(List.of()).decode(bytes(line)), bytes(line)));
        }
    }

    @Test
    void everyMarketDataMessageGivesItsEventsAndNothingElseGivesAny() {
        assertThat(EVENTS).hasSize(32);
        assertThat(all.dataMessages).isEqualTo(14);
        assertThat(all.byType)
                .isEqualTo(Map.of(
                        "orderbook/BookSnapshot",
                        5,
                        "orderbook/BookDelta",
                        2,
                        "ticker/Ticker",
                        2,
                        "trade/Trade",
                        1,
                        "lifecycle/Lifecycle",
                        3));
        // The one data message without events is line 31, the account's own fill.
        assertThat(all.silentDataMessages).isEqualTo(1);
        assertThat(EVENTS.get(30)).isEmpty();
        assertThat(lines.get(30)).startsWith("{\"type\":\"fill\"");
        // Nine acks and errors on the system subject, eight client commands unparsed.
        assertThat(all.otherMessages).isEqualTo(17);
        assertThat(all.eventsFromOtherMessages).isZero();
    }

    /**
     * Line 2 and line 4 are real frames of one market: the snapshot's best NO bid 0.0200 × 2500 is the YES ask
     * 0.9800 × 2500 that the ticker reports.
     */
    @Test
    void noBidsBecomeYesAsksAsTheVenuesOwnTickerConfirms() {
        BookSnapshot book = (BookSnapshot) EVENTS.get(1).get(0);
        assertThat(book.instrument()).isEqualTo("KXGOLDH-26AUG2711-T4615.99");
        assertThat(book.bids()).extracting(KalshiNormalizerGoldenTest::text).containsExactly("0.0100@1410.00");
        assertThat(book.asks())
                .extracting(KalshiNormalizerGoldenTest::text)
                .containsExactly("0.9800@2500.00", "0.9900@100.00");
        assertThat(book.ts()).as("snapshots carry no time").isZero();

        Ticker ticker = (Ticker) EVENTS.get(3).get(0);
        assertThat(ticker.ask()).contains(book.asks().get(0).price());
        assertThat(ticker.askSize()).contains(book.asks().get(0).size());
        assertThat(ticker.bid()).contains(book.bids().get(0).price());
        assertThat(ticker.ts()).isEqualTo(1_787_838_990_880_000L);
    }

    @Test
    void aDeltaIsIncrementalAndAnOrderBookTurnsItIntoTheNewSize() {
        BookDelta delta = (BookDelta) EVENTS.get(2).get(0);
        assertThat(delta.incremental()).isTrue();
        assertThat(delta.bids()).extracting(KalshiNormalizerGoldenTest::text).containsExactly("0.0100@10.00");
        assertThat(delta.asks()).isEmpty();
        // The RFC 3339 ts carries microseconds, finer than ts_ms.
        assertThat(delta.ts()).isEqualTo(1_787_838_983_996_443L);

        OrderBook book = OrderBook.unlimited();
        book.apply((BookSnapshot) EVENTS.get(1).get(0));
        BookDelta absolute = book.apply(delta);
        assertThat(absolute.incremental()).isFalse();
        assertThat(absolute.bids()).extracting(KalshiNormalizerGoldenTest::text).containsExactly("0.0100@1420.00");

        BookDelta fed = (BookDelta) EVENTS.get(24).get(0);
        assertThat(fed.bids()).extracting(KalshiNormalizerGoldenTest::text).containsExactly("0.960@-54.00");
    }

    @Test
    void aNoSideDeltaIsAnAskAtOneMinusItsPrice() {
        String frame =
                "{\"type\":\"orderbook_delta\",\"sid\":2,\"seq\":4,\"msg\":{\"market_ticker\":\"FED-23DEC-T3.00\","
                        + "\"price_dollars\":\"0.5400\",\"delta_fp\":\"-20.00\",\"side\":\"no\",\"ts_ms\":1669149841000}}";
        BookDelta delta = (BookDelta) new KalshiNormalizer()
                .normalize(FEED, "orderbook", bytes(frame))
                .get(0);

        assertThat(delta.bids()).isEmpty();
        assertThat(delta.asks()).extracting(KalshiNormalizerGoldenTest::text).containsExactly("0.4600@-20.00");
        assertThat(delta.ts()).isEqualTo(1_669_149_841_000_000L);
    }

    /** Lines 24 and 32 are one book in the current and the transitional schema; stripped to cents, the legacy one. */
    @Test
    void theSnapshotInEverySchemaGivesOneBook() throws IOException {
        ObjectNode legacy = (ObjectNode) JSON.readTree(lines.get(31));
        ObjectNode msg = (ObjectNode) legacy.get("msg");
        msg.remove(List.of("yes_dollars_fp", "no_dollars_fp", "yes_dollars", "no_dollars"));
        assertThat(msg.has("yes")).isTrue();
        ObjectNode transitional = (ObjectNode) JSON.readTree(lines.get(31));
        ((ObjectNode) transitional.get("msg")).remove(List.of("yes_dollars_fp", "no_dollars_fp"));

        BookSnapshot current = (BookSnapshot) EVENTS.get(23).get(0);
        for (ObjectNode older : List.of(legacy, transitional)) {
            BookSnapshot book = (BookSnapshot) new KalshiNormalizer()
                    .normalize(FEED, "orderbook", JSON.writeValueAsBytes(older))
                    .get(0);
            assertSameLevels(book.bids(), current.bids());
            assertSameLevels(book.asks(), current.asks());
        }
        assertThat(current.bids())
                .extracting(KalshiNormalizerGoldenTest::text)
                .containsExactly("0.2200@333.00", "0.0800@300.00");
        assertThat(current.asks())
                .extracting(KalshiNormalizerGoldenTest::text)
                .containsExactly("0.4400@146.00", "0.4600@20.00");
    }

    @Test
    void tradeTickerAndLifecycleCarryTheirFields() {
        Trade trade = (Trade) EVENTS.get(26).get(0);
        assertThat(trade.instrument()).isEqualTo("HIGHNY-22DEC23-B53.5");
        assertThat(trade.price().toPlainString()).isEqualTo("0.360");
        assertThat(trade.size().toPlainString()).isEqualTo("136.00");
        assertThat(trade.side()).as("taker bought NO: sold YES").isEqualTo(Side.SELL);
        assertThat(trade.tradeId()).contains("d91bc706-ee49-470d-82d8-11418bda6fed");
        assertThat(trade.ts()).isEqualTo(1_669_149_841_000_000L);

        Ticker ticker = (Ticker) EVENTS.get(25).get(0);
        assertThat(ticker.bid().orElseThrow().toPlainString()).isEqualTo("0.4500");
        assertThat(ticker.bidSize().orElseThrow().toPlainString()).isEqualTo("300.00");
        assertThat(ticker.ask().orElseThrow().toPlainString()).isEqualTo("0.5300");
        assertThat(ticker.askSize().orElseThrow().toPlainString()).isEqualTo("150.00");
        assertThat(ticker.last().orElseThrow().toPlainString()).isEqualTo("0.4800");
        assertThat(ticker.volume().orElseThrow().toPlainString()).isEqualTo("33896.00");

        Lifecycle created = (Lifecycle) EVENTS.get(27).get(0);
        assertThat(created.instrument()).isEqualTo("INXD-23SEP14-B4487");
        assertThat(created.event()).isEqualTo("created");
        assertThat(created.details())
                .containsEntry("close_ts", "1694721600")
                .containsEntry("price_level_structure", "linear_cent")
                .containsEntry("event_ticker", "INXD-23SEP14")
                .containsEntry("floor_strike", "4487")
                .doesNotContainKey("market_ticker");
        assertThat(created.ts()).isEqualTo(1_669_149_841_234_000L);
        assertThat(((Lifecycle) EVENTS.get(28).get(0)).event()).isEqualTo("metadata_updated");

        Lifecycle event = (Lifecycle) EVENTS.get(29).get(0);
        assertThat(event.instrument()).isEqualTo("KXQUICKSETTLE-26JAN25H2150");
        assertThat(event.event()).isEqualTo("event_lifecycle");
        assertThat(event.details()).containsEntry("series_ticker", "KXQUICKSETTLE");
    }

    @Test
    void theOldSchemaArchiveNormalizesWithoutLossAndOnTheDollarScale() throws IOException {
        Path capture = Path.of(
                System.getProperty("ssmd.shared.dir", "../../shared"), "exchanges", "kalshi", "archive-capture.jsonl");
        Assumptions.assumeTrue(
                Files.exists(capture), "no shared archive capture at " + capture + " (set -Dssmd.shared.dir)");
        List<String> captured = Files.readAllLines(capture);
        KalshiDecoder decoder = KalshiDecoderGoldenTest.decoder(List.of());
        NormalizedMessages normalized = new NormalizedMessages(new KalshiNormalizer(), FEED);
        List<List<MarketEvent>> events = new ArrayList<>();
        for (String line : captured) {
            events.add(normalized.add(decoder.decode(bytes(line)), bytes(line)));
        }
        assertThat(normalized.dataMessages).isEqualTo(27);
        assertThat(normalized.silentDataMessages).isZero();
        assertThat(normalized.byType)
                .isEqualTo(Map.of("ticker/Ticker", 14, "trade/Trade", 11, "lifecycle/Lifecycle", 2));

        // An empty price_dollars falls back to the legacy cents (0), not to nothing.
        Ticker brasileiro = (Ticker) events.get(21).get(0);
        assertThat(brasileiro.last()).hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("0"));
        // No volume_fp: the legacy integer volume.
        assertThat(((Ticker) events.get(20).get(0)).volume().orElseThrow().toPlainString())
                .isEqualTo("351970");
        assertThat(events.get(0).get(0).ts()).isEqualTo(1_770_897_976_000_000L);

        Lifecycle determined = (Lifecycle) events.get(25).get(0);
        assertThat(determined.event()).isEqualTo("determined");
        assertThat(determined.details()).containsEntry("result", "no").containsEntry("settlement_value", "0.0000");
        assertThat(determined.ts()).isEqualTo(1_784_501_722_000_000L);
    }

    /** The archive's first trade in cents only (as before the dollar fields) and as sent: one price, one size. */
    @Test
    void aCentsOnlyTradeAndADollarTradeAreOnOneScale() throws IOException {
        String sent = "{\"type\":\"trade\",\"sid\":2,\"seq\":10,\"msg\":{\"trade_id\":\"f851595a\",\"market_ticker\":"
                + "\"KXSOLD-26FEB1217-T79.9999\",\"yes_price\":77,\"no_price\":23,\"yes_price_dollars\":\"0.7700\","
                + "\"no_price_dollars\":\"0.2300\",\"count\":75,\"count_fp\":\"75.00\",\"taker_side\":\"yes\","
                + "\"ts\":1770897981}}";
        ObjectNode centsOnly = (ObjectNode) JSON.readTree(sent);
        ((ObjectNode) centsOnly.get("msg")).remove(List.of("yes_price_dollars", "no_price_dollars", "count_fp"));

        Trade dollars = (Trade)
                new KalshiNormalizer().normalize(FEED, "trade", bytes(sent)).get(0);
        Trade cents = (Trade) new KalshiNormalizer()
                .normalize(FEED, "trade", JSON.writeValueAsBytes(centsOnly))
                .get(0);

        assertThat(dollars.price().toPlainString()).isEqualTo("0.7700");
        assertThat(cents.price().toPlainString()).isEqualTo("0.77");
        assertThat(cents.price()).isEqualByComparingTo(dollars.price());
        assertThat(cents.size()).isEqualByComparingTo(dollars.size());
        assertThat(cents.side()).isEqualTo(Side.BUY);
        assertThat(cents.ts()).isEqualTo(dollars.ts()).isEqualTo(1_770_897_981_000_000L);
    }

    @Test
    void theNewestSideFieldWinsOverTheDeprecatedOne() {
        String frame = "{\"type\":\"trade\",\"msg\":{\"market_ticker\":\"X\",\"yes_price_dollars\":\"0.5\","
                + "\"count_fp\":\"1.00\",\"taker_side\":\"yes\",\"taker_outcome_side\":\"no\",\"taker_book_side\":\"%s\"}}";
        KalshiNormalizer normalizer = new KalshiNormalizer();
        assertThat(((Trade) normalizer
                                .normalize(FEED, "trade", bytes(frame.formatted("bid")))
                                .get(0))
                        .side())
                .isEqualTo(Side.BUY);
        assertThat(((Trade) normalizer
                                .normalize(FEED, "trade", bytes(frame.formatted("")))
                                .get(0))
                        .side())
                .as("taker_outcome_side no")
                .isEqualTo(Side.SELL);
    }

    @Test
    void unusableMessagesGiveNothingAndNeverThrow() {
        KalshiNormalizer normalizer = new KalshiNormalizer();
        for (String payload : List.of(
                "",
                "{}",
                "[1]",
                "{\"type\":\"ticker\",\"msg\":[]}",
                "{\"type\":\"ticker\",\"msg\":{\"price_dollars\":\"0.5\"}}",
                "{\"type\":\"trade\",\"msg\":{\"market_ticker\":\"X\",\"count_fp\":\"1\"}}",
                "{\"type\":\"orderbook_delta\",\"msg\":{\"market_ticker\":\"X\",\"price_dollars\":\"0.5\","
                        + "\"delta_fp\":\"1\",\"side\":\"maybe\"}}",
                "{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"trade\",\"sid\":2}}")) {
            assertThat(normalizer.normalize(FEED, "orderbook", bytes(payload)))
                    .as(payload)
                    .isEmpty();
        }
    }

    private static void assertSameLevels(List<Level> actual, List<Level> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).price())
                    .isEqualByComparingTo(expected.get(i).price());
            assertThat(actual.get(i).size())
                    .isEqualByComparingTo(expected.get(i).size());
        }
    }

    private static String text(Level level) {
        return level.price().toPlainString() + "@" + level.size().toPlainString();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
