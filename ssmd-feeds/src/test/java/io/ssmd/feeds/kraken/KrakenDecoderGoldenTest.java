package io.ssmd.feeds.kraken;

import static io.ssmd.feeds.kraken.KrakenFeedFixture.subject;
import static io.ssmd.feeds.kraken.KrakenFeedFixture.system;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.Decoded.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every frame of exchanges/kraken/messages.jsonl through one decoder, in order, as one connection would see them:
 * each line's kind, type and routing, and the totals.
 */
class KrakenDecoderGoldenTest {

    /** What one line must decode to: kind, counted type, subjects of its messages, rejections. */
    private record Expected(Kind kind, String type, List<String> subjects, List<Decoded.Rejection> rejections) {}

    private static Expected expect(Kind kind, String type, String... subjects) {
        return new Expected(kind, type, List.of(subjects), List.of());
    }

    private static final List<Expected> EXPECTED = List.of(
            /* 1 status */ expect(Kind.SYSTEM, "status", system()),
            /* 2 book update, its snapshot not captured: routed, nothing to check it against */
            expect(Kind.DATA, "orderbook", subject("orderbook", "BTC/USD")),
            /* 3 */ expect(Kind.HEARTBEAT, "heartbeat"),
            /* 4 depth refused: whole request, no symbol, no req_id: no instrument to name */
            expect(Kind.SYSTEM, "error", system()),
            /* 5 */ expect(Kind.SYSTEM, "status", system()),
            /* 6 ticker ack */ expect(Kind.SYSTEM, "subscribe", system()),
            /* 7 refused symbol */ new Expected(
                    Kind.SYSTEM,
                    "error",
                    List.of(system()),
                    List.of(new Decoded.Rejection("NOPE/USD", "Currency pair not supported NOPE/USD"))),
            /* 8 */ expect(Kind.DATA, "ticker", subject("ticker", "USDT/USD")),
            /* 9 */ expect(Kind.HEARTBEAT, "heartbeat"),
            /* 10 the client's subscribe request: Kraken never sends one */ expect(Kind.UNPARSED, "unparsed"),
            /* 11 the docs' checksum example: a snapshot whose checksum checks */
            expect(Kind.DATA, "orderbook", subject("orderbook", "BTC/USD")),
            /* 12 isolated update of a book never snapshotted */
            expect(Kind.DATA, "orderbook", subject("orderbook", "MATIC/USD")),
            /* 13 */ expect(Kind.DATA, "trade", subject("trade", "MATIC/USD")),
            /* 14 the client's ping */ expect(Kind.UNPARSED, "unparsed"),
            /* 15 */ expect(Kind.PONG, "pong"),
            /* 16 */ expect(Kind.HEARTBEAT, "heartbeat"));

    @Test
    void everySampleLineDecodesToItsKindTypeAndSubjects() throws IOException {
        List<String> lines = KrakenChecksumTest.sampleLines();
        assertThat(lines).hasSize(EXPECTED.size());
        KrakenDecoder decoder = KrakenFeedFixture.decoder(List.of("BTC/USD", "USDT/USD", "MATIC/USD"));
        Map<String, Integer> totals = new TreeMap<>();
        List<Decoded.Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            byte[] frame = lines.get(i).getBytes(StandardCharsets.UTF_8);
            Decoded decoded = decoder.decode(frame);
            Expected expected = EXPECTED.get(i);
            String line = "line " + (i + 1) + ": " + lines.get(i);
            assertThat(decoded.kind()).as(line).isEqualTo(expected.kind());
            assertThat(decoded.type()).as(line).isEqualTo(expected.type());
            assertThat(decoded.messages())
                    .as(line)
                    .extracting(Decoded.Routed::subject)
                    .containsExactlyElementsOf(expected.subjects());
            assertThat(decoded.rejections()).as(line).containsExactlyElementsOf(expected.rejections());
            assertThat(decoded.resyncs()).as(line).isEmpty();
            assertThat(decoded.replies()).as(line).isEmpty();
            // Every line holds one event at most: its message is the frame itself, byte for byte.
            for (Decoded.Routed routed : decoded.messages()) {
                assertThat(routed.payload()).as(line).isEqualTo(frame);
                assertThat(routed.element()).isZero();
            }
            if (decoded.kind() == Kind.UNPARSED) {
                assertThat(decoded.reason()).as(line).isNotEmpty();
            }
            totals.merge(decoded.kind() + " " + decoded.type(), 1, Integer::sum);
            rejections.addAll(decoded.rejections());
        }
        assertThat(totals)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "DATA orderbook",
                        3,
                        "DATA ticker",
                        1,
                        "DATA trade",
                        1,
                        "SYSTEM status",
                        2,
                        "SYSTEM subscribe",
                        1,
                        "SYSTEM error",
                        2,
                        "HEARTBEAT heartbeat",
                        3,
                        "PONG pong",
                        1,
                        "UNPARSED unparsed",
                        2));
        assertThat(rejections).hasSize(1);
        // The docs' worked example checked out: the book is followed from it on.
        assertThat(decoder.checking("BTC/USD")).isTrue();
        assertThat(decoder.checking("MATIC/USD")).isFalse();
    }

    @Test
    void everyPrefixOfEverySampleLineDecodesWithoutThrowing() throws IOException {
        KrakenDecoder decoder = KrakenFeedFixture.decoder(List.of("BTC/USD"));
        int unparsed = 0;
        int prefixes = 0;
        for (String line : KrakenChecksumTest.sampleLines()) {
            byte[] frame = line.getBytes(StandardCharsets.UTF_8);
            for (int length = 0; length < frame.length; length++) {
                byte[] prefix = Arrays.copyOf(frame, length);
                Decoded decoded = decoder.decode(prefix);
                prefixes++;
                if (decoded.kind() == Kind.UNPARSED) {
                    unparsed++;
                }
            }
        }
        // A cut frame is never whole JSON: every one of them is unparsed, none is routed.
        assertThat(unparsed).isEqualTo(prefixes);
    }
}
