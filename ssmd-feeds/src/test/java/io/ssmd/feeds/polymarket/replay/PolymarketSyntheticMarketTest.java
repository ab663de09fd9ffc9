package io.ssmd.feeds.polymarket.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.feeds.polymarket.PolymarketBookCheck;
import io.ssmd.feeds.polymarket.PolymarketTestServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The synthetic market as a plain WebSocket client sees it: consistent books, the venue's frame shapes, a seed. */
class PolymarketSyntheticMarketTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOKENS = PolymarketReplayServer.defaultInstruments();

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void tenThousandFramesKeepEveryBookValidAndAgreeWithTheirBestBidAndAsk() throws Exception {
        List<String> frames = frames(7, 10_000);
        PolymarketBookCheck check = new PolymarketBookCheck();
        frames.forEach(check::accept);
        assertThat(check.problems()).isEmpty();
        assertThat(check.entriesChecked()).isGreaterThan(10_000);
        // All four event kinds occur, tick changes included (the NVDA market starts near the 0.04 edge).
        assertThat(check.counts()).containsKeys("book", "price_change", "last_trade_price", "tick_size_change");
        assertThat(check.counts().get("price_change"))
                .isGreaterThan(check.counts().get("last_trade_price"));
    }

    @Test
    void theBookCheckCatchesABestBidThatDisagreesWithTheBook() throws Exception {
        List<String> frames = new ArrayList<>(frames(7, 200));
        int at = 0;
        while (!frames.get(at).contains("\"price_change\"")) {
            at++;
        }
        frames.set(at, frames.get(at).replaceFirst("\"best_bid\":\"[0-9.]+\"", "\"best_bid\":\"0.999\""));
        PolymarketBookCheck check = new PolymarketBookCheck();
        frames.forEach(check::accept);
        assertThat(check.problems()).anyMatch(problem -> problem.contains("best_bid"));
    }

    @Test
    void framesHaveTheFieldsInTheOrderOfTheVenuesOwnFrames() throws Exception {
        List<String> sample = PolymarketTestServer.sampleLines();
        JsonNode docBook = JSON.readTree(sample.get(7));
        JsonNode docPriceChange = JSON.readTree(sample.get(8));
        JsonNode docTrade = JSON.readTree(sample.get(9));
        JsonNode docTick = JSON.readTree(sample.get(10));
        List<String> bookFields = new ArrayList<>(fields(docBook));
        bookFields.addAll(List.of("tick_size", "last_trade_price"));
        for (String frame : frames(11, 3_000)) {
            JsonNode node = JSON.readTree(frame);
            for (JsonNode event : node.isArray() ? node : List.of(node)) {
                String type = event.get("event_type").asText();
                List<String> expected = switch (type) {
                    case "book" -> bookFields;
                    case "price_change" -> fields(docPriceChange);
                    case "last_trade_price" -> fields(docTrade);
                    case "tick_size_change" -> fields(docTick);
                    default -> List.of("unexpected " + type);
                };
                assertThat(fields(event)).as(type).isEqualTo(expected);
                event.fields()
                        .forEachRemaining(f -> assertThat(
                                        f.getValue().isTextual() || f.getValue().isArray())
                                .as("%s.%s is a string (the venue sends every number as a string)", type, f.getKey())
                                .isTrue());
                if (type.equals("price_change")) {
                    for (JsonNode change : event.get("price_changes")) {
                        assertThat(fields(change))
                                .isEqualTo(fields(
                                        docPriceChange.get("price_changes").get(0)));
                    }
                }
            }
        }
    }

    @Test
    void pricesAreDecimalTextOnTheTickAndIdsAreTheUniverses() throws Exception {
        for (String frame : frames(3, 2_000)) {
            JsonNode node = JSON.readTree(frame);
            for (JsonNode event : node.isArray() ? node : List.of(node)) {
                assertThat(event.get("market").asText()).matches("0x[0-9a-f]{64}");
                for (JsonNode change : event.path("price_changes")) {
                    assertThat(change.get("price").asText()).matches("0\\.\\d{0,2}[1-9]");
                    assertThat(change.get("size").asText()).matches("(0|[1-9]\\d*)(\\.\\d?[1-9])?");
                    assertThat(change.get("hash").asText()).matches("[0-9a-f]{40}");
                    assertThat(TOKENS).contains(change.get("asset_id").asText());
                }
                if (event.has("transaction_hash")) {
                    assertThat(event.get("transaction_hash").asText()).matches("0x[0-9a-f]{64}");
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameDataAndAnotherSeedOther() throws Exception {
        List<String> first = withoutTimestamps(frames(42, 3_000));
        List<String> again = withoutTimestamps(frames(42, 3_000));
        List<String> other = withoutTimestamps(frames(43, 3_000));
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void syntheticInstrumentsStartWithTheDefaultsAndAreReproducible() {
        List<String> ids = PolymarketReplayServer.syntheticInstruments(1000);
        assertThat(ids).hasSize(1000).doesNotHaveDuplicates().startsWith(TOKENS.toArray(String[]::new));
        assertThat(ids).allMatch(id -> id.matches("[1-9]\\d{75,77}"));
        assertThat(PolymarketReplayServer.syntheticInstruments(1000)).isEqualTo(ids);
        assertThat(PolymarketReplayServer.syntheticInstruments(3)).isEqualTo(ids.subList(0, 3));
    }

    @Test
    void aConfiguredUniverseServesItsOwnTokensPairedIntoMarkets() throws Exception {
        List<String> ids = PolymarketReplayServer.syntheticInstruments(12).subList(8, 12);
        try (PolymarketTestServer server = PolymarketTestServer.start(
                        TESTKIT, ReplaySettings.synthetic("polymarket", 0, 0, 5).withInstruments(ids));
                WsTestClient client = server.client()) {
            // A default token is outside this universe: ignored, so the dump holds the configured ids only.
            List<String> request = new ArrayList<>(ids);
            request.add(TOKENS.get(0));
            client.send(PolymarketReplayServer.subscribeMessages(request).get(0));
            JsonNode dump = JSON.readTree(client.next(WAIT));
            assertThat(dump).hasSize(4);
            assertThat(dump.get(0).get("market")).isEqualTo(dump.get(1).get("market"));
            assertThat(dump.get(2).get("market")).isNotEqualTo(dump.get(0).get("market"));
            PolymarketBookCheck check = new PolymarketBookCheck();
            check.accept(dump.toString());
            for (int i = 0; i < 2_000; i++) {
                check.accept(client.next(WAIT));
            }
            assertThat(check.problems()).isEmpty();
        }
    }

    /** The first {@code count} frames of a session subscribed to every default token, at full speed. */
    private static List<String> frames(long seed, int count) throws Exception {
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 0, seed);
                WsTestClient client = server.client()) {
            PolymarketReplayServer.subscribeMessages(TOKENS).forEach(client::send);
            List<String> frames = new ArrayList<>(count);
            while (frames.size() < count) {
                frames.add(client.next(WAIT));
            }
            return frames;
        }
    }

    private static List<String> withoutTimestamps(List<String> frames) {
        return frames.stream()
                .map(f -> f.replaceAll("\"timestamp\":\"\\d+\"", "\"timestamp\":\"\""))
                .toList();
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
