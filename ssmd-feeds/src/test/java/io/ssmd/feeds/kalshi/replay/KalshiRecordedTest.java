package io.ssmd.feeds.kalshi.replay;

import static io.ssmd.feeds.kalshi.KalshiTestServer.WAIT;
import static io.ssmd.feeds.kalshi.KalshiTestServer.parse;
import static io.ssmd.feeds.kalshi.KalshiTestServer.sampleLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.feeds.kalshi.KalshiTestServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.WsTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Recorded mode: the venue's own frames, routed to the client's subscriptions with its sids and seqs. */
class KalshiRecordedTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final String GOLD = "KXGOLDH-26AUG2711-T4615.99";

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void theSampleFramesOfASubscribedMarketArriveVerbatimWithTheClientsSidsAndSeqs() throws Exception {
        // The sample has no times: its frames play at 500 a second, over and over.
        ReplaySettings settings =
                KalshiTestServer.settings(500, 1).withRecording(KalshiTestServer.sampleMessages(), 1.0, true);
        String snapshot = sampleLine(2);
        String delta = sampleLine(3);
        String ticker = sampleLine(4).replace("\"sid\":4,", "\"sid\":2,");
        try (KalshiTestServer server = KalshiTestServer.start(TESTKIT.system(), settings);
                WsTestClient client = server.connect()) {
            client.send("{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\",\"ticker\"],"
                    + "\"market_ticker\":\"" + GOLD + "\"}}");
            assertThat(client.next(WAIT)).isEqualTo(sampleLine(1));
            assertThat(client.next(WAIT))
                    .isEqualTo("{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"ticker\",\"sid\":2}}");
            long seq = 0;
            int snapshots = 0;
            for (int i = 0; i < 12; i++) {
                String frame = client.next(WAIT);
                if (frame.startsWith("{\"type\":\"ticker\"")) {
                    assertThat(frame).isEqualTo(ticker);
                    continue;
                }
                // Book frames: a snapshot first (a delta before it would be useless), then one seq after another.
                seq++;
                if (seq == 1) {
                    assertThat(frame).startsWith("{\"type\":\"orderbook_snapshot\"");
                }
                boolean isSnapshot = frame.startsWith("{\"type\":\"orderbook_snapshot\"");
                String expected = isSnapshot ? snapshot : delta;
                snapshots += isSnapshot ? 1 : 0;
                assertThat(frame).isEqualTo(expected.replaceFirst("\"seq\":\\d+,", "\"seq\":" + seq + ","));
            }
            assertThat(snapshots).isGreaterThan(1);
            assertThat(seq).isGreaterThan(4);
        }
    }

    @Test
    void recordedModeAcceptsMarketsTheRecordingMayHold() throws Exception {
        ReplaySettings settings =
                KalshiTestServer.settings(500, 1).withRecording(KalshiTestServer.sampleMessages(), 1.0, true);
        try (KalshiTestServer server = KalshiTestServer.start(TESTKIT.system(), settings);
                WsTestClient client = server.connect()) {
            client.send("{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],"
                    + "\"market_tickers\":[\"FED-23DEC-T3.00\",\"KXBTCD-25AUG2617-T112999.99\"]}}");
            assertThat(client.next(WAIT)).isEqualTo(sampleLine(1));
            Set<String> markets = new HashSet<>();
            for (int i = 0; i < 12; i++) {
                JsonNode frame = parse(client.next(WAIT));
                assertThat(frame.get("type").asText()).startsWith("orderbook_");
                markets.add(frame.at("/msg/market_ticker").asText());
                // The legacy snapshot (line 32) keeps its integer-cent fields: recorded text is not re-computed.
                if (frame.at("/msg/yes").isArray()) {
                    assertThat(frame.at("/msg/yes_dollars").toString()).isEqualTo("[[\"0.080\",300],[\"0.220\",333]]");
                }
            }
            assertThat(markets).containsExactlyInAnyOrder("FED-23DEC-T3.00", "KXBTCD-25AUG2617-T112999.99");
        }
    }

    @Test
    void theArchiveCaptureIsRoutedBySidWithContinuousSeqsAndNoCollectorKeys() throws Exception {
        Path archive = Path.of(
                System.getProperty("ssmd.shared.dir", "../../shared"), "exchanges/kalshi/archive-capture.jsonl");
        assumeTrue(Files.exists(archive), "the shared archive capture is not here: " + archive);
        ReplaySettings settings = KalshiTestServer.settings(1000, 1).withRecording(archive, 1.0, true);
        try (KalshiTestServer server = KalshiTestServer.start(TESTKIT.system(), settings);
                WsTestClient client = server.connect()) {
            client.send(
                    "{\"id\":5,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"ticker\",\"trade\",\"market_lifecycle_v2\"]}}");
            List<String> acks = List.of(client.next(WAIT), client.next(WAIT), client.next(WAIT));
            assertThat(acks).extracting(a -> parse(a).at("/msg/sid").asInt()).containsExactly(1, 2, 3);
            Map<String, Integer> sids = Map.of("ticker", 1, "trade", 2, "market_lifecycle_v2", 3);
            Map<Integer, Long> seqs = new HashMap<>();
            Set<String> types = new HashSet<>();
            for (int i = 0; i < 80; i++) {
                String text = client.next(WAIT);
                JsonNode frame = parse(text);
                String type = frame.get("type").asText();
                types.add(type);
                assertThat(frame.get("sid").asInt()).isEqualTo(sids.get(type));
                assertThat(text).doesNotContain("_shard_id");
                // Trades and lifecycle events carried the recording's seqs (10, 48... 279597): now the sid's own.
                assertThat(frame.has("seq")).isEqualTo(!type.equals("ticker"));
                if (frame.has("seq")) {
                    long seq = frame.get("seq").asLong();
                    Long previous = seqs.put(frame.get("sid").asInt(), seq);
                    assertThat(seq).isEqualTo(previous == null ? 1 : previous + 1);
                }
            }
            assertThat(types).containsExactlyInAnyOrder("ticker", "trade", "market_lifecycle_v2");
        }
    }
}
