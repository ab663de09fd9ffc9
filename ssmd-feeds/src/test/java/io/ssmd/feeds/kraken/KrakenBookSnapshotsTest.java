package io.ssmd.feeds.kraken;

import static io.ssmd.feeds.kraken.KrakenFeedFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.OrderBook;
import io.ssmd.core.model.SsmdBookSnapshot;
import io.ssmd.core.nats.OutboundMessage;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.shard.BookSnapshots;
import io.ssmd.core.shard.Decoded;
import io.ssmd.feeds.kraken.replay.KrakenSyntheticMarket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ssmd book snapshots of Kraken's checked books, on the decoder's real frames (the replay server's synthetic market,
 * right checksums): the seq a snapshot carries divides the stream into the messages it reflects and the later ones,
 * and the book equals the one a gateway builds from the same messages.
 */
class KrakenBookSnapshotsTest {

    private static final long NOW = 1_790_000_000_000_000L;
    private static final List<String> SYMBOLS = List.of("BTC/USD", "ETH/USD");
    private static final int DEPTH = 10;

    private final KrakenDecoder decoder =
            KrakenDecoder.create(KrakenFeedFixture.context(SYMBOLS), KrakenFeedFixture.settings(DEPTH, SYMBOLS));
    private final KrakenSyntheticMarket market = new KrakenSyntheticMarket(7);
    private final List<SsmdBookSnapshot> published = new ArrayList<>();
    private final BookSnapshots snapshots = new BookSnapshots("test", "kraken", published::add);
    /** What a gateway builds from every message published so far. */
    private final Map<String, OrderBook> gateway = new HashMap<>();

    private final KrakenNormalizer normalizer = new KrakenNormalizer();
    private long frames;

    /** Decodes a frame as the shard does: its messages, then the snapshot check after it. */
    private List<OutboundMessage> frame(String text) {
        Decoded decoded = decoder.decode(bytes(text));
        long number = ++frames;
        List<OutboundMessage> out = new ArrayList<>();
        for (Decoded.Routed routed : decoded.messages()) {
            out.add(new OutboundMessage(
                    routed.subject(), routed.payload(), "kraken", "kraken-0", 1, number, routed.element(), NOW));
            applyAtGateway(routed.subject(), routed.payload());
        }
        snapshots.afterFrame(decoder, decoded, out, NOW + number);
        return out;
    }

    private void applyAtGateway(String subject, byte[] payload) {
        String type = subject.split("\\.")[3];
        for (MarketEvent event : normalizer.normalize("kraken", type, payload)) {
            if (event instanceof BookSnapshot snapshot) {
                OrderBook book = OrderBook.withDepth(DEPTH);
                book.apply(snapshot);
                gateway.put(snapshot.instrument(), book);
            } else if (event instanceof BookDelta delta && gateway.containsKey(delta.instrument())) {
                gateway.get(delta.instrument()).apply(delta);
            }
        }
    }

    private static PublishOutcome stored(OutboundMessage message, long seq) {
        return new PublishOutcome(message, PublishOutcome.Status.STORED, seq, 1, "");
    }

    private List<OutboundMessage> snapshotsAndUpdates(int updates) {
        List<OutboundMessage> out = new ArrayList<>();
        for (String symbol : SYMBOLS) {
            out.addAll(frame(market.bookSnapshot(symbol, DEPTH, NOW)));
        }
        for (int i = 0; i < updates; i++) {
            out.addAll(frame(market.bookUpdate(List.of(SYMBOLS.get(i % 2)), NOW, false)));
        }
        return out;
    }

    @Test
    void aSnapshotCarriesTheSeqOfItsFramesLastMessageOnceAllAreStoredAndEqualsTheGatewaysBook() {
        List<OutboundMessage> before = snapshotsAndUpdates(40);
        snapshots.tick();
        List<OutboundMessage> marked = frame(market.bookUpdate(SYMBOLS, NOW, false));
        Map<String, List<BookSnapshot>> expected = new HashMap<>();
        gateway.forEach((symbol, book) -> expected.put(symbol, List.of(book.snapshot("kraken", symbol, 0))));
        // Later frames change the decoder's books; the snapshot is the copy taken after the marked frame.
        List<OutboundMessage> after = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            after.addAll(frame(market.bookUpdate(SYMBOLS, NOW, false)));
        }
        assertThat(snapshots.waiting()).isTrue();

