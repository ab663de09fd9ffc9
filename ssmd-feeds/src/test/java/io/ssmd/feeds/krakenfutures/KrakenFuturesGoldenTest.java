package io.ssmd.feeds.krakenfutures;

import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.bytes;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.subject;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.systemSubject;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.Decoded.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every frame of the Kraken Futures samples (exchanges/kraken-futures/messages.jsonl), in order, through one decoder
 * of a shard holding the samples' products: each line's kind, type and routing, and the totals; then the live frames
 * of the archive capture beside it.
 */
class KrakenFuturesGoldenTest {

    private static final List<String> INSTRUMENTS = List.of("PF_XBTUSD", "PF_ETHUSD", "PI_XBTUSD");

    /** What a line must decode to: kind, type, and the subject of each routed message in order. */
    private record Expected(Kind kind, String type, List<String> subjects) {}

    private static List<String> lines;
    private static List<Decoded> decoded;

    @BeforeAll
    static void decodeAll() {
        lines = KrakenFuturesTestServer.sampleLines();
        KrakenFuturesDecoder decoder = KrakenFuturesFixtures.decoder(INSTRUMENTS);
        decoded = new ArrayList<>();
        for (String line : lines) {
            decoded.add(decoder.decode(bytes(line)));
        }
    }

    private static final List<Expected> EXPECTED = List.of(
            /* 1 */ new Expected(Kind.SYSTEM, "info", List.of(systemSubject())),
            // Lines 2, 4 and 5 are the client's own requests, which the venue never sends.
            /* 2 */ new Expected(Kind.UNPARSED, "unparsed", List.of()),
            /* 3 */ new Expected(Kind.SYSTEM, "subscribed", List.of(systemSubject())),
            /* 4 */ new Expected(Kind.UNPARSED, "unparsed", List.of()),
            /* 5 */ new Expected(Kind.UNPARSED, "unparsed", List.of()),
            // The first heartbeat ack answers the subscription: published; later ones answer keepalives.
            /* 6 */ new Expected(Kind.SYSTEM, "subscribed", List.of(systemSubject())),
            /* 7 */ new Expected(Kind.HEARTBEAT, "heartbeat", List.of()),
            /* 8 */ new Expected(Kind.DATA, "ticker", List.of(subject("ticker", "PF_ETHUSD"))),
            /* 9 */ new Expected(Kind.DATA, "trade", List.of(subject("trade", "PF_XBTUSD"))),
            /* 10 */ new Expected(Kind.DATA, "ticker", List.of(subject("ticker", "PI_XBTUSD"))),
            /* 11 */ new Expected(
                    Kind.DATA, "trade", List.of(subject("trade", "PI_XBTUSD"), subject("trade", "PI_XBTUSD"))),
            /* 12 */ new Expected(Kind.DATA, "trade", List.of(subject("trade", "PI_XBTUSD"))),
            /* 13 */ new Expected(Kind.DATA, "orderbook", List.of(subject("orderbook", "PI_XBTUSD"))),
            /* 14 */ new Expected(Kind.DATA, "orderbook", List.of(subject("orderbook", "PI_XBTUSD"))));

    @Test
    void everyLineHasItsKindTypeAndRouting() {
        assertThat(lines).hasSize(EXPECTED.size());
        for (int i = 0; i < lines.size(); i++) {
            Decoded d = decoded.get(i);
            Expected expected = EXPECTED.get(i);
            String line = "line " + (i + 1) + ": " + lines.get(i);
            assertThat(d.kind()).as(line).isEqualTo(expected.kind());
            assertThat(d.type()).as(line).isEqualTo(expected.type());
            assertThat(d.messages())
                    .as(line)
                    .extracting(Decoded.Routed::subject)
                    .containsExactlyElementsOf(expected.subjects());
            assertThat(d.messages())
                    .as(line)
                    .extracting(Decoded.Routed::element)
                    .containsExactlyElementsOf(
                            IntStream.range(0, expected.subjects().size())
                                    .boxed()
                                    .toList());
            assertThat(d.rejections()).as(line).isEmpty();
            if (d.kind() == Kind.UNPARSED) {
                assertThat(d.reason()).as(line).contains("client request");
            }
        }
    }

    @Test
    void totalsPerKindAndType() {
        Map<String, Long> byKindAndType = decoded.stream()
                .collect(Collectors.groupingBy(d -> d.kind() + "/" + d.type(), TreeMap::new, Collectors.counting()));
        assertThat(byKindAndType)
                .containsExactlyEntriesOf(new TreeMap<>(Map.of(
                        "DATA/orderbook",
                        2L,
                        "DATA/ticker",
                        2L,
                        "DATA/trade",
                        3L,
                        "HEARTBEAT/heartbeat",
                        1L,
                        "SYSTEM/info",
                        1L,
                        "SYSTEM/subscribed",
                        2L,
                        "UNPARSED/unparsed",
                        3L)));
        Map<String, Long> messagesBySubject = decoded.stream()
                .flatMap(d -> d.messages().stream())
                .collect(Collectors.groupingBy(Decoded.Routed::subject, TreeMap::new, Collectors.counting()));
        assertThat(messagesBySubject)
                .containsExactlyEntriesOf(new TreeMap<>(Map.of(
                        systemSubject(),
                        3L,
                        subject("ticker", "PF_ETHUSD"),
                        1L,
                        subject("ticker", "PI_XBTUSD"),
                        1L,
                        subject("trade", "PF_XBTUSD"),
                        1L,
                        subject("trade", "PI_XBTUSD"),
                        3L,
                        subject("orderbook", "PI_XBTUSD"),
                        2L)));
    }

