package io.ssmd.feeds.kraken;

import static io.ssmd.feeds.kraken.KrakenFeedFixture.bytes;
import static io.ssmd.feeds.kraken.KrakenFeedFixture.subject;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.Decoded.Kind;
import io.ssmd.feeds.kraken.replay.KrakenSyntheticMarket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoder's books against the replay server's synthetic market (frames with right checksums, and wrong ones on
 * demand) and against hand-made frames checksummed by the tests' independent client book.
 */
class KrakenBookValidationTest {

    private static final long NOW = 1_790_000_000_000_000L;
    private static final List<String> SYMBOLS = List.of("BTC/USD", "ETH/USD", "SOL/USD");

    private static KrakenDecoder decoder(int depth) {
        return KrakenDecoder.create(KrakenFeedFixture.context(SYMBOLS), KrakenFeedFixture.settings(depth, SYMBOLS));
    }

    private static Decoded decode(KrakenDecoder decoder, String frame) {
        Decoded decoded = decoder.decode(bytes(frame));
        assertThat(decoded.kind()).as(frame).isEqualTo(Kind.DATA);
        return decoded;
    }

    /** Snapshots of every symbol at {@code depth}, checked. */
    private static KrakenSyntheticMarket snapshotted(KrakenDecoder decoder, int depth) {
        KrakenSyntheticMarket market = new KrakenSyntheticMarket(11);
        for (String symbol : SYMBOLS) {
            assertThat(decode(decoder, market.bookSnapshot(symbol, depth, NOW)).resyncs())
                    .isEmpty();
            assertThat(decoder.checking(symbol)).isTrue();
        }
        return market;
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 25, 100})
    void thousandsOfRightUpdatesIncludingMultiSymbolFramesAllCheckOut(int depth) {
        KrakenDecoder decoder = decoder(depth);
        KrakenSyntheticMarket market = snapshotted(decoder, depth);
        int entries = 0;
        for (int i = 0; i < 3_000; i++) {
            List<String> symbols = i % 7 == 0 ? SYMBOLS : List.of(SYMBOLS.get(i % 3));
            Decoded update = decode(decoder, market.bookUpdate(symbols, NOW, false));
            Decoded traded = decode(
                    decoder, market.trades(symbols, s -> true, NOW, false).bookFrame());
            assertThat(update.resyncs()).isEmpty();
            assertThat(traded.resyncs()).isEmpty();
            assertThat(update.messages())
                    .extracting(Decoded.Routed::subject)
                    .containsExactlyElementsOf(
                            symbols.stream().map(s -> subject("orderbook", s)).toList());
            entries += update.messages().size() + traded.messages().size();
        }
        assertThat(entries).isGreaterThan(6_000);
        SYMBOLS.forEach(s -> assertThat(decoder.checking(s)).isTrue());
    }

    @Test
    void aWrongChecksumResyncsThatBookOnceUntilItsNewSnapshotThenItIsCheckedAgain() {
        KrakenDecoder decoder = decoder(10);
        KrakenSyntheticMarket market = snapshotted(decoder, 10);

        // The fault hits the frame's first entry: BTC/USD's checksum is wrong, ETH/USD's right.
        Decoded broken = decode(decoder, market.bookUpdate(List.of("BTC/USD", "ETH/USD"), NOW, true));
        assertThat(broken.messages()).hasSize(2);
        assertThat(broken.resyncs()).singleElement().satisfies(r -> {
            assertThat(r.instrument()).isEqualTo("BTC/USD");
            assertThat(r.reason()).startsWith("checksum mismatch");
        });
        assertThat(broken.replies())
                .containsExactly(
                        "{\"method\":\"unsubscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"BTC/USD\"],\"depth\":10},"
                                + "\"req_id\":4}",
                        "{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"BTC/USD\"],\"depth\":10,"
                                + "\"snapshot\":true},\"req_id\":5}");
        assertThat(decoder.checking("BTC/USD")).isFalse();
        assertThat(decoder.checking("ETH/USD")).isTrue();

        // Before the new snapshot: BTC/USD updates, even wrong or unreadable ones, are published, not checked again.
        for (int i = 0; i < 50; i++) {
            Decoded update = decode(decoder, market.bookUpdate(List.of("BTC/USD"), NOW, i % 5 == 0));
            assertThat(update.resyncs()).isEmpty();
            assertThat(update.replies()).isEmpty();
            assertThat(update.messages())
                    .extracting(Decoded.Routed::subject)
                    .containsExactly(subject("orderbook", "BTC/USD"));
        }
        assertThat(decode(
                                decoder,
                                "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\","
                                        + "\"bids\":[{\"price\":\"x\"}],\"asks\":[],\"checksum\":1}]}")
                        .resyncs())
                .isEmpty();
        // The other books are still checked.
        assertThat(decode(decoder, market.bookUpdate(List.of("ETH/USD"), NOW, true))
                        .resyncs())
                .extracting(Decoded.Resync::instrument)
                .containsExactly("ETH/USD");

        // The fresh snapshot: checked, and the updates after it are checked again.
        assertThat(decode(decoder, market.bookSnapshot("BTC/USD", 10, NOW)).resyncs())
                .isEmpty();
        assertThat(decoder.checking("BTC/USD")).isTrue();
        for (int i = 0; i < 200; i++) {
            assertThat(decode(decoder, market.bookUpdate(List.of("BTC/USD"), NOW, false))
                            .resyncs())
                    .isEmpty();
        }
        assertThat(decode(decoder, market.bookUpdate(List.of("BTC/USD"), NOW, true))
                        .resyncs())
                .extracting(Decoded.Resync::instrument)
                .containsExactly("BTC/USD");
    }

    @Test
    void aSnapshotWithAWrongChecksumIsABrokenBookToo() throws IOException {
        KrakenDecoder decoder = decoder(10);
        String docsExample = KrakenChecksumTest.sampleLines().get(10);
        Decoded decoded = decode(decoder, docsExample.replace("\"checksum\":3310070434", "\"checksum\":3310070435"));
        assertThat(decoded.resyncs()).extracting(Decoded.Resync::instrument).containsExactly("BTC/USD");
        assertThat(decoded.replies()).hasSize(2);
        assertThat(decode(decoder, docsExample).resyncs()).isEmpty();
        assertThat(decoder.checking("BTC/USD")).isTrue();
    }

    @Test
    void severalBrokenBooksInOneFrameAreResubscribedInOneRequestPair() throws IOException {
        KrakenDecoder decoder = decoder(10);
        String btc = KrakenChecksumTest.sampleLines().get(10);
        decode(decoder, btc);
        decode(decoder, btc.replace("BTC/USD", "ETH/USD"));
        String wrong = "{\"symbol\":\"%s\",\"bids\":[{\"price\":45283.5,\"qty\":0.2}],\"asks\":[],\"checksum\":1}";
        Decoded decoded = decode(
                decoder,
                "{\"channel\":\"book\",\"type\":\"update\",\"data\":[" + wrong.formatted("BTC/USD") + ","
                        + wrong.formatted("ETH/USD") + "]}");
        assertThat(decoded.resyncs()).extracting(Decoded.Resync::instrument).containsExactly("BTC/USD", "ETH/USD");
        assertThat(decoded.replies())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r).contains("\"symbol\":[\"BTC/USD\",\"ETH/USD\"]"));
    }

    @Test
    void unreadableLevelsBreakACheckedBook() throws IOException {
        KrakenDecoder decoder = decoder(10);
        decode(decoder, KrakenChecksumTest.sampleLines().get(10));
        Decoded decoded = decode(
                decoder,
                "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\","
                        + "\"bids\":[{\"price\":45283.5}],\"asks\":[],\"checksum\":1}]}");
        assertThat(decoded.resyncs())
                .singleElement()
                .satisfies(r -> assertThat(r.reason()).isEqualTo("book levels not readable"));
    }

    /**
     * Kraken sends no delete for a level pushed beyond the depth. Here 45276.6 is pushed out by an insert and then
     * leaves the venue's book unseen; when the insert goes, 45276.0 comes into range. A book that did not truncate
     * would bring 45276.6 back into its top 10 and fail the checksum.
     */
    @Test
    void eachSideIsTruncatedToTheDepthAfterEveryUpdate() throws IOException {
        KrakenDecoder decoder = decoder(10);
        ClientBook reference = new ClientBook(10);
        String snapshot = KrakenChecksumTest.sampleLines().get(10);
        reference.apply(ClientBook.entries(snapshot).get(0), true);
        decode(decoder, snapshot);
        List<String> updates = new ArrayList<>();
        updates.add(checksummed(reference, "{\"price\":45283.6,\"qty\":1.00000000}"));
        updates.add(checksummed(reference, "{\"price\":45283.6,\"qty\":0.00000000},{\"price\":45276.0,\"qty\":0.5}"));
        for (String update : updates) {
            assertThat(decode(decoder, update).resyncs()).as(update).isEmpty();
        }
        assertThat(decoder.checking("BTC/USD")).isTrue();
    }

    /** A BTC/USD update with these bid levels and the checksum the independent client book computes after it. */
    private static String checksummed(ClientBook reference, String bids) {
        String frame = "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[" + bids
                + "],\"asks\":[],\"checksum\":0,\"timestamp\":\"2026-11-20T14:15:00.000001Z\"}]}";
        long checksum = reference.apply(ClientBook.entries(frame).get(0), false);
        return frame.replace("\"checksum\":0", "\"checksum\":" + checksum);
    }
}
