package io.ssmd.feeds.polymarket;

import static io.ssmd.feeds.polymarket.PolymarketDecoderTest.A;
import static io.ssmd.feeds.polymarket.PolymarketDecoderTest.B;
import static io.ssmd.feeds.polymarket.PolymarketDecoderTest.MARKET;
import static io.ssmd.feeds.polymarket.PolymarketDecoderTest.decoder;
import static io.ssmd.feeds.polymarket.PolymarketGoldenTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.shard.Decoded;
import org.junit.jupiter.api.Test;

/** Books kept per asset from snapshots and absolute price changes, checked against each change's best bid and ask. */
class PolymarketBookValidationTest {

    /** A's book: bids 0.48, 0.49, 0.50 (best last), asks 0.54, 0.53, 0.52 (best last). */
    private static final String BOOK_A = "{\"event_type\":\"book\",\"asset_id\":\"" + A + "\",\"market\":\"" + MARKET
            + "\",\"bids\":[{\"price\":\"0.48\",\"size\":\"30\"},{\"price\":\"0.49\",\"size\":\"20\"},"
            + "{\"price\":\"0.50\",\"size\":\"15\"}],\"asks\":[{\"price\":\"0.54\",\"size\":\"10\"},"
            + "{\"price\":\"0.53\",\"size\":\"60\"},{\"price\":\"0.52\",\"size\":\"25\"}],\"timestamp\":\"1\","
            + "\"hash\":\"h\"}";

    private static String change(String asset, String price, String size, String side, String bestBid, String bestAsk) {
        return "{\"asset_id\":\"" + asset + "\",\"price\":\"" + price + "\",\"size\":\"" + size + "\",\"side\":\""
                + side + "\",\"hash\":\"o\",\"best_bid\":\"" + bestBid + "\",\"best_ask\":\"" + bestAsk + "\"}";
    }

    private static String priceChange(String... changes) {
        return "{\"event_type\":\"price_change\",\"market\":\"" + MARKET + "\",\"price_changes\":["
                + String.join(",", changes) + "],\"timestamp\":\"2\"}";
    }

    @Test
    void sizesAreAbsoluteZeroRemovesAndTheTopFollows() {
        PolymarketDecoder decoder = decoder();
        decoder.decode(bytes(BOOK_A));
        // The best bid goes (size 0): the next one, 0.49, is the top. Decimal text "0.5" is the level "0.50".
        assertThat(decoder.decode(bytes(priceChange(change(A, "0.5", "0", "BUY", "0.49", "0.52"))))
                        .resyncs())
                .isEmpty();
        // A new best ask inside the spread; then its size is SET (not added) to 7.
        assertThat(decoder.decode(bytes(priceChange(change(A, "0.51", "40", "SELL", "0.49", "0.51"))))
                        .resyncs())
                .isEmpty();
        assertThat(decoder.decode(bytes(priceChange(change(A, "0.51", "7", "SELL", "0.49", "0.51"))))
                        .resyncs())
                .isEmpty();
        assertThat(decoder.decode(bytes(priceChange(change(A, "0.51", "0", "SELL", "0.49", "0.520"))))
                        .resyncs())
                .isEmpty();
        assertThat(decoder.checking(A)).isTrue();
    }

    @Test
    void aMismatchResynchronizesThatAssetOnceAndTheNextBookChecksAgain() {
        PolymarketDecoder decoder = decoder();
        decoder.decode(bytes(BOOK_A));
        String bBook = BOOK_A.replace("\"asset_id\":\"" + A, "\"asset_id\":\"" + B);
        decoder.decode(bytes(bBook));

        // One frame touching both assets: A's best bid disagrees (the venue says 0.495, the kept book 0.50); B agrees.
        String frame = priceChange(
                change(A, "0.47", "5", "BUY", "0.495", "0.52"), change(B, "0.47", "5", "BUY", "0.5", "0.52"));
        Decoded decoded = decoder.decode(bytes(frame));

        assertThat(decoded.messages())
                .singleElement()
                .satisfies(m -> assertThat(m.payload()).isEqualTo(bytes(frame)));
        assertThat(decoded.resyncs()).singleElement().satisfies(r -> {
            assertThat(r.instrument()).isEqualTo(A);
            assertThat(r.reason())
                    .isEqualTo("best_bid mismatch: Polymarket 0.495, local book 0.50 (market " + MARKET + ")");
        });
        assertThat(decoded.replies())
                .containsExactly(
                        "{\"operation\":\"unsubscribe\",\"assets_ids\":[\"" + A + "\"]}",
                        "{\"operation\":\"subscribe\",\"assets_ids\":[\"" + A
                                + "\"],\"initial_dump\":true,\"custom_feature_enabled\":false}");
        assertThat(decoder.checking(A)).isFalse();
        assertThat(decoder.checking(B)).isTrue();

        // Until A's next book its changes are published, not checked, and not reported again.
        Decoded unchecked = decoder.decode(bytes(priceChange(change(A, "0.47", "5", "BUY", "0.9", "0.95"))));
        assertThat(unchecked.resyncs()).isEmpty();
        assertThat(unchecked.replies()).isEmpty();
        assertThat(unchecked.messages()).hasSize(1);

        // The fresh snapshot (in an initial-dump array) brings the checks back.
        decoder.decode(bytes("[" + BOOK_A + "]"));
        assertThat(decoder.checking(A)).isTrue();
        assertThat(decoder.decode(bytes(priceChange(change(A, "0.47", "5", "BUY", "0.49", "0.52"))))
                        .resyncs())
                .singleElement()
                .satisfies(r -> assertThat(r.reason()).startsWith("best_bid mismatch"));
    }

