package io.ssmd.feeds.krakenfutures;

import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.OrderBook;
import io.ssmd.core.model.Side;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import io.ssmd.feeds.NormalizedMessages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every frame of exchanges/kraken-futures (messages.jsonl, then the archive capture) through the decoder and each
 * published message through {@link KrakenFuturesNormalizer}: counts per type, exact values of chosen frames, nothing
 * from system or unparsed frames.
 */
class KrakenFuturesNormalizerGoldenTest {

    private static final List<String> INSTRUMENTS = List.of("PF_XBTUSD", "PF_ETHUSD", "PI_XBTUSD");
    private static final String FEED = KrakenFuturesFixtures.FEED;

    private static final List<List<MarketEvent>> EVENTS = new ArrayList<>();
    private static NormalizedMessages all;

    @BeforeAll
    static void normalizeAll() {
        KrakenFuturesDecoder decoder = KrakenFuturesFixtures.decoder(INSTRUMENTS);
        all = new NormalizedMessages(new KrakenFuturesNormalizer(), FEED);
        for (String line : KrakenFuturesTestServer.sampleLines()) {
            EVENTS.add(all.add(decoder.decode(bytes(line)), bytes(line)));
        }
    }

    @Test
    void everyMarketDataMessageGivesItsEventsAndNothingElseGivesAny() {
        assertThat(EVENTS).hasSize(14);
        // Two tickers, two live trades, the two-trade snapshot as two messages, a book snapshot and a delta.
        assertThat(all.dataMessages).isEqualTo(8);
        assertThat(all.silentDataMessages).isZero();
        assertThat(all.byType)
                .isEqualTo(Map.of(
                        "ticker/Ticker", 2, "trade/Trade", 4, "orderbook/BookSnapshot", 1, "orderbook/BookDelta", 1));
        // info and two subscribed acks (system), three client requests (unparsed).
        assertThat(all.otherMessages).isEqualTo(6);
        assertThat(all.eventsFromOtherMessages).isZero();
    }

    @Test
    void theTradeSnapshotsTradesAreMarkedAndTheLiveTradeIsNot() {
        List<MarketEvent> snapshot = EVENTS.get(10);
        assertThat(snapshot).hasSize(2);
        Trade first = (Trade) snapshot.get(0);
        assertThat(first.instrument()).isEqualTo("PI_XBTUSD");
        assertThat(first.price().toPlainString()).isEqualTo("34893");
        assertThat(first.size().toPlainString()).isEqualTo("440");
        assertThat(first.side()).isEqualTo(Side.SELL);
        assertThat(first.tradeId()).contains("caa9c653-420b-4c24-a9f1-462a054d86f1");
        assertThat(first.ts()).isEqualTo(1_612_269_657_781_000L);
        assertThat(first.snapshot()).isTrue();
        assertThat(((Trade) snapshot.get(1)).tradeId()).contains("45ee9737-1877-4682-bc68-e4ef818ef88a");

        Trade live = (Trade) EVENTS.get(8).get(0);
        assertThat(live.instrument()).isEqualTo("PF_XBTUSD");
        assertThat(live.price().toPlainString()).isEqualTo("65368.0");
        assertThat(live.size().toPlainString()).isEqualTo("0.0003");
        assertThat(live.snapshot()).isFalse();
        assertThat(live.ts()).isEqualTo(1_770_920_339_688_000L);
    }

    @Test
    void theTickerKeepsItsNumbersText() {
        Ticker ticker = (Ticker) EVENTS.get(9).get(0);

        assertThat(ticker.instrument()).isEqualTo("PI_XBTUSD");
        assertThat(ticker.bid().orElseThrow().toPlainString()).isEqualTo("21978.5");
        assertThat(ticker.bidSize().orElseThrow().toPlainString()).isEqualTo("2536.0");
        assertThat(ticker.ask().orElseThrow().toPlainString()).isEqualTo("21987.0");
        assertThat(ticker.askSize().orElseThrow().toPlainString()).isEqualTo("13948.0");
        assertThat(ticker.last().orElseThrow().toPlainString()).isEqualTo("21983.5");
        assertThat(ticker.volume().orElseThrow().toPlainString()).isEqualTo("31403908.0");
        assertThat(ticker.ts()).isEqualTo(1_676_393_235_406_000L);
    }

