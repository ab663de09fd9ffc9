package io.ssmd.feeds.polymarket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.feeds.polymarket.replay.PolymarketReplayServer;
import io.ssmd.feeds.replay.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Each replay-server fault as a plain WebSocket client of the Polymarket market channel sees it. */
class PolymarketFaultsTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOKENS = PolymarketReplayServer.defaultInstruments();
    private static final String SUBSCRIBE_ALL =
            PolymarketReplayServer.subscribeMessages(TOKENS).get(0);

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void dropAfterFramesEndsTheConnectionAbnormallyAfterTheNthDataFrame() throws Exception {
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 0, 1);
                WsTestClient client = server.client()) {
            server.faults().dropAfterFrames(5);
            client.send(SUBSCRIBE_ALL);
            // The initial dump is market data: it is the first of the five.
            assertThat(client.next(WAIT)).startsWith("[");
            for (int i = 0; i < 4; i++) {
                assertThat(client.next(WAIT)).startsWith("{\"event_type\":");
            }
            assertThat(client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1011);
            assertThat(client.poll(Duration.ZERO)).isNull();
        }
    }

    @Test
    void dropAfterATimeEndsTheConnectionAbnormally() throws Exception {
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 50, 1);
                WsTestClient client = server.client()) {
            server.faults().dropAfter(Duration.ofMillis(500));
            client.send(SUBSCRIBE_ALL);
            assertThat(client.next(WAIT)).startsWith("[");
            assertThat(client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1011);
        }
    }

    @Test
    void aStallKeepsTheSocketOpenWithNoDataAndNoPongUntilLifted() throws Exception {
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 100, 1);
                WsTestClient client = server.client()) {
            client.send(SUBSCRIBE_ALL);
            client.next(WAIT);
            client.next(WAIT);
            server.faults().stalled(true);
            client.send("PING");
            // Frames already in flight may still arrive; then nothing, not even the PONG.
            List<String> late = new ArrayList<>();
            String frame;
            while ((frame = client.poll(Duration.ofMillis(500))) != null) {
                late.add(frame);
            }
            assertThat(late).doesNotContain("PONG");
            assertThat(client.ended()).isNotDone();
            server.faults().stalled(false);
            client.send("PING");
            client.nextMatching("PONG"::equals, WAIT);
        }
    }

    @Test
    void aMalformedFrameIsHalfOfTheNextDataFrameSentBeforeIt() throws Exception {
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 100, 1);
                WsTestClient client = server.client()) {
            client.send(SUBSCRIBE_ALL);
            client.next(WAIT);
            server.faults().malformed().add(1);
            // Frames rendered before the fault was set may come first.
            String broken = client.nextMatching(frame -> !parses(frame), WAIT);
            assertThatThrownBy(() -> JSON.readTree(broken)).isInstanceOf(JsonProcessingException.class);
            String whole = client.next(WAIT);
            assertThat(whole).startsWith(broken);
            assertThat(JSON.readTree(whole).get("event_type")).isNotNull();
        }
    }

    @Test
    void anOversizedFrameComesBeforeTheDataFrameItHits() throws Exception {
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 100, 1);
                WsTestClient client = server.client()) {
            server.faults().oversizedBytes(256 * 1024);
            server.faults().oversized().add(1);
            client.send(SUBSCRIBE_ALL);
            assertThat(client.next(WAIT)).hasSize(256 * 1024).startsWith("{\"ssmd_fault\":\"oversized\"");
            assertThat(client.next(WAIT)).startsWith("[{\"event_type\":\"book\"");
        }
    }

    @Test
    void aRejectedSubscriptionGetsTheStandInEventAndNoBook() throws Exception {
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 100, 1);
                WsTestClient client = server.client()) {
            server.faults().reject(List.of(TOKENS.get(0)));
            client.send(PolymarketReplayServer.subscribeMessages(TOKENS.subList(0, 2))
                    .get(0));
            JsonNode refused = JSON.readTree(client.next(WAIT));
            assertThat(refused.get("event_type").asText()).isEqualTo("ssmd_subscription_rejected");
            assertThat(refused.get("assets_ids")).hasSize(1);
            assertThat(refused.get("assets_ids").get(0).asText()).isEqualTo(TOKENS.get(0));
            JsonNode dump = JSON.readTree(client.next(WAIT));
            assertThat(dump).hasSize(1);
            assertThat(dump.get(0).get("asset_id").asText()).isEqualTo(TOKENS.get(1));
            for (int i = 0; i < 50; i++) {
                assertThat(client.next(WAIT)).doesNotContain(TOKENS.get(0));
            }
            server.faults().reject(List.of("*"));
            client.send("{\"operation\":\"subscribe\",\"assets_ids\":[\"" + TOKENS.get(2) + "\"]}");
            client.nextMatching(f -> f.contains("ssmd_subscription_rejected") && f.contains(TOKENS.get(2)), WAIT);
        }
    }

    @Test
    void ignoredPingsGetNoPongWhileDataFlows() throws Exception {
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 100, 1);
                WsTestClient client = server.client()) {
            server.faults().ignorePings(true);
            client.send("PING");
            client.send(SUBSCRIBE_ALL);
            // Messages are handled in order, so a PONG would have come before the dump.
            assertThat(client.next(WAIT)).startsWith("[");
            client.send("PING");
            for (int i = 0; i < 20; i++) {
                assertThat(client.next(WAIT)).isNotEqualTo("PONG");
            }
            server.faults().ignorePings(false);
            client.send("PING");
            client.nextMatching("PONG"::equals, WAIT);
        }
    }

    /**
     * The market channel has no sequence numbers, and the book {@code hash} is undocumented (PROTOCOLS.md 4.4), so
     * no client can check it: skip-seq and bad-checksum leave the stream as it was.
     */
    @Test
    void skipSeqAndBadChecksumDoNotApplyToThisVenue() throws Exception {
        List<String> plain = new ArrayList<>();
        List<String> faulted = new ArrayList<>();
        for (List<String> frames : List.of(plain, faulted)) {
            try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 0, 9);
                    WsTestClient client = server.client()) {
                if (frames == faulted) {
                    server.faults().skipSeq().every(1);
                    server.faults().badChecksum().every(1);
                }
                client.send(SUBSCRIBE_ALL);
                while (frames.size() < 1_000) {
                    frames.add(client.next(WAIT).replaceAll("\"timestamp\":\"\\d+\"", "\"timestamp\":\"\""));
                }
            }
        }
        assertThat(faulted).isEqualTo(plain);
        PolymarketBookCheck check = new PolymarketBookCheck();
        faulted.forEach(check::accept);
        assertThat(check.problems()).isEmpty();
    }

    private static boolean parses(String frame) {
        try {
            JSON.readTree(frame);
            return true;
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
