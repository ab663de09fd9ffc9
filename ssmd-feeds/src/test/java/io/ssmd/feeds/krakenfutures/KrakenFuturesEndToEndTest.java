package io.ssmd.feeds.krakenfutures;

import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.subject;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.systemSubject;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.WAIT;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.Decoded.Kind;
import io.ssmd.feeds.krakenfutures.KrakenFuturesLocalBook.State;
import io.ssmd.feeds.replay.WsTestClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector's frames against the replay server over a real WebSocket (the JDK client as transport): what
 * {@link KrakenFuturesFeed#subscribe} sends, every frame received through one {@link KrakenFuturesDecoder}.
 */
class KrakenFuturesEndToEndTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final List<String> INSTRUMENTS = List.of("PF_XBTUSD", "PF_ETHUSD", "PF_SOLUSD");
    /** Fast enough for thousands of frames in about a second, bounded so the test client's queue stays small. */
    private static final int RATE = 5_000;

    @TempDir
    Path dir;

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    /** What a run of frames decoded to. */
    private static final class Tally {
        final Map<String, Integer> byKindAndType = new TreeMap<>();
        final List<String> unparsed = new ArrayList<>();
        final List<Decoded.Resync> resyncs = new ArrayList<>();
        final Set<String> subjects = new TreeSet<>();

        void add(String frame, Decoded decoded) {
            byKindAndType.merge(decoded.kind() + "/" + decoded.type(), 1, Integer::sum);
            if (decoded.kind() == Kind.UNPARSED) {
                unparsed.add(decoded.reason() + ": " + frame);
            }
            resyncs.addAll(decoded.resyncs());
            decoded.messages().forEach(m -> subjects.add(m.subject()));
        }

        int count(String kindAndType) {
            return byKindAndType.getOrDefault(kindAndType, 0);
        }
    }

    @Test
    void thousandsOfFramesDecodeCleanlyThenASkippedSeqResyncsExactlyThatBook() throws Exception {
        try (KrakenFuturesTestServer server =
                KrakenFuturesTestServer.start(TESTKIT.system(), KrakenFuturesTestServer.synthetic(RATE))) {
            EnabledFeed shipped = KrakenFuturesFixtures.shippedFeed(dir, INSTRUMENTS);
            KrakenFuturesFeed feed = KrakenFuturesFeed.create(KrakenFuturesFixtures.withDefinition(
                    shipped,
                    KrakenFuturesFixtures.withWebsocket(
                            shipped.definition(), URI.create("ws://127.0.0.1:" + server.port() + "/ws/v1"))));
            KrakenFuturesDecoder decoder =
                    (KrakenFuturesDecoder) feed.decoder(KrakenFuturesFixtures.shard(INSTRUMENTS));
            WsTestClient client = server.client();
            feed.subscribe(INSTRUMENTS).forEach(client::send);

            // 1. A clean stream: nothing unparsed, no resync, every frame where it belongs.
            Tally clean = new Tally();
            for (int i = 0; i < 5_000; i++) {
                String frame = client.next(WAIT);
                clean.add(frame, decoder.decode(KrakenFuturesFixtures.bytes(frame)));
            }
            assertThat(clean.unparsed).isEmpty();
            assertThat(clean.resyncs).isEmpty();
            assertThat(clean.count("SYSTEM/subscribed")).isEqualTo(4);
            assertThat(clean.count("DATA/orderbook")).isGreaterThan(1_000);
            assertThat(clean.count("DATA/trade")).isGreaterThan(500);
            assertThat(clean.count("DATA/ticker")).isGreaterThan(500);
            Set<String> expectedSubjects = new TreeSet<>(List.of(systemSubject()));
            for (String product : INSTRUMENTS) {
                for (String type : List.of("orderbook", "trade", "ticker")) {
                    expectedSubjects.add(subject(type, product));
                }
                assertThat(decoder.book(product).orElseThrow().state()).isEqualTo(State.SYNCED);
            }
            assertThat(clean.subjects).isEqualTo(expectedSubjects);

            // 2. One book delta skips a seq: exactly that product's book is resynchronized, once.
            server.faults().skipSeq().add(1);
            String gapFrame = null;
            Decoded gap = null;
            Tally untilGap = new Tally();
            while (gap == null) {
                String frame = client.next(WAIT);
                Decoded decoded = decoder.decode(KrakenFuturesFixtures.bytes(frame));
                untilGap.add(frame, decoded);
                if (!decoded.resyncs().isEmpty()) {
                    gapFrame = frame;
                    gap = decoded;
                }
            }
            JsonNode gapDelta = parse(gapFrame);
            String broken = gapDelta.get("product_id").asText();
            long gapSeq = gapDelta.get("seq").asLong();
            assertThat(gapDelta.get("feed").asText()).isEqualTo("book");
            assertThat(gap.resyncs())
                    .containsExactly(
                            new Decoded.Resync(broken, "seq gap: expected " + (gapSeq - 1) + ", got " + gapSeq));
            assertThat(gap.replies())
                    .containsExactly(
                            "{\"event\":\"unsubscribe\",\"feed\":\"book\",\"product_ids\":[\"" + broken + "\"]}",
                            "{\"event\":\"subscribe\",\"feed\":\"book\",\"product_ids\":[\"" + broken + "\"]}");
            assertThat(untilGap.resyncs).hasSize(1);
            assertThat(decoder.book(broken).orElseThrow().state()).isEqualTo(State.RESYNCING);

            // 3. The replies go to the venue; its fresh snapshot brings the checks back.
            gap.replies().forEach(client::send);
            Tally resyncing = new Tally();
            String snapshot;
            do {
                snapshot = client.next(WAIT);
                resyncing.add(snapshot, decoder.decode(KrakenFuturesFixtures.bytes(snapshot)));
            } while (!(snapshot.startsWith("{\"feed\":\"book_snapshot\"") && snapshot.contains("\"" + broken + "\"")));
            assertThat(resyncing.resyncs).isEmpty();
            assertThat(resyncing.unparsed).isEmpty();
            assertThat(resyncing.count("SYSTEM/unsubscribed")).isEqualTo(1);
            assertThat(resyncing.count("SYSTEM/subscribed")).isEqualTo(1);
            assertThat(decoder.book(broken).orElseThrow().state()).isEqualTo(State.SYNCED);
            long snapshotSeq = parse(snapshot).get("seq").asLong();

            Tally after = new Tally();
            for (int i = 0; i < 2_000; i++) {
                String frame = client.next(WAIT);
                after.add(frame, decoder.decode(KrakenFuturesFixtures.bytes(frame)));
            }
            assertThat(after.unparsed).isEmpty();
            assertThat(after.resyncs).isEmpty();
            KrakenFuturesLocalBook book = decoder.book(broken).orElseThrow();
            assertThat(book.state()).isEqualTo(State.SYNCED);
            // Deltas of the resubscribed book were checked and applied again: its seq moved on from the snapshot's.
            assertThat(book.seq()).isGreaterThan(snapshotSeq);
            assertThat(INSTRUMENTS.stream()
                            .map(p -> decoder.book(p).orElseThrow().state())
                            .collect(Collectors.toSet()))
                    .containsOnly(State.SYNCED);
        }
    }
}
