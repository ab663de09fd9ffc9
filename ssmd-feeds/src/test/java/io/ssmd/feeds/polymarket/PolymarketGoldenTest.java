package io.ssmd.feeds.polymarket;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.Decoded.Kind;
import io.ssmd.core.shard.ShardContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every frame of the Polymarket samples (exchanges/polymarket/messages.jsonl, a copy in the test resources) and of the
 * archive capture beside them, through the decoder: each line's kind, type and subject, the totals, and array frames
 * made of those events split into byte-identical slices.
 */
class PolymarketGoldenTest {

    private static final Pattern ASSET = Pattern.compile("\"asset_id\":\"([0-9]+)\"");

    /** What a line decodes to: kind, type, and the subject of its one message (null: none). */
    private record Expected(Kind kind, String type, String subject) {}

    private static final String M1 = "0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917";

    private static final List<Expected> EXPECTED = List.of(
            /* 1 */ data("book", M1),
            /* 2 */ data("last_trade_price", M1),
            // Lines 3 and 5 are retired price_change schemas: never two schemas on one type.
            /* 3 */ data("price_change_v0", M1),
            /* 4 */ data("tick_size_change", "0xbacdf04bf7f22a670dc4fb408878ec56b76f9934599829455b9371693ba84b8b"),
            /* 5 */ data("price_change_v1", "0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1"),
            // Lines 6, 7 and 15 are client requests: the venue never sends them.
            /* 6 */ new Expected(Kind.UNPARSED, "unparsed", null),
            /* 7 */ new Expected(Kind.UNPARSED, "unparsed", null),
            /* 8 */ data("book", "0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af"),
            /* 9 */ data("price_change", "0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1"),
            /* 10 */ data("last_trade_price", "0x6a67b9d828d53862160e470329ffea5246f338ecfffdf2cab45211ec578b0347"),
            /* 11 */ data("tick_size_change", "0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af"),
            /* 12 */ data("best_bid_ask", "0x0005c0d312de0be897668695bae9f32b624b4a1ae8b140c49f08447fcc74f442"),
            /* 13 */ data("new_market", "0x311d0c4b6671ab54af4970c06fcf58662516f5168997bdda209ec3db5aa6b0c1"),
            /* 14 */ data("market_resolved", "0x311d0c4b6671ab54af4970c06fcf58662516f5168997bdda209ec3db5aa6b0c1"),
            /* 15 */ new Expected(Kind.UNPARSED, "unparsed", null));

    private static Expected data(String type, String market) {
        return new Expected(Kind.DATA, type, "prod.polymarket.json." + type + "." + market);
    }

    @Test
    void everySampleLineDecodesToItsTypeOnItsMarketsSubject() {
        List<String> lines = PolymarketTestServer.sampleLines();
        assertThat(lines).hasSize(EXPECTED.size());
        PolymarketDecoder decoder = decoder(lines);
        Map<String, Integer> byType = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Decoded decoded = decoder.decode(bytes(lines.get(i)));
            Expected expected = EXPECTED.get(i);
            String line = "line " + (i + 1);
            assertThat(decoded.kind()).as(line).isEqualTo(expected.kind());
            assertThat(decoded.type()).as(line).isEqualTo(expected.type());
            assertThat(decoded.resyncs()).as(line).isEmpty();
            assertThat(decoded.rejections()).as(line).isEmpty();
            if (expected.subject() == null) {
                assertThat(decoded.messages()).as(line).isEmpty();
            } else {
                assertThat(decoded.messages()).as(line).hasSize(1);
                assertThat(decoded.messages().get(0).subject()).as(line).isEqualTo(expected.subject());
                // A single event is published as received.
                assertThat(decoded.messages().get(0).payload()).as(line).isEqualTo(bytes(lines.get(i)));
            }
            byType.merge(decoded.type(), 1, Integer::sum);
        }
        assertThat(byType)
                .containsEntry("book", 2)
                .containsEntry("unparsed", 3)
                .containsEntry("price_change", 1)
                .containsEntry("last_trade_price", 2)
                .containsEntry("tick_size_change", 2)
                .hasSize(10);
    }

    @Test
    void theSampleEventsAsOneArrayFrameSplitIntoByteIdenticalSlices() {
        List<String> events = PolymarketTestServer.sampleLines().stream()
                .filter(l -> l.contains("\"event_type\""))
                .toList();
        // Whitespace between elements, as a pretty-printing server would send: slices exclude it.
        String frame = "[ " + String.join(" ,\n ", events) + " ]";
        Decoded decoded = decoder(events).decode(bytes(frame));

        assertThat(decoded.kind()).isEqualTo(Kind.DATA);
        assertThat(decoded.type()).isEqualTo("mixed");
        assertThat(decoded.messages()).hasSize(events.size());
        for (int i = 0; i < events.size(); i++) {
            Decoded.Routed routed = decoded.messages().get(i);
            assertThat(routed.element()).isEqualTo(i);
            assertThat(routed.payload()).as("element %d", i).isEqualTo(bytes(events.get(i)));
            assertThat(routed.subject())
                    .isEqualTo(EXPECTED.get(lineOf(events.get(i))).subject());
        }
    }

    @Test
    void theArchiveCaptureDecodesFrameByFrameAndAsAnInitialDump() throws IOException {
        Path capture = Path.of(
                System.getProperty("ssmd.shared.dir", "../../shared"), "exchanges/polymarket/archive-capture.jsonl");
        Assumptions.assumeTrue(Files.exists(capture), "no archive capture at " + capture + " (ssmd.shared.dir)");
        List<String> lines =
                Files.readAllLines(capture).stream().filter(l -> !l.isBlank()).toList();
        PolymarketDecoder decoder = decoder(lines);
        Map<String, Integer> byType = new TreeMap<>();
        for (String line : lines) {
            Decoded decoded = decoder.decode(bytes(line));
            assertThat(decoded.kind()).as(line).isEqualTo(Kind.DATA);
            assertThat(decoded.resyncs()).isEmpty();
            assertThat(decoded.messages()).hasSize(1);
            String market = line.replaceAll(".*\"market\":\"(0x[0-9a-f]+)\".*", "$1");
            assertThat(decoded.messages().get(0).subject())
                    .isEqualTo("prod.polymarket.json." + decoded.type() + "." + market);
            byType.merge(decoded.type(), 1, Integer::sum);
        }
        assertThat(byType).isEqualTo(Map.of("book", 10, "last_trade_price", 10));

        // The ten books as the venue sends an initial dump: one array frame, one message per book, same bytes.
        List<String> books = lines.stream()
                .filter(l -> l.contains("\"event_type\":\"book\""))
                .toList();
        Decoded dump = decoder(lines).decode(bytes("[" + String.join(",", books) + "]"));
        assertThat(dump.type()).isEqualTo("book");
        assertThat(dump.messages())
                .extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(books);
    }

    private static int lineOf(String event) {
        return PolymarketTestServer.sampleLines().indexOf(event);
    }

    /** A decoder of a shard holding every asset the lines name, so their books are kept and checked. */
    static PolymarketDecoder decoder(List<String> lines) {
        List<String> assets = new ArrayList<>();
        for (String line : lines) {
            Matcher m = ASSET.matcher(line);
            while (m.find()) {
                if (!assets.contains(m.group(1))) {
                    assets.add(m.group(1));
                }
            }
        }
        return PolymarketDecoder.create(ShardContext.of("prod", "polymarket", "polymarket-0", assets), false, Map.of());
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
