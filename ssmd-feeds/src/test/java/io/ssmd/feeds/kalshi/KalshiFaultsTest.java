package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.kalshi.KalshiTestServer.WAIT;
import static io.ssmd.feeds.kalshi.KalshiTestServer.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.feeds.replay.WsTestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every fault as a plain client of the Kalshi venue sees it. */
class KalshiFaultsTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String A = "KXBTCD-26AUG2017-T73749.99";
    private static final String B = "KXSOLD-26FEB1317-T73.9999";
    private static final String SUBSCRIBE_BOOKS = "{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":"
            + "[\"orderbook_delta\"],\"market_tickers\":[\"" + A + "\",\"" + B + "\"]}}";

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void dropAfterFramesEndsTheConnectionAbnormallyAfterTheNthDataFrame() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 0, 1);
                WsTestClient client = server.connect()) {
            server.faults().dropAfterFrames(5);
            client.send(SUBSCRIBE_BOOKS);
            assertThat(client.next(WAIT)).startsWith("{\"type\":\"subscribed\"");
            // Acks are not data: the two snapshots and three deltas are the five frames.
            List<JsonNode> data = KalshiTestServer.next(client, 5);
            assertThat(data)
                    .extracting(f -> f.get("type").asText())
                    .containsExactly(
                            "orderbook_snapshot",
                            "orderbook_snapshot",
                            "orderbook_delta",
                            "orderbook_delta",
                            "orderbook_delta");
            assertThat(client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1011);
            assertThat(client.poll(Duration.ZERO)).isNull();
        }
    }

    @Test
    void dropAfterATimeEndsTheConnectionAbnormally() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 50, 1);
                WsTestClient client = server.connect()) {
            control(server, "POST", "{\"drop-after\":\"1s\"}");
            client.send(SUBSCRIBE_BOOKS);
            assertThat(client.next(WAIT)).startsWith("{\"type\":\"subscribed\"");
            assertThat(client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1011);
        }
    }

    @Test
    void aStallKeepsTheSocketOpenWithNoDataAndNoRepliesUntilLifted() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 100, 1);
                WsTestClient client = server.connect()) {
            client.send(SUBSCRIBE_BOOKS);
            client.nextMatching(f -> f.contains("orderbook_delta\",\"sid\""), WAIT);
            control(server, "POST", "{\"stall\":true}");
            client.send("{\"id\":2,\"cmd\":\"list_subscriptions\"}");
            // What was in flight may still arrive; then silence, and no answer to the probe.
            String frame;
            while ((frame = client.poll(Duration.ofMillis(500))) != null) {
                assertThat(frame).doesNotContain("\"id\":2");
            }
            assertThat(client.ended()).isNotDone();
            control(server, "DELETE", "");
            client.send("{\"id\":3,\"cmd\":\"list_subscriptions\"}");
            client.nextMatching(f -> f.startsWith("{\"type\":\"ok\",\"id\":3,"), WAIT);
        }
    }

    @Test
    void skipSeqLeavesOutOneNumberOnTheSid() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 0, 1);
                WsTestClient client = server.connect()) {
            client.send(SUBSCRIBE_BOOKS);
            List<Long> seqs = new ArrayList<>();
            while (seqs.size() < 100) {
                JsonNode frame = parse(client.next(WAIT));
                if (frame.has("seq")) {
                    seqs.add(frame.get("seq").asLong());
                }
            }
            control(server, "POST", "{\"skip-seq\":1}");
            // At full speed many frames are already on their way when the fault arrives: read until the jump, then
            // a hundred more to see the numbering go on by ones.
            int after = -1;
            while (after < 100) {
                JsonNode frame = parse(client.next(WAIT));
                if (!frame.has("seq")) {
                    continue;
                }
                long seq = frame.get("seq").asLong();
                if (after < 0 && seq != seqs.get(seqs.size() - 1) + 1) {
                    after = 0;
                }
                seqs.add(seq);
                if (after >= 0) {
                    after++;
                }
            }
            List<Long> steps = new ArrayList<>();
            for (int i = 1; i < seqs.size(); i++) {
                steps.add(seqs.get(i) - seqs.get(i - 1));
            }
            assertThat(seqs.get(0)).isEqualTo(1);
            assertThat(steps)
                    .containsOnly(1L, 2L)
                    .filteredOn(step -> step == 2L)
                    .hasSize(1);
        }
    }

    @Test
    void badChecksumDoesNothingBecauseKalshiBooksHaveNoChecksum() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 0, 1);
                WsTestClient client = server.connect()) {
            server.faults().badChecksum().add(3);
            client.send(SUBSCRIBE_BOOKS);
            client.next(WAIT);
            long expected = 1;
            for (int i = 0; i < 300; i++) {
                JsonNode frame = parse(client.next(WAIT));
                assertThat(frame.has("checksum")).isFalse();
                assertThat(frame.get("seq").asLong()).isEqualTo(expected++);
            }
            assertThat(server.faults().badChecksum().pending()).isEqualTo(3);
        }
    }

    @Test
    void aMalformedFrameIsHalfOfTheDataFrameThatFollowsIt() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 0, 1);
                WsTestClient client = server.connect()) {
            client.send(SUBSCRIBE_BOOKS);
            client.next(WAIT);
            client.next(WAIT);
            control(server, "POST", "{\"malformed\":1}");
            String broken = client.nextMatching(f -> !f.endsWith("}}"), WAIT);
            assertThatThrownBy(() -> KalshiTestServer.JSON.readTree(broken)).isNotNull();
            String whole = client.next(WAIT);
            assertThat(whole).startsWith(broken);
            assertThat(parse(whole).get("type").asText()).isEqualTo("orderbook_delta");
        }
    }

    @Test
    void anOversizedFrameComesBeforeTheDataFrameItHit() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 0, 1);
                WsTestClient client = server.connect()) {
            server.faults().oversizedBytes(64 * 1024);
            server.faults().oversized().add(1);
            client.send(SUBSCRIBE_BOOKS);
            assertThat(client.next(WAIT)).startsWith("{\"type\":\"subscribed\"");
            assertThat(client.next(WAIT)).hasSize(64 * 1024).startsWith("{\"ssmd_fault\":\"oversized\"");
            assertThat(parse(client.next(WAIT)).get("type").asText()).isEqualTo("orderbook_snapshot");
        }
    }

    @Test
    void aRejectedMarketGetsMarketNotFoundWhileTheOthersAreSubscribed() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 20, 1);
                WsTestClient client = server.connect()) {
            control(server, "POST", "{\"reject\":[\"" + B + "\"]}");
            client.send(SUBSCRIBE_BOOKS);
            assertThat(client.next(WAIT))
                    .isEqualTo(
                            "{\"type\":\"error\",\"id\":1,\"msg\":{\"code\":16,\"msg\":\"Market not found\",\"market_ticker\":\""
                                    + B + "\"}}");
            assertThat(client.next(WAIT))
                    .isEqualTo(
                            "{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":1}}");
            for (int i = 0; i < 20; i++) {
                assertThat(parse(client.next(WAIT)).at("/msg/market_ticker").asText())
                        .isEqualTo(A);
            }
            control(server, "POST", "{\"reject\":\"*\"}");
            client.send("{\"id\":2,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"ticker\"]}}");
            client.nextMatching(
                    f -> f.equals("{\"type\":\"error\",\"id\":2,\"msg\":{\"code\":10,\"msg\":\"Channel error\"}}"),
                    WAIT);
        }
    }

    @Test
    void ignorePingsLeavesListSubscriptionsUnansweredWhileDataFlows() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 200, 1);
                WsTestClient client = server.connect()) {
            client.send(SUBSCRIBE_BOOKS);
            control(server, "POST", "{\"ignore-pings\":true}");
            client.send("{\"id\":9,\"cmd\":\"list_subscriptions\"}");
            for (int i = 0; i < 100; i++) {
                assertThat(client.next(WAIT)).doesNotStartWith("{\"type\":\"ok\"");
            }
            control(server, "POST", "{\"ignore-pings\":false}");
            client.send("{\"id\":10,\"cmd\":\"list_subscriptions\"}");
            assertThat(client.nextMatching(f -> f.startsWith("{\"type\":\"ok\""), WAIT))
                    .isEqualTo("{\"type\":\"ok\",\"id\":10,\"msg\":[{\"channel\":\"orderbook_delta\",\"sid\":1}]}");
        }
    }

    private static void control(KalshiTestServer server, String method, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.http("/control/faults"))
                .method(
                        method,
                        body.isEmpty()
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
