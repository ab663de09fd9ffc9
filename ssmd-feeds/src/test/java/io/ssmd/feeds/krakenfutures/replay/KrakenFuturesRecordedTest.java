package io.ssmd.feeds.krakenfutures.replay;

import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.WAIT;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.isFeed;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.parse;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.WsTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Recorded mode: the venue samples (a copy of exchanges/kraken-futures/messages.jsonl) and the archive capture played
 * to a plain client, looped at 200 frames/s, so that a test can subscribe in the middle of a pass.
 */
class KrakenFuturesRecordedTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    private static KrakenFuturesTestServer start(Path recording) {
        ReplaySettings settings =
                ReplaySettings.synthetic("kraken-futures", 0, 200, 1).withRecording(recording, 1.0, true);
        return KrakenFuturesTestServer.start(TESTKIT.system(), settings);
    }

    /** Reads until {@code frame} has come {@code times} times; returns everything read. */
    private static List<String> until(WsTestClient client, String frame, int times) throws InterruptedException {
        List<String> read = new ArrayList<>();
        int seen = 0;
        while (seen < times) {
            String next = client.next(WAIT);
            read.add(next);
            seen += next.equals(frame) ? 1 : 0;
        }
        return read;
    }

    @Test
    void recordedFramesGoVerbatimToSubscribersOfTheirProductAndFeedOnly() throws Exception {
        try (KrakenFuturesTestServer server = start(KrakenFuturesTestServer.samplePath())) {
            WsTestClient client = server.client();
            client.send("{\"event\":\"subscribe\",\"feed\":\"ticker\",\"product_ids\":[\"PF_ETHUSD\"]}");
            client.send("{\"event\":\"subscribe\",\"feed\":\"trade\",\"product_ids\":[\"PI_XBTUSD\"]}");
            List<String> frames = until(client, sample(12), 3);
            assertThat(frames).contains(sample(8), sample(11));
            for (String frame : frames) {
                // Besides the acks and the recorded frames, only the trade snapshot that starts the subscription.
                boolean expected = frame.startsWith("{\"event\":\"subscribed\"")
                        || List.of(sample(8), sample(11), sample(12)).contains(frame)
                        || isFeed(frame, "trade_snapshot");
                assertThat(expected).as(frame).isTrue();
            }
            // Not resent: the heartbeat, other products' frames, unsubscribed feeds and the recorded requests/acks.
            assertThat(frames)
                    .doesNotContain(
                            sample(1), sample(3), sample(6), sample(7), sample(9), sample(10), sample(13), sample(14));
        }
    }

    @Test
    void aSubscriptionInTheMiddleOfTheRecordingStartsWithSnapshotsOfWhatWasRecordedSoFar() throws Exception {
        try (KrakenFuturesTestServer server = start(KrakenFuturesTestServer.samplePath())) {
            WsTestClient client = server.client();
            client.send("{\"event\":\"subscribe\",\"feed\":\"ticker\",\"product_ids\":[\"PF_ETHUSD\"]}");
            // Two tickers of PF_ETHUSD: a whole pass of the recording has gone by, its book and trades included.
            until(client, sample(8), 2);
            client.send(sample(4).replace("PF_XBTUSD", "PI_XBTUSD"));
            client.nextMatching(
                    "{\"event\":\"subscribed\",\"feed\":\"book\",\"product_ids\":[\"PI_XBTUSD\"]}"::equals, WAIT);
            JsonNode book = parse(client.nextMatching(f -> isFeed(f, "book_snapshot"), WAIT));
            JsonNode recorded = parse(sample(13));
            assertThat(book.get("bids")).isEqualTo(recorded.get("bids"));
            assertThat(book.get("asks")).isEqualTo(recorded.get("asks"));
            // At the recorded seq of the last book frame: the snapshot's, or the delta's after it.
            assertThat(book.get("seq").asLong()).isIn(326072249L, 326094134L);
            client.send("{\"event\":\"subscribe\",\"feed\":\"trade\",\"product_ids\":[\"PI_XBTUSD\"]}");
            JsonNode trades = parse(client.nextMatching(f -> isFeed(f, "trade_snapshot"), WAIT));
            Set<String> recordedUids =
                    new HashSet<>(List.of(parse(sample(12)).get("uid").asText()));
            parse(sample(11))
                    .get("trades")
                    .forEach(t -> recordedUids.add(t.get("uid").asText()));
            assertThat(trades.get("trades"))
                    .isNotEmpty()
                    .allSatisfy(
                            t -> assertThat(recordedUids).contains(t.get("uid").asText()));
        }
    }

    @Test
    void theArchiveCaptureReplaysItsTradesAndTickersVerbatim() throws Exception {
        Path capture = Path.of(
                System.getProperty("ssmd.shared.dir", "../../shared"),
                "exchanges/kraken-futures/archive-capture.jsonl");
        Assumptions.assumeTrue(Files.exists(capture), "no archive capture at " + capture);
        List<String> lines = KrakenFuturesTestServer.readLines(capture);
        try (KrakenFuturesTestServer server = start(capture)) {
            WsTestClient client = server.client();
            KrakenFuturesReplayServer.subscribeMessages(List.of("PF_XBTUSD", "PF_ETHUSD"))
                    .forEach(client::send);
            String lastTrade = lines.get(lines.size() - 1);
            List<String> frames = until(client, lastTrade, 2);
            Set<String> feeds = new HashSet<>();
            for (String frame : frames) {
                if (frame.startsWith("{\"event\"")) {
                    assertThat(frame).startsWith("{\"event\":\"subscribed\"");
                    continue;
                }
                String feed = parse(frame).get("feed").asText();
                feeds.add(feed);
                // The capture has no book, so no book snapshot: only trade snapshots are made up.
                if (!feed.equals("trade_snapshot")) {
                    assertThat(lines).contains(frame);
                }
            }
            assertThat(feeds).contains("ticker", "trade");
        }
    }
}