    @Test
    void singleEventFramesArePublishedByteForByte() {
        for (int i = 0; i < lines.size(); i++) {
            if (decoded.get(i).messages().size() == 1) {
                assertThat(text(decoded.get(i).messages().get(0).payload())).isEqualTo(lines.get(i));
            }
        }
    }

    /** Line 11: two trades, each the original envelope with only that trade, number text unchanged. */
    @Test
    void theTradeSnapshotIsSlicedIntoOneMessagePerTradeKeepingTheEnvelope() {
        List<String> payloads =
                decoded.get(10).messages().stream().map(m -> text(m.payload())).toList();
        String envelope = "{\"feed\":\"trade_snapshot\",\"product_id\":\"PI_XBTUSD\",\"trades\":[";
        assertThat(payloads)
                .containsExactly(
                        envelope
                                + "{\"feed\":\"trade\",\"product_id\":\"PI_XBTUSD\",\"uid\":\"caa9c653-420b-4c24-a9f1-462a054d86f1\","
                                + "\"side\":\"sell\",\"type\":\"fill\",\"seq\":655508,\"time\":1612269657781,\"qty\":440,\"price\":34893}]}",
                        envelope
                                + "{\"feed\":\"trade\",\"product_id\":\"PI_XBTUSD\",\"uid\":\"45ee9737-1877-4682-bc68-e4ef818ef88a\","
                                + "\"side\":\"sell\",\"type\":\"fill\",\"seq\":655507,\"time\":1612269656839,\"qty\":9643,\"price\":34891}]}");
        // Every payload byte comes from the line: the envelope, one element and the closing bytes.
        String line = lines.get(10);
        for (String payload : payloads) {
            String element = payload.substring(envelope.length(), payload.length() - 2);
            assertThat(line).startsWith(envelope).contains(element).endsWith("]}");
        }
    }

    /** Lines 8 and 10: exponent notation and trailing zeros survive, as they would not through a double. */
    @Test
    void numberTextIsUnchanged() {
        assertThat(text(decoded.get(9).messages().get(0).payload()))
                .contains("\"funding_rate\":-6.2604214e-11", "\"premium\":-0.0", "\"bid_size\":2536.0");
        assertThat(text(decoded.get(7).messages().get(0).payload())).contains("\"low\":1895.0");
    }

    /**
     * Lines 13 and 14 are documentation examples of a snapshot and a later delta, 21,885 seqs apart: to a connection
     * that is a gap, so the book is resynchronized once, by unsubscribing and subscribing its book.
     */
    @Test
    void theDocExamplesSeqJumpResynchronizesThatBook() {
        Map<Integer, Decoded> withResyncs = new TreeMap<>();
        for (int i = 0; i < decoded.size(); i++) {
            if (!decoded.get(i).resyncs().isEmpty()) {
                withResyncs.put(i + 1, decoded.get(i));
            }
        }
        assertThat(withResyncs).containsOnlyKeys(14);
        Decoded d = withResyncs.get(14);
        assertThat(d.resyncs())
                .containsExactly(new Decoded.Resync("PI_XBTUSD", "seq gap: expected 326072250, got 326094134"));
        assertThat(d.replies())
                .containsExactly(
                        "{\"event\":\"unsubscribe\",\"feed\":\"book\",\"product_ids\":[\"PI_XBTUSD\"]}",
                        "{\"event\":\"subscribe\",\"feed\":\"book\",\"product_ids\":[\"PI_XBTUSD\"]}");
        assertThat(decoded.stream().filter(x -> !x.replies().isEmpty()).count()).isEqualTo(1);
    }

    /**
     * The live frames of exchanges/kraken-futures/archive-capture.jsonl (tickers and trades of PF_XBTUSD and
     * PF_ETHUSD, February 2026): each one message on its product's subject, byte for byte, nothing unparsed.
     */
    @Test
    void everyLiveFrameOfTheArchiveCaptureIsRoutedByteForByte() {
        Path capture = Path.of(
                System.getProperty("ssmd.shared.dir", "../../shared"),
                "exchanges/kraken-futures/archive-capture.jsonl");
        Assumptions.assumeTrue(Files.exists(capture), "no archive capture at " + capture);
        List<String> captured = KrakenFuturesTestServer.readLines(capture);
        KrakenFuturesDecoder decoder = KrakenFuturesFixtures.decoder(INSTRUMENTS);
        Map<String, Long> bySubject = new TreeMap<>();
        for (String line : captured) {
            Decoded d = decoder.decode(bytes(line));
            assertThat(d.kind()).as(line).isEqualTo(Kind.DATA);
            assertThat(d.resyncs()).as(line).isEmpty();
            assertThat(d.messages())
                    .as(line)
                    .singleElement()
                    .satisfies(m -> assertThat(text(m.payload())).isEqualTo(line));
            bySubject.merge(d.messages().get(0).subject(), 1L, Long::sum);
        }
        assertThat(bySubject)
                .containsExactlyEntriesOf(new TreeMap<>(Map.of(
                        subject("ticker", "PF_ETHUSD"),
                        5L,
                        subject("ticker", "PF_XBTUSD"),
                        5L,
                        subject("trade", "PF_ETHUSD"),
                        7L,
                        subject("trade", "PF_XBTUSD"),
                        3L)));
    }
}