    @Test
    void theBookSnapshotAndItsSellSideDeltaBuildTheBook() {
        BookSnapshot snapshot = (BookSnapshot) EVENTS.get(12).get(0);
        assertThat(snapshot.bids())
                .extracting(l -> l.price().toPlainString() + "@" + l.size().toPlainString())
                .containsExactly("34892.5@6385", "34892@10924");
        assertThat(snapshot.asks())
                .extracting(l -> l.price().toPlainString() + "@" + l.size().toPlainString())
                .containsExactly("34911.5@20598", "34912@2300");
        assertThat(snapshot.ts()).isEqualTo(1_612_269_825_817_000L);

        BookDelta delta = (BookDelta) EVENTS.get(13).get(0);
        assertThat(delta.bids()).isEmpty();
        assertThat(delta.asks())
                .extracting(l -> l.price().toPlainString() + "@" + l.size().toPlainString())
                .containsExactly("34981@0");
        assertThat(delta.incremental()).isFalse();
        assertThat(delta.ts()).isEqualTo(1_612_269_953_629_000L);

        OrderBook book = OrderBook.unlimited();
        book.apply(snapshot);
        book.apply(delta);
        assertThat(book.bestBid().orElseThrow().price()).isEqualByComparingTo("34892.5");
        assertThat(book.bestAsk().orElseThrow().price()).isEqualByComparingTo("34911.5");
        assertThat(book.askCount()).isEqualTo(2);
    }

    @Test
    void everyLiveFrameOfTheArchiveCaptureGivesItsTickerOrTrade() {
        Path capture = Path.of(
                System.getProperty("ssmd.shared.dir", "../../shared"),
                "exchanges/kraken-futures/archive-capture.jsonl");
        Assumptions.assumeTrue(Files.exists(capture), "no archive capture at " + capture + " (ssmd.shared.dir)");
        KrakenFuturesDecoder decoder = KrakenFuturesFixtures.decoder(INSTRUMENTS);
        NormalizedMessages captured = new NormalizedMessages(new KrakenFuturesNormalizer(), FEED);
        for (String line : KrakenFuturesTestServer.readLines(capture)) {
            captured.add(decoder.decode(bytes(line)), bytes(line));
        }

        assertThat(captured.dataMessages).isEqualTo(20);
        assertThat(captured.silentDataMessages).isZero();
        assertThat(captured.byType).isEqualTo(Map.of("ticker/Ticker", 10, "trade/Trade", 10));
        Ticker first = (Ticker) captured.events.get(0);
        assertThat(first.instrument()).isEqualTo("PF_ETHUSD");
        assertThat(first.bid().orElseThrow().toPlainString()).isEqualTo("1907.3");
        assertThat(first.askSize().orElseThrow().toPlainString()).isEqualTo("0.112");
        assertThat(captured.events)
                .filteredOn(e -> e instanceof Trade)
                .allSatisfy(e -> assertThat(((Trade) e).tradeId()).isPresent())
                .allSatisfy(e -> assertThat(((Trade) e).side()).isNotEqualTo(Side.UNKNOWN));
    }

    @Test
    void exponentNotationIsReadFromItsTextAndUnusableMessagesGiveNothing() {
        KrakenFuturesNormalizer normalizer = new KrakenFuturesNormalizer();
        List<MarketEvent> trade = normalizer.normalize(
                FEED,
                "trade",
                bytes("{\"feed\":\"trade\",\"product_id\":"
                        + "\"PF_XBTUSD\",\"side\":\"buy\",\"price\":6.5368E4,\"qty\":3e-4,\"time\":\"soon\"}"));
        assertThat(trade).singleElement().satisfies(e -> {
            Trade t = (Trade) e;
            assertThat(t.price().toPlainString()).isEqualTo("65368");
            assertThat(t.size().toPlainString()).isEqualTo("0.0003");
            assertThat(t.tradeId()).isEmpty();
            assertThat(t.ts()).isZero();
        });

        for (String payload : List.of(
                "",
                "{",
                "[]",
                "{\"feed\":\"ticker\"}",
                "{\"feed\":\"book\",\"product_id\":\"PF_XBTUSD\",\"side\":\"up\",\"price\":1,\"qty\":1}",
                "{\"feed\":\"book\",\"product_id\":\"PF_XBTUSD\",\"side\":\"buy\",\"qty\":1}",
                "{\"feed\":\"trade_snapshot\",\"product_id\":\"PF_XBTUSD\",\"trades\":[]}",
                "{\"feed\":\"heartbeat\",\"time\":1}",
                "{\"event\":\"info\",\"version\":1}")) {
            assertThat(normalizer.normalize(FEED, "orderbook", bytes(payload)))
                    .as(payload)
                    .isEmpty();
        }
    }
}