        long seq = 0;
        for (OutboundMessage message : before) {
            snapshots.outcome(stored(message, ++seq));
        }
        for (OutboundMessage message : marked.subList(0, marked.size() - 1)) {
            snapshots.outcome(stored(message, ++seq));
        }
        assertThat(published).as("nothing before the marker's own ack").isEmpty();
        long markerSeq = ++seq;
        snapshots.outcome(stored(marked.get(marked.size() - 1), markerSeq));

        assertThat(published).hasSize(2);
        for (SsmdBookSnapshot snapshot : published) {
            assertThat(snapshot.seq()).isEqualTo(markerSeq);
            assertThat(List.of(snapshot.toEvent().withTs(0)))
                    .as(snapshot.instrument())
                    .isEqualTo(expected.get(snapshot.instrument()));
            assertThat(snapshot.bids()).hasSize(DEPTH);
            // The payload reads back as written.
            assertThat(SsmdBookSnapshot.fromJson(snapshot.toJson())).isEqualTo(snapshot);
        }
        for (OutboundMessage message : after) {
            snapshots.outcome(stored(message, ++seq));
        }
        assertThat(published).as("one copy per tick").hasSize(2);
    }

    @Test
    void aMarkerStoredByARetryOrBelowAnEarlierSeqPublishesNothingAndANewCopyIsTaken() {
        List<OutboundMessage> before = snapshotsAndUpdates(6);
        snapshots.tick();
        List<OutboundMessage> marked = frame(market.bookUpdate(SYMBOLS, NOW, false));
        long seq = 0;
        for (OutboundMessage message : before) {
            snapshots.outcome(stored(message, ++seq));
        }
        OutboundMessage marker = marked.get(marked.size() - 1);
        // Stored by its second attempt: later messages may have been stored before it, below its seq.
        snapshots.outcome(new PublishOutcome(marker, PublishOutcome.Status.STORED, ++seq, 2, ""));
        assertThat(published).isEmpty();

        // A new copy after the next frame; this time an earlier message was retried and landed above the marker.
        List<OutboundMessage> next = frame(market.bookUpdate(SYMBOLS, NOW, false));
        assertThat(snapshots.waiting()).isTrue();
        snapshots.outcome(stored(next.get(0), seq + 10));
        snapshots.outcome(stored(next.get(next.size() - 1), seq + 5));
        assertThat(published).isEmpty();

        // And the next clean one is published.
        List<OutboundMessage> third = frame(market.bookUpdate(SYMBOLS, NOW, false));
        long base = seq + 20;
        for (OutboundMessage message : third) {
            snapshots.outcome(stored(message, base + third.indexOf(message)));
        }
        assertThat(published).hasSize(2).allSatisfy(s -> assertThat(s.seq()).isEqualTo(base + third.size() - 1));
    }

    @Test
    void aResynchronizedBookIsPublishedOnceItChecksOutAgainWithoutWaitingForTheInterval() {
        List<OutboundMessage> before = snapshotsAndUpdates(4);
        long seq = 0;
        for (OutboundMessage message : before) {
            snapshots.outcome(stored(message, ++seq));
        }
        List<OutboundMessage> broken = frame(market.bookUpdate(List.of("ETH/USD"), NOW, true));
        assertThat(decoder.checking("ETH/USD")).isFalse();
        assertThat(snapshots.waiting()).isFalse();
        for (OutboundMessage message : broken) {
            snapshots.outcome(stored(message, ++seq));
        }
        List<OutboundMessage> again = frame(market.bookSnapshot("ETH/USD", DEPTH, NOW));
        assertThat(snapshots.waiting()).isTrue();
        for (OutboundMessage message : again) {
            snapshots.outcome(stored(message, ++seq));
        }
        assertThat(published).singleElement().satisfies(s -> {
            assertThat(s.instrument()).isEqualTo("ETH/USD");
            assertThat(List.of(s.toEvent().withTs(0)))
                    .isEqualTo(List.of(gateway.get("ETH/USD").snapshot("kraken", "ETH/USD", 0)));
        });
    }
}
