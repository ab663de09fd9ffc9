package io.ssmd.feeds.kraken;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.MarketEventJson;
import io.ssmd.core.model.OrderBook;
import io.ssmd.core.model.Side;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import io.ssmd.core.shard.Decoded;
import io.ssmd.feeds.NormalizedMessages;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every frame of exchanges/kraken/messages.jsonl through the decoder, then each published message through
 * {@link KrakenNormalizer}: counts per type, exact values of chosen frames, nothing from system or unparsed frames,
 * and the docs' checksummed book rebuilt from the normalized snapshot.
 */
class KrakenNormalizerGoldenTest {

    private static List<String> lines;
    /** Events per line, from 0. */
    private static final List<List<MarketEvent>> EVENTS = new ArrayList<>();

    private static NormalizedMessages all;
    private static KrakenDecoder decoder;

    @BeforeAll
    static void normalizeAll() throws IOException {
        lines = KrakenChecksumTest.sampleLines();
        decoder = KrakenFeedFixture.decoder(List.of("BTC/USD", "USDT/USD", "MATIC/USD"));
        all = new NormalizedMessages(new KrakenNormalizer(), "kraken");
        for (String line : lines) {
            byte[] frame = line.getBytes(StandardCharsets.UTF_8);
            Decoded decoded = decoder.decode(frame);
            EVENTS.add(all.add(decoded, frame));
        }
    }

    @Test
    void everyMarketDataMessageGivesItsEventsAndNothingElseGivesAny() {
        assertThat(all.dataMessages).isEqualTo(5);
        assertThat(all.silentDataMessages).isZero();
        assertThat(all.byType)
                .isEqualTo(Map.of(
                        "orderbook/BookSnapshot", 1, "orderbook/BookDelta", 2, "ticker/Ticker", 1, "trade/Trade", 1));
        // status ×2, subscribe ack, two errors, and the two client requests recorded as unparsed.
        assertThat(all.otherMessages).isEqualTo(7);
        assertThat(all.eventsFromOtherMessages).isZero();
    }

    @Test
    void theTradeKeepsItsWireTextSideIdAndMicrosecondTime() {
        Trade trade = (Trade) EVENTS.get(12).get(0);

        assertThat(trade.instrument()).isEqualTo("MATIC/USD");
        assertThat(trade.price().toPlainString()).isEqualTo("0.5117");
        assertThat(trade.size().toPlainString()).isEqualTo("40.0");
        assertThat(trade.side()).isEqualTo(Side.SELL);
        assertThat(trade.tradeId()).contains("4665906");
        assertThat(trade.ts()).isEqualTo(1_695_628_177_708_706L);
        assertThat(trade.snapshot()).isFalse();
        assertThat(MarketEventJson.writeString(trade))
                .isEqualTo("{\"type\":\"trade\",\"feed\":\"kraken\","
                        + "\"ticker\":\"MATIC/USD\",\"price\":\"0.5117\",\"size\":\"40.0\",\"side\":\"sell\","
                        + "\"tradeId\":\"4665906\",\"snapshot\":false,\"ts\":1695628177708706}");
    }

    @Test
    void theTickerCarriesTopOfBookLastAndVolumeAsSent() {
        Ticker ticker = (Ticker) EVENTS.get(7).get(0);

        assertThat(ticker.instrument()).isEqualTo("USDT/USD");
        assertThat(ticker.bid().orElseThrow().toPlainString()).isEqualTo("0.99980");
        assertThat(ticker.bidSize().orElseThrow().toPlainString()).isEqualTo("44620.68691883");
        assertThat(ticker.ask().orElseThrow().toPlainString()).isEqualTo("0.99981");
        assertThat(ticker.askSize().orElseThrow().toPlainString()).isEqualTo("1087605.70466858");
        assertThat(ticker.last().orElseThrow().toPlainString()).isEqualTo("0.99981");
        assertThat(ticker.volume().orElseThrow().toPlainString()).isEqualTo("270638277.50461281");
        assertThat(ticker.ts()).isEqualTo(1_790_222_058_054_886L);
    }

