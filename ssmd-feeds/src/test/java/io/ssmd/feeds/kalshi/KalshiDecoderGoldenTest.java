package io.ssmd.feeds.kalshi;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.Decoded.Kind;
import io.ssmd.core.shard.ShardContext;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every Kalshi frame of exchanges/kalshi through ssmd's decoder: messages.jsonl (real demo frames, doc examples,
 * client commands, the legacy integer-cent snapshot) and archive-capture.jsonl (a production tape in the old
 * schema). Kinds, types, subjects and counts asserted; every published payload is the frame's own bytes.
 */
class KalshiDecoderGoldenTest {

    static final Map<String, String> CATEGORIES = Map.of(
            "KXGOLDH-26AUG2711-T4615.99", "Financials",
            "FED-23DEC-T3.00", "Economics",
            "KXETHD-26FEB1217-T1819.99", "Crypto",
            "KXQUICKSETTLE", "Science and Technology");

    static KalshiSettings settings() {
        return new KalshiSettings(
                "kalshi",
                URI.create("ws://127.0.0.1/trade-api/ws/v2"),
                Optional.empty(),
                KalshiSettings.MARKET_CHANNELS,
                true,
                Optional.empty(),
                List.of(),
                List.of(),
                List.of(),
                200,
                OptionalInt.empty(),
                Duration.ZERO,
                200,
                3,
                Duration.ZERO);
    }

    static KalshiDecoder decoder(List<String> instruments) {
        return KalshiDecoder.create(
                ShardContext.of("test", "kalshi", "kalshi-0", instruments), settings(), CATEGORIES::get);
    }

