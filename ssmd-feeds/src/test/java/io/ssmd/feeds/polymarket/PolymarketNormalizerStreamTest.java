package io.ssmd.feeds.polymarket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.OrderBook;
import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.feeds.NormalizedMessages;
import io.ssmd.feeds.polymarket.replay.PolymarketReplayServer;
import io.ssmd.feeds.replay.WsTestClient;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The replay server's synthetic Polymarket market through decoder, normalizer and {@link OrderBook}: after every
 * {@code price_change}, each touched asset's book rebuilt from normalized books (best level last on the wire, first
 * once normalized) and deltas has the {@code best_bid} and {@code best_ask} the venue put on its last change.
 */
class PolymarketNormalizerStreamTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOKENS = PolymarketReplayServer.defaultInstruments();
    private static final int FRAMES = 5_000;

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void booksFromNormalizedEventsHaveTheVenuesBestBidAndAskAfterEveryChange() throws Exception {
        PolymarketDecoder decoder = PolymarketDecoder.create(
                ShardContext.of("prod", "polymarket", "polymarket-0", TOKENS), false, Map.of());
        NormalizedMessages normalized = new NormalizedMessages(new PolymarketNormalizer(), "polymarket");
        Map<String, OrderBook> books = new HashMap<>();
        int checked = 0;
        int resyncs = 0;
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 0, 9);
                WsTestClient client = server.client()) {
            PolymarketReplayServer.subscribeMessages(TOKENS).forEach(client::send);
            for (int i = 0; i < FRAMES; i++) {
                byte[] frame = client.next(WAIT).getBytes(StandardCharsets.UTF_8);
                Decoded decoded = decoder.decode(frame);
                resyncs += decoded.resyncs().size();
                for (Decoded.Routed message : decoded.messages()) {
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
                    for (MarketEvent event : events) {
                        if (event instanceof BookSnapshot snapshot) {
                            assertBestFirst(snapshot);
                            books.computeIfAbsent(event.instrument(), a -> OrderBook.unlimited())
                                    .apply(snapshot);
                        } else if (event instanceof BookDelta delta && books.containsKey(event.instrument())) {
                            books.get(event.instrument()).apply(delta);
                        }
                    }
                    if (NormalizedMessages.type(message.subject()).equals("price_change")) {
                        checked += checkTouches(message.payload(), books);
                    }
                }
            }
        }
        assertThat(resyncs).as("the decoder's own books").isZero();
        assertThat(books).containsOnlyKeys(TOKENS);
        assertThat(checked).isGreaterThan(FRAMES / 2);
        assertThat(normalized.silentDataMessages).isZero();
        assertThat(normalized.byType).containsKeys("orderbook/BookSnapshot", "orderbook/BookDelta", "trade/Trade");
    }

    /** Bids strictly falling, asks strictly rising: the venue's best-last lists turned round. */
    private static void assertBestFirst(BookSnapshot book) {
        for (int i = 1; i < book.bids().size(); i++) {
            assertThat(book.bids().get(i).price())
                    .isLessThan(book.bids().get(i - 1).price());
        }
        for (int i = 1; i < book.asks().size(); i++) {
            assertThat(book.asks().get(i).price())
                    .isGreaterThan(book.asks().get(i - 1).price());
        }
    }

    /** Each asset's last change names the touch after the whole message; the kept book must show it. */
    private static int checkTouches(byte[] payload, Map<String, OrderBook> books) throws Exception {
        Map<String, JsonNode> lastByAsset = new LinkedHashMap<>();
        for (JsonNode change : JSON.readTree(payload).get("price_changes")) {
            lastByAsset.put(change.get("asset_id").asText(), change);
        }
        int checked = 0;
        for (Map.Entry<String, JsonNode> last : lastByAsset.entrySet()) {
            OrderBook book = books.get(last.getKey());
            if (book == null || book.bestBid().isEmpty() || book.bestAsk().isEmpty()) {
                continue;
            }
            assertThat(book.bestBid().get().price())
                    .as("best bid of %s", last.getKey())
                    .isEqualByComparingTo(
                            new BigDecimal(last.getValue().get("best_bid").asText()));
            assertThat(book.bestAsk().get().price())
                    .as("best ask of %s", last.getKey())
                    .isEqualByComparingTo(
                            new BigDecimal(last.getValue().get("best_ask").asText()));
            checked++;
        }
        return checked;
    }
}