    @Test
    void anUpdateIsAnAbsoluteDeltaWhoseZeroQuantityRemoves() {
        BookDelta delta = (BookDelta) EVENTS.get(1).get(0);

        assertThat(delta.incremental()).isFalse();
        assertThat(delta.bids()).isEmpty();
        assertThat(delta.asks())
                .extracting(l -> l.price().toPlainString() + "@" + l.size().toPlainString())
                .containsExactly("62807.0@0.00000000", "62818.8@0.65540712");
        assertThat(delta.ts()).isEqualTo(1_786_923_423_745_044L);
        BookDelta matic = (BookDelta) EVENTS.get(11).get(0);
        assertThat(matic.instrument()).isEqualTo("MATIC/USD");
        assertThat(matic.bids()).containsExactly(new Level(new BigDecimal("0.5657"), new BigDecimal("1098.3947558")));
    }

    /**
     * Line 11 is the docs' worked example: the book rebuilt from the normalized snapshot gives Kraken's own checksum
     * (3310070434) from the decimals' plain text, as the decoder's checked book did.
     */
    @Test
    void theDocsSnapshotRebuildsIntoTheBookKrakensChecksumDescribes() {
        BookSnapshot snapshot = (BookSnapshot) EVENTS.get(10).get(0);
        assertThat(snapshot.bids()).hasSize(10);
        assertThat(snapshot.asks()).hasSize(10);
        assertThat(snapshot.bids().get(0).price().toPlainString()).isEqualTo("45283.5");
        assertThat(snapshot.bids().get(0).size().toPlainString()).isEqualTo("0.10000000");
        assertThat(snapshot.asks().get(0).price().toPlainString()).isEqualTo("45285.2");
        assertThat(snapshot.asks().get(0).size().toPlainString()).isEqualTo("0.00100000");
        assertThat(snapshot.ts()).as("this snapshot has no timestamp").isZero();

        OrderBook book = OrderBook.withDepth(10);
        book.apply(snapshot);

        assertThat(checksum(book.snapshot("kraken", "BTC/USD", 0))).isEqualTo(3_310_070_434L);
        assertThat(decoder.checking("BTC/USD"))
                .as("the decoder's own book checked out")
                .isTrue();
    }

    /** Kraken's CRC32 over a normalized book, from each decimal's plain text (PROTOCOLS.md §2.4). */
    static long checksum(BookSnapshot book) {
        return KrakenChecksum.of(texts(book.asks()), texts(book.bids()));
    }

    private static List<KrakenChecksum.Level> texts(List<Level> levels) {
        return levels.stream()
                .map(l -> new KrakenChecksum.Level(
                        l.price().toPlainString(), l.size().toPlainString()))
                .toList();
    }

    @Test
    void frameShapesItCannotUseGiveNothingAndNeverThrow() {
        KrakenNormalizer normalizer = new KrakenNormalizer();
        for (String payload : List.of(
                "",
                "not json",
                "[1,2]",
                "{}",
                "{\"channel\":\"trade\",\"data\":{}}",
                "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"X/USD\",\"price\":\"abc\"}]}",
                "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"bids\":[]}]}")) {
            for (String type : List.of("trade", "orderbook", "ticker", "system", "unparsed")) {
                assertThat(normalizer.normalize("kraken", type, payload.getBytes(StandardCharsets.UTF_8)))
                        .as("%s as %s", payload, type)
                        .isEmpty();
            }
        }
    }

    @Test
    void aChangedFieldEmptiesThatFieldOnlyAndSnapshotTradesAreMarked() {
        String frame = "{\"channel\":\"trade\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"BTC/USD\",\"side\":\"x\","
                + "\"price\":\"62807.0\",\"qty\":1,\"ord_type\":\"limit\",\"timestamp\":\"yesterday\"},"
                + "{\"symbol\":\"BTC/USD\",\"side\":\"buy\",\"price\":62808.1,\"qty\":0.5,\"trade_id\":7}]}";
        List<MarketEvent> events =
                new KrakenNormalizer().normalize("kraken", "trade", frame.getBytes(StandardCharsets.UTF_8));

        assertThat(events).hasSize(2);
        Trade first = (Trade) events.get(0);
        assertThat(first.side()).isEqualTo(Side.UNKNOWN);
        assertThat(first.tradeId()).isEmpty();
        assertThat(first.ts()).isZero();
        assertThat(first.snapshot()).isTrue();
        Trade second = (Trade) events.get(1);
        assertThat(second.side()).isEqualTo(Side.BUY);
        assertThat(second.tradeId()).contains("7");
        assertThat(second.snapshot()).isTrue();
    }
}
