package io.ssmd.feeds.polymarket;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.OrderBook;
import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.core.subject.Subjects;
import io.ssmd.feeds.polymarket.replay.PolymarketSyntheticMarket;
import io.ssmd.feeds.polymarket.replay.PolymarketUniverse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Polymarket's checked books, as the shard's ssmd book snapshots copy them, against the books the gateway builds from
 * the same messages, after every frame of the replay server's synthetic market; and the token each names.
 */
class PolymarketCheckedBookTest {

    @Test
    void everyCheckedBookIsTheGatewaysAfterEveryFrame() {
        List<String> tokens = PolymarketUniverse.tokens(8);
        PolymarketUniverse universe = PolymarketUniverse.of(tokens);
        PolymarketSyntheticMarket market = new PolymarketSyntheticMarket(universe, 7);
        PolymarketDecoder decoder = PolymarketDecoder.create(
                ShardContext.of("prod", "polymarket", "polymarket-0", tokens), false, Map.of());
        PolymarketNormalizer normalizer = new PolymarketNormalizer();
        Map<String, OrderBook> gateway = new HashMap<>();
        List<String> frames = new ArrayList<>();
        tokens.forEach(t -> frames.add(market.bookEvent(t, 1)));
        for (int i = 0; i < 2_000; i++) {
            market.step(tokens.get(i % tokens.size()), new HashSet<>(tokens), 2 + i, frames);
        }
        int compared = 0;
        for (String frame : frames) {
            Decoded decoded = decoder.decode(frame.getBytes(StandardCharsets.UTF_8));
            for (Decoded.Routed routed : decoded.messages()) {
                String type = routed.subject().split("\\.")[3];
                for (MarketEvent event : normalizer.normalize("polymarket", type, routed.payload())) {
                    if (event instanceof BookSnapshot snapshot) {
                        OrderBook book = OrderBook.unlimited();
                        book.apply(snapshot);
                        gateway.put(snapshot.instrument(), book);
                    } else if (event instanceof BookDelta delta && gateway.containsKey(delta.instrument())) {
                        gateway.get(delta.instrument()).apply(delta);
                    }
                }
            }
            for (String asset : decoder.checkedBooks()) {
                assertThat(decoder.checkedBook(asset).orElseThrow().withTs(0))
                        .as(asset + " after " + frame)
                        .isEqualTo(gateway.get(asset).snapshot("polymarket", asset, 0));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(1_000);
        for (String asset : tokens) {
            String condition = universe.marketOf(asset).orElseThrow().conditionId();
            assertThat(decoder.bookToken(asset)).isEqualTo(Subjects.token(condition));
        }
    }
}
