package io.ssmd.feeds.kraken;

import static io.ssmd.feeds.kraken.KrakenTestServer.WAIT;
import static io.ssmd.feeds.kraken.KrakenTestServer.json;
import static io.ssmd.feeds.kraken.KrakenTestServer.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.feeds.kraken.replay.KrakenFrames;
import io.ssmd.feeds.kraken.replay.KrakenSyntheticStreamTest;
import io.ssmd.feeds.replay.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every fault, as a plain Kraken client sees it. */
class KrakenFaultsTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final String BOOK_BTC =
            "{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"BTC/USD\"]}}";
    private static final String PING = "{\"method\":\"ping\",\"req_id\":9}";

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    private static KrakenTestServer server(int rate) {
        return KrakenTestServer.start(TESTKIT.system(), KrakenTestServer.synthetic(rate, 3));
    }

    private static boolean isPong(String frame) {
        return frame.startsWith("{\"method\":\"pong\"");
    }

    @Test
    void dropAfterFramesEndsTheConnectionAbnormallyAfterExactlyThatManyDataFrames() throws Exception {
        try (KrakenTestServer server = server(0);
                WsTestClient client = server.connected()) {
            server.faults().dropAfterFrames(5);
            client.send(BOOK_BTC);
            assertThat(client.next(WAIT)).startsWith("{\"method\":\"subscribe\"");
            StreamChecker checker = new StreamChecker();
            checker.book("BTC/USD", 10);
            for (int i = 0; i < 5; i++) {
                checker.accept(client.next(WAIT));
            }
            assertThat(checker.bookUpdates).isEqualTo(4);
            assertThat(client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1011);
            assertThat(client.poll(Duration.ZERO)).isNull();
        }
    }

    @Test
    void dropAfterATimeEndsTheConnectionAbnormally() throws Exception {
        try (KrakenTestServer server = server(50);
                WsTestClient client = server.client()) {
            server.faults().dropAfter(Duration.ofMillis(400));
            assertThat(client.next(WAIT)).startsWith("{\"channel\":\"status\"");
            client.send(BOOK_BTC);
            assertThat(client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1011);
        }
    }

    @Test
    void controlDisconnectDropsTheSession() throws Exception {
        try (KrakenTestServer server = server(50);
                WsTestClient client = server.connected()) {
            client.send(BOOK_BTC);
            client.next(WAIT);
            assertThat(server.http("POST", "/control/disconnect", "").body()).contains("\"disconnected\":1");
            assertThat(client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1011);
        }
    }

    @Test
    void aStallKeepsTheSocketOpenWithNoDataNoHeartbeatNoPong() throws Exception {
        try (KrakenTestServer server = server(200);
                WsTestClient client = server.connected()) {
            client.send(BOOK_BTC);
            client.next(WAIT);
            client.next(WAIT);
            assertThat(server.http("POST", "/control/faults", "{\"stall\":true}")
                            .statusCode())
                    .isEqualTo(200);
            client.send(PING);
            // Frames already on their way may still come; then silence, past the second a heartbeat would take.
            String late;
            while ((late = client.poll(Duration.ofMillis(500))) != null) {
                assertThat(late).doesNotStartWith("{\"method\":\"pong\"");
            }
            assertThat(client.poll(Duration.ofMillis(1_200))).isNull();
            assertThat(client.ended()).isNotDone();
            server.http("DELETE", "/control/faults", "");
            client.send(PING);
            client.nextMatching(KrakenFaultsTest::isPong, WAIT);
        }
    }

    /** Kraken spot has no sequence numbers: skip-seq changes nothing, the stream stays consistent. */
    @Test
    void skipSeqIsIgnored() throws Exception {
        try (KrakenTestServer server = server(0);
                WsTestClient client = server.connected()) {
            server.faults().skipSeq().every(1);
            server.faults().skipSeq().add(10);
            StreamChecker checker = new StreamChecker();
            KrakenSyntheticStreamTest.subscribeAll(client, checker);
            while (checker.bookUpdates < 1_000) {
                String frame = client.next(WAIT);
                if (!frame.startsWith("{\"method\"")) {
                    checker.accept(frame);
                }
            }
            assertThat(checker.checksumMismatches).isZero();
        }
    }

    @Test
    void badChecksumHitsOneUpdateWhileTheBookStaysRight() throws Exception {
        try (KrakenTestServer server = server(0);
                WsTestClient client = server.connected()) {
            client.send(BOOK_BTC);
            client.next(WAIT);
            StreamChecker checker = new StreamChecker();
            checker.book("BTC/USD", 10);
            checker.accept(client.next(WAIT));
            assertThat(server.http("POST", "/control/faults", "{\"bad-checksum\":1}")
                            .statusCode())
                    .isEqualTo(200);
            while (checker.bookUpdates < 2_000) {
                checker.accept(client.next(WAIT));
            }
            // One mismatch, and the updates after it verify again: the levels were right, only the checksum lied.
            assertThat(checker.checksumMismatches).isEqualTo(1);
        }
    }

    @Test
    void malformedJsonComesBeforeTheFrameItHitsAndTheConnectionGoesOn() throws Exception {
        try (KrakenTestServer server = server(0);
                WsTestClient client = server.connected()) {
            server.faults().malformed().add(1);
            client.send(BOOK_BTC);
            client.next(WAIT);
            String broken = client.next(WAIT);
            assertThatThrownBy(() -> KrakenTestServer.JSON.readTree(broken)).isInstanceOf(Exception.class);
            StreamChecker checker = new StreamChecker();
            checker.book("BTC/USD", 10);
            String snapshot = client.next(WAIT);
            assertThat(broken).isEqualTo(snapshot.substring(0, snapshot.length() / 2));
            checker.accept(snapshot);
            for (int i = 0; i < 100; i++) {
                checker.accept(client.next(WAIT));
            }
            assertThat(checker.checksumMismatches).isZero();
        }
    }

    @Test
    void anOversizedFrameArrivesWholeBeforeTheFrameItHit() throws Exception {
        try (KrakenTestServer server = server(0);
                WsTestClient client = server.connected()) {
            server.faults().oversizedBytes(256 * 1024);
            client.send(BOOK_BTC);
            client.next(WAIT);
            client.next(WAIT);
            server.http("POST", "/control/faults", "{\"oversized\":1}");
            String big = client.nextMatching(f -> f.length() > 100_000, WAIT);
            assertThat(big).hasSize(256 * 1024).startsWith("{\"ssmd_fault\":\"oversized\"");
            assertThat(client.next(WAIT)).startsWith("{\"channel\":\"book\",\"type\":\"update\"");
        }
    }

    @Test
    void aRejectedSymbolIsRefusedWhileTheOthersOfTheRequestAreAcked() throws Exception {
        List<String> sample = KrakenChecksumTest.sampleLines();
        try (KrakenTestServer server = server(0);
                WsTestClient client = server.connected()) {
            server.faults().reject(List.of("ETH/USD"));
            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"BTC/USD\","
                    + "\"ETH/USD\",\"SOL/USD\"],\"snapshot\":false},\"req_id\":4}");
            List<JsonNode> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(json(client.nextMatching(f -> f.startsWith("{\""), WAIT)));
            }
            assertThat(answers).extracting(a -> a.get("success").asBoolean()).containsExactly(true, false, true);
            JsonNode refused = answers.get(1);
            List<String> realKeys = new ArrayList<>(keys(json(sample.get(6))));
            realKeys.add(2, "req_id");
            assertThat(keys(refused)).isEqualTo(realKeys);
            assertThat(refused.get("error").asText()).isEqualTo("Currency pair not supported ETH/USD");

            server.http("POST", "/control/faults", "{\"reject\":[\"*\"]}");
            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"BTC/USD\"]}}");
            assertThat(client.nextMatching(f -> f.startsWith("{\"error\""), WAIT))
                    .contains("\"error\":\"Currency pair not supported BTC/USD\"");
        }
    }

    @Test
    void ignoredPingsGetNoPongWhileHeartbeatsGoOn() throws Exception {
        try (KrakenTestServer server = server(0);
                WsTestClient client = server.connected()) {
            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"BTC/USD\"],"
                    + "\"snapshot\":false}}");
            client.send("{\"method\":\"unsubscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"BTC/USD\"]}}");
            client.nextMatching(f -> f.startsWith("{\"method\":\"unsubscribe\""), WAIT);
            server.http("POST", "/control/faults", "{\"ignore-pings\":true}");
            client.send(PING);
            int heartbeats = 0;
            while (heartbeats < 2) {
                String frame = client.next(WAIT);
                assertThat(isPong(frame)).as("a pong while pings are ignored").isFalse();
                if (frame.equals(KrakenFrames.HEARTBEAT)) {
                    heartbeats++;
                }
            }
            server.http("POST", "/control/faults", "{\"ignore-pings\":false}");
            client.send(PING);
            client.nextMatching(KrakenFaultsTest::isPong, WAIT);
        }
    }
}
