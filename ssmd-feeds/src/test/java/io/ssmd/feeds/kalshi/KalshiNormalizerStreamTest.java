package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.kalshi.KalshiTestServer.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.OrderBook;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import io.ssmd.core.shard.Decoded;
import io.ssmd.feeds.NormalizedMessages;
import io.ssmd.feeds.kalshi.replay.KalshiReplayServer;
import io.ssmd.feeds.replay.WsTestClient;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The replay server's synthetic Kalshi market through decoder, normalizer and {@link OrderBook}: books kept from
 * normalized snapshots (NO bids as YES asks) and incremental deltas agree with every ticker the venue sends about
 * them (YES bid and ask, both sizes), trades print inside the book's spread, and a client applying the absolute
 * deltas the book returns ends with the same book.
 */
class KalshiNormalizerStreamTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final int FRAMES = 5_000;

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void booksFromNormalizedEventsAgreeWithEveryTickerAndTrade() throws Exception {
        List<String> markets = KalshiReplayServer.defaultInstruments();
        KalshiDecoder decoder = KalshiDecoderGoldenTest.decoder(markets);
        NormalizedMessages normalized = new NormalizedMessages(new KalshiNormalizer(), "kalshi");
        Map<String, OrderBook> books = new HashMap<>();
        Map<String, OrderBook> clients = new HashMap<>();
        int tickersChecked = 0;
        int tradesChecked = 0;
        int resyncs = 0;
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 0, 5);
                WsTestClient client = server.connect()) {
            client.send(KalshiReplayServer.subscribeMessages(markets).get(0));
            for (int i = 0; i < FRAMES; i++) {
                byte[] frame = client.next(WAIT).getBytes(StandardCharsets.UTF_8);
                Decoded decoded = decoder.decode(frame);
                resyncs += decoded.resyncs().size();
                for (MarketEvent event : normalized.add(decoded, frame)) {
                    String market = event.instrument();
                    if (event instanceof BookSnapshot snapshot) {
                        books.computeIfAbsent(market, m -> OrderBook.unlimited())
                                .apply(snapshot);
                        clients.computeIfAbsent(market, m -> OrderBook.unlimited())
                                .apply(snapshot);
                    } else if (event instanceof BookDelta delta) {
                        assertThat(delta.incremental()).isTrue();
                        BookDelta absolute = books.get(market).apply(delta);
                        clients.get(market).apply(absolute);
                        assertThat(clients.get(market).snapshot("kalshi", market, 0))
                                .isEqualTo(books.get(market).snapshot("kalshi", market, 0));
                    } else if (event instanceof Ticker ticker && books.containsKey(market)) {
                        assertAgrees(ticker, books.get(market));
                        tickersChecked++;
                    } else if (event instanceof Trade trade && books.containsKey(market)) {
                        OrderBook book = books.get(market);
                        assertThat(trade.price())
                                .isBetween(
                                        book.bestBid().orElseThrow().price(),
                                        book.bestAsk().orElseThrow().price());
                        tradesChecked++;
                    }
                }
            }
        }
        assertThat(resyncs).as("the decoder's own books").isZero();
        assertThat(books).containsOnlyKeys(markets);
        assertThat(tickersChecked).isGreaterThan(FRAMES / 20);
        assertThat(tradesChecked).isGreaterThan(FRAMES / 20);
        assertThat(normalized.byType.get("orderbook/BookDelta")).isGreaterThan(FRAMES / 2);
        assertThat(normalized.silentDataMessages).isZero();
    }

    /** The ticker's YES bid and ask, and their sizes, are the book's best levels. */
    private static void assertAgrees(Ticker ticker, OrderBook book) {
        Level bid = book.bestBid().orElseThrow();
        Level ask = book.bestAsk().orElseThrow();
        assertThat(ticker.bid()).hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo(bid.price()));
        assertThat(ticker.bidSize()).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo(bid.size()));
        assertThat(ticker.ask()).hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo(ask.price()));
        assertThat(ticker.askSize()).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo(ask.size()));
        assertThat(ask.price()).isLessThanOrEqualTo(BigDecimal.ONE);
    }
}
