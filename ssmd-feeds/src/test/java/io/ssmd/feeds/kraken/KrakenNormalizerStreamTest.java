package io.ssmd.feeds.kraken;

import static io.ssmd.feeds.kraken.KrakenTestServer.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.OrderBook;
import io.ssmd.core.shard.Decoded;
import io.ssmd.feeds.NormalizedMessages;
import io.ssmd.feeds.replay.WsTestClient;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The replay server's synthetic Kraken stream through decoder, normalizer and {@link OrderBook}: after every book
 * message the book rebuilt from normalized events alone has the checksum Kraken put on that message, so the
 * normalized events lose nothing of the book (prices, sizes, their wire text, removals, truncation to depth).
 */
class KrakenNormalizerStreamTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final List<String> SYMBOLS = List.of("BTC/USD", "ETH/USD", "SOL/USD");
    private static final int DEPTH = 10;

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void booksRebuiltFromNormalizedEventsMatchEveryChecksumOverThreeThousandUpdates() throws Exception {
        KrakenDecoder decoder = KrakenFeedFixture.decoder(SYMBOLS);
        NormalizedMessages normalized = new NormalizedMessages(new KrakenNormalizer(), "kraken");
        Map<String, OrderBook> books = new HashMap<>();
        Map<String, OrderBook> clients = new HashMap<>();
        int checked = 0;
        int mismatches = 0;
        int resyncs = 0;
        try (KrakenTestServer server = KrakenTestServer.start(TESTKIT.system(), KrakenTestServer.synthetic(0, 11));
                WsTestClient client = server.connected()) {
            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"BTC/USD\","
                    + "\"ETH/USD\",\"SOL/USD\"],\"depth\":" + DEPTH + "}}");
            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"BTC/USD\"]}}");
            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"ETH/USD\"]}}");
            while (checked < 3_000) {
                byte[] frame = client.next(WAIT).getBytes(StandardCharsets.UTF_8);
                Decoded decoded = decoder.decode(frame);
                resyncs += decoded.resyncs().size();
                for (Decoded.Routed message : decoded.messages()) {
                    // One message at a time, so each book event meets the checksum of its own message.
                    List<MarketEvent> events = normalized.add(
                            new Decoded(
                                    decoded.kind(),
                                    decoded.type(),
                                    "",
                                    List.of(message),
                                    List.of(),
                                    List.of(),
                                    List.of()),
                            message.payload());
                    if (!NormalizedMessages.type(message.subject()).equals("orderbook")) {
                        continue;
                    }
                    assertThat(events).hasSize(1);
                    String symbol = events.get(0).instrument();
                    OrderBook book = books.computeIfAbsent(symbol, s -> OrderBook.withDepth(DEPTH));
                    OrderBook mirror = clients.computeIfAbsent(symbol, s -> OrderBook.unlimited());
                    if (events.get(0) instanceof BookSnapshot snapshot) {
                        book.apply(snapshot);
                        mirror.apply(book.snapshot("kraken", symbol, snapshot.ts()));
                    } else {
                        // What a gateway client is sent, applied to a plain book, must give the same book.
                        mirror.apply(book.apply((BookDelta) events.get(0)));
                    }
                    long expected = KrakenTestServer.json(new String(message.payload(), StandardCharsets.UTF_8))
                            .path("data")
                            .path(0)
                            .path("checksum")
                            .asLong();
                    BookSnapshot now = book.snapshot("kraken", symbol, 0);
                    if (KrakenNormalizerGoldenTest.checksum(now) != expected) {
                        mismatches++;
                    }
                    assertThat(mirror.snapshot("kraken", symbol, 0)).isEqualTo(now);
                    checked++;
                }
            }
        }
        assertThat(resyncs).as("the decoder's own checked books").isZero();
        assertThat(mismatches).isZero();
        assertThat(books).containsOnlyKeys(SYMBOLS);
        assertThat(normalized.silentDataMessages).isZero();
        assertThat(normalized.byType)
                .containsKeys("orderbook/BookSnapshot", "orderbook/BookDelta", "trade/Trade", "ticker/Ticker");
        assertThat(normalized.byType.get("orderbook/BookSnapshot")).isEqualTo(SYMBOLS.size());
        assertThat(normalized.eventsFromOtherMessages).isZero();
    }
}