    @Test
    void aWrongBestAskIsAMismatchToo() {
        PolymarketDecoder decoder = decoder();
        decoder.decode(bytes(BOOK_A));
        Decoded decoded = decoder.decode(bytes(priceChange(change(A, "0.53", "0", "SELL", "0.5", "0.53"))));
        assertThat(decoded.resyncs())
                .singleElement()
                .satisfies(
                        r -> assertThat(r.reason()).startsWith("best_ask mismatch: Polymarket 0.53, local book 0.52"));
    }

    @Test
    void changesWithoutASnapshotMissingBestsOrEmptySidesBreakNothing() {
        PolymarketDecoder decoder = decoder();
        // No snapshot on this connection yet: nothing to check against.
        assertThat(decoder.decode(bytes(priceChange(change(A, "0.5", "1", "BUY", "0.9", "0.95"))))
                        .resyncs())
                .isEmpty();
        decoder.decode(bytes(BOOK_A));
        // best_bid/best_ask missing or empty: checks nothing.
        String noBests = "{\"event_type\":\"price_change\",\"market\":\"" + MARKET + "\",\"price_changes\":[{"
                + "\"asset_id\":\"" + A + "\",\"price\":\"0.47\",\"size\":\"1\",\"side\":\"BUY\",\"best_bid\":\"\"}]}";
        assertThat(decoder.decode(bytes(noBests)).resyncs()).isEmpty();
        // Every ask removed: an empty side agrees with "0" (the venue documents no text for none).
        for (String price : new String[] {"0.52", "0.53"}) {
            assertThat(decoder.decode(bytes(priceChange(
                                    change(A, price, "0", "SELL", "0.5", price.equals("0.52") ? "0.53" : "0.54"))))
                            .resyncs())
                    .isEmpty();
        }
        assertThat(decoder.decode(bytes(priceChange(change(A, "0.54", "0", "SELL", "0.5", "0"))))
                        .resyncs())
                .isEmpty();
        assertThat(decoder.checking(A)).isTrue();
    }

    @Test
    void unreadableLevelsBreakTheBook() {
        PolymarketDecoder decoder = decoder();
        decoder.decode(bytes(BOOK_A));
        Decoded decoded = decoder.decode(bytes(priceChange(change(A, "half", "1", "BUY", "0.5", "0.52"))));
        assertThat(decoded.messages()).hasSize(1);
        assertThat(decoded.resyncs())
                .singleElement()
                .satisfies(r -> assertThat(r.reason()).startsWith("price_changes entry not readable"));
        Decoded badBook = decoder.decode(bytes(BOOK_A.replace("\"0.48\"", "\"x\"")));
        assertThat(badBook.type()).isEqualTo("book");
        assertThat(badBook.resyncs())
                .singleElement()
                .satisfies(r -> assertThat(r.reason()).startsWith("book levels not readable"));
    }

    @Test
    void assetsOutsideTheShardAreNeitherCheckedNorResubscribed() {
        PolymarketDecoder decoder = decoder();
        decoder.decode(bytes(BOOK_A.replace("\"asset_id\":\"" + A, "\"asset_id\":\"999")));
        assertThat(decoder.decode(bytes(priceChange(change("999", "0.47", "5", "BUY", "0.9", "0.95"))))
                        .resyncs())
                .isEmpty();
    }
}