    /** Line → kind, type, subject (null for none): what each frame of messages.jsonl means, read alone. */
    private static final Map<Integer, String[]> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry(1, new String[] {"SYSTEM", "subscribed", "test.kalshi.json.system.kalshi-0"}),
            Map.entry(2, new String[] {
                "DATA", "orderbook", "test.kalshi.financials.json.orderbook.KXGOLDH-26AUG2711-T4615_99"
            }),
            Map.entry(3, new String[] {
                "DATA", "orderbook", "test.kalshi.financials.json.orderbook.KXGOLDH-26AUG2711-T4615_99"
            }),
            Map.entry(4, new String[] {"DATA", "ticker", "test.kalshi.financials.json.ticker.KXGOLDH-26AUG2711-T4615_99"
            }),
            Map.entry(5, new String[] {"SYSTEM", "ok", "test.kalshi.json.system.kalshi-0"}),
            Map.entry(6, new String[] {"SYSTEM", "error", "test.kalshi.json.system.kalshi-0"}),
            Map.entry(7, new String[] {
                "DATA", "orderbook", "test.kalshi.uncategorized.json.orderbook.KXBTCD-25AUG2617-T112999_99"
            }),
            Map.entry(8, new String[] {"SYSTEM", "subscribed", "test.kalshi.json.system.kalshi-0"}),
            Map.entry(9, new String[] {"SYSTEM", "subscribed", "test.kalshi.json.system.kalshi-0"}),
            Map.entry(10, new String[] {
                "DATA", "orderbook", "test.kalshi.uncategorized.json.orderbook.KXBTCD-26AUG2017-T73749_99"
            }),
            Map.entry(19, new String[] {"SYSTEM", "subscribed", "test.kalshi.json.system.kalshi-0"}),
            Map.entry(20, new String[] {"SYSTEM", "unsubscribed", "test.kalshi.json.system.kalshi-0"}),
            Map.entry(21, new String[] {"SYSTEM", "ok", "test.kalshi.json.system.kalshi-0"}),
            Map.entry(22, new String[] {"PONG", "pong", null}),
            Map.entry(23, new String[] {"SYSTEM", "error", "test.kalshi.json.system.kalshi-0"}),
            Map.entry(24, new String[] {"DATA", "orderbook", "test.kalshi.economics.json.orderbook.FED-23DEC-T3_00"}),
            Map.entry(25, new String[] {"DATA", "orderbook", "test.kalshi.economics.json.orderbook.FED-23DEC-T3_00"}),
            Map.entry(26, new String[] {"DATA", "ticker", "test.kalshi.economics.json.ticker.FED-23DEC-T3_00"}),
            Map.entry(27, new String[] {"DATA", "trade", "test.kalshi.uncategorized.json.trade.HIGHNY-22DEC23-B53_5"}),
            Map.entry(
                    28,
                    new String[] {"DATA", "lifecycle", "test.kalshi.uncategorized.json.lifecycle.INXD-23SEP14-B4487"}),
            Map.entry(29, new String[] {
                "DATA", "lifecycle", "test.kalshi.uncategorized.json.lifecycle.KXBTC-25APR30-T0915-B95000"
            }),
            Map.entry(30, new String[] {
                "DATA",
                "event_lifecycle",
                "test.kalshi.science_and_technology.json.event_lifecycle.KXQUICKSETTLE-26JAN25H2150"
            }),
            Map.entry(31, new String[] {"DATA", "fill", "test.kalshi.uncategorized.json.fill.HIGHNY-22DEC23-B53_5"}),
            Map.entry(32, new String[] {"DATA", "orderbook", "test.kalshi.economics.json.orderbook.FED-23DEC-T3_00"})));

    @Test
    void everyFrameOfMessagesJsonlReadAloneGoesWhereItBelongs() throws Exception {
        List<String> lines = Files.readAllLines(KalshiTestServer.sampleMessages());
        assertThat(lines).hasSize(32);
        Map<Kind, Integer> kinds = new TreeMap<>();
        for (int n = 1; n <= lines.size(); n++) {
            byte[] frame = lines.get(n - 1).getBytes(StandardCharsets.UTF_8);
            Decoded decoded = decoder(List.of()).decode(frame);
            kinds.merge(decoded.kind(), 1, Integer::sum);
            if (n >= 11 && n <= 18) {
                // Client commands from the docs: not venue frames, kept raw on the unparsed subject.
                assertThat(decoded.kind()).as("line %d", n).isEqualTo(Kind.UNPARSED);
                assertThat(decoded.reason()).contains("client command");
                continue;
            }
            String[] expected = EXPECTED.get(n);
            assertThat(decoded.kind()).as("line %d", n).isEqualTo(Kind.valueOf(expected[0]));
            assertThat(decoded.type()).as("line %d", n).isEqualTo(expected[1]);
            if (expected[2] == null) {
                assertThat(decoded.messages()).isEmpty();
            } else {
                assertThat(decoded.messages()).as("line %d", n).singleElement().satisfies(m -> {
                    assertThat(m.subject()).isEqualTo(expected[2]);
                    assertThat(m.payload()).isEqualTo(frame);
                    assertThat(m.element()).isZero();
                });
            }
            // Frames about markets no command of this decoder named refuse nothing of ours.
            assertThat(decoded.rejections()).as("line %d", n).isEmpty();
        }
        assertThat(kinds)
                .containsExactlyEntriesOf(
                        new TreeMap<>(Map.of(Kind.DATA, 14, Kind.SYSTEM, 9, Kind.PONG, 1, Kind.UNPARSED, 8)));
    }

    @Test
    void theLegacyIntegerCentSnapshotBuildsTheSameBookAsTheCurrentOne() throws Exception {
        List<String> lines = Files.readAllLines(KalshiTestServer.sampleMessages());
        KalshiDecoder current = decoder(List.of());
        KalshiDecoder legacy = decoder(List.of());
        current.decode(lines.get(23).getBytes(StandardCharsets.UTF_8));
        legacy.decode(lines.get(31).getBytes(StandardCharsets.UTF_8));
        for (KalshiDecoder d : List.of(current, legacy)) {
            KalshiLocalBook book = d.book("FED-23DEC-T3.00").orElseThrow();
            assertThat(book.size("yes", "0.08")).isEqualByComparingTo("300");
            assertThat(book.size("yes", "0.22")).isEqualByComparingTo("333");
            assertThat(book.size("no", "0.56")).isEqualByComparingTo("146");
            assertThat(book.depth("yes")).isEqualTo(2);
            assertThat(book.depth("no")).isEqualTo(2);
        }
    }

    @Test
    void theArchiveCaptureInTheOldSchemaDecodesWithoutLoss() throws IOException {
        Path capture = Path.of(
                System.getProperty("ssmd.shared.dir", "../../shared"), "exchanges", "kalshi", "archive-capture.jsonl");
        Assumptions.assumeTrue(
                Files.exists(capture), "no shared archive capture at " + capture + " (set -Dssmd.shared.dir)");
        List<String> lines = Files.readAllLines(capture);
        KalshiDecoder decoder = decoder(List.of());
        Map<String, Integer> types = new TreeMap<>();
        for (String line : lines) {
            byte[] frame = line.getBytes(StandardCharsets.UTF_8);
            Decoded decoded = decoder.decode(frame);
            assertThat(decoded.kind()).as(line).isEqualTo(Kind.DATA);
            assertThat(decoded.messages()).singleElement().satisfies(m -> {
                assertThat(m.payload()).isEqualTo(frame);
                assertThat(m.subject())
                        .matches("test\\.kalshi\\.(crypto|uncategorized)\\.json\\." + decoded.type()
                                + "\\.[A-Za-z0-9_-]+");
            });
            // Trades and lifecycle frames carry seq here, jumping across the tape: no book, so no resync.
            assertThat(decoded.resyncs()).isEmpty();
            types.merge(decoded.type(), 1, Integer::sum);
        }
        assertThat(types).containsExactlyEntriesOf(new TreeMap<>(Map.of("ticker", 14, "trade", 11, "lifecycle", 2)));
        assertThat(decoder(List.of())
                        .decode(lines.get(1).getBytes(StandardCharsets.UTF_8))
                        .messages()
                        .get(0)
                        .subject())
                .isEqualTo("test.kalshi.crypto.json.ticker.KXETHD-26FEB1217-T1819_99");
    }
}
