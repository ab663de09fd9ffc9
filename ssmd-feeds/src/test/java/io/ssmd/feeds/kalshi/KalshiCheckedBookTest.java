package io.ssmd.feeds.kalshi;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.OrderBook;
import io.ssmd.core.shard.Decoded;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Kalshi's checked book, as the shard's ssmd book snapshot copies it, equals the book the gateway builds from the same
 * messages: the real snapshot and delta of exchanges/kalshi/messages.jsonl, then deltas that write a level's price
 * with other digits and change the NO side (asks at 1 − p).
 */
class KalshiCheckedBookTest {

    private static final String TICKER = "KXGOLDH-26AUG2711-T4615.99";

    private final KalshiDecoder decoder = KalshiDecoderGoldenTest.decoder(List.of(TICKER));
    private final KalshiNormalizer normalizer = new KalshiNormalizer();
    private OrderBook gateway;

    private void frame(String text) {
        Decoded decoded = decoder.decode(text.getBytes(StandardCharsets.UTF_8));
        for (Decoded.Routed routed : decoded.messages()) {
            for (MarketEvent event : normalizer.normalize("kalshi", "orderbook", routed.payload())) {
                if (event instanceof BookSnapshot snapshot) {
                    gateway = OrderBook.unlimited();
                    gateway.apply(snapshot);
                } else if (event instanceof BookDelta delta) {
                    gateway.apply(delta);
                }
            }
        }
    }

    private static String delta(int seq, String side, String price, String change) {
        return "{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":" + seq + ",\"msg\":{\"market_ticker\":\"" + TICKER
                + "\",\"price_dollars\":\"" + price + "\",\"delta_fp\":\"" + change + "\",\"side\":\"" + side
                + "\",\"ts_ms\":1787838983996}}";
    }

    private BookSnapshot checked() {
        return decoder.checkedBook(TICKER).orElseThrow().withTs(0);
    }

    @Test
    void theCheckedBookIsTheGatewaysBookLevelForLevelAndDigitForDigit() {
        frame(KalshiTestServer.sampleLine(2));
        frame(KalshiTestServer.sampleLine(3));
        assertThat(decoder.checkedBooks()).containsExactly(TICKER);
        assertThat(checked()).isEqualTo(gateway.snapshot("kalshi", TICKER, 0));
        assertThat(checked().bids())
                .singleElement()
                .satisfies(l -> assertThat(l.size()).hasToString("1420.00"));

        frame(delta(3, "yes", "0.01", "5.00"));
        frame(delta(4, "no", "0.0300", "40.00"));
        frame(delta(5, "no", "0.02", "-2500.00"));
        frame(delta(6, "yes", "0.0400", "7"));
        assertThat(checked()).isEqualTo(gateway.snapshot("kalshi", TICKER, 0));
        assertThat(checked().bids().get(1).price())
                .as("the latest wire text of the level")
                .hasToString("0.01");
        assertThat(checked().asks()).extracting(l -> l.price().toPlainString()).containsExactly("0.9700", "0.9900");

        // A delta that leaves a negative size breaks the book: it is no longer checked, so never snapshotted.
        frame(delta(7, "yes", "0.0400", "-8"));
        assertThat(decoder.checkedBooks()).isEmpty();
        assertThat(decoder.checkedBook(TICKER)).isEmpty();
    }
}
