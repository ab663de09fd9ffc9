package io.ssmd.feeds.krakenfutures;

import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.WAIT;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.isFeed;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.parse;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.synthetic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.feeds.replay.WsTestClient;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Each fault as a Kraken Futures client sees it, set by flag ({@code Faults}) or through {@code /control}. */
class KrakenFuturesFaultsTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final String TICKER_XBT =
            "{\"event\":\"subscribe\",\"feed\":\"ticker\",\"product_ids\":[\"PF_XBTUSD\"]}";
    private static final String BOOK_XBT =
            "{\"event\":\"subscribe\",\"feed\":\"book\",\"product_ids\":[\"PF_XBTUSD\"]}";
    private static final String PING = "{\"event\":\"ping\"}";
    private static final String PONG = "{\"event\":\"pong\"}";

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    private static KrakenFuturesTestServer start(int rate) {
        return KrakenFuturesTestServer.start(TESTKIT.system(), synthetic(rate));
    }

    /** Every frame until the connection ends. */
    private static List<String> untilEnd(WsTestClient client) throws Exception {
        List<String> frames = new ArrayList<>();
        client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        String frame;
        while ((frame = client.poll(Duration.ofMillis(200))) != null) {
            frames.add(frame);
        }
        return frames;
    }

    @Test
    void dropAfterFramesEndsTheConnectionAbnormallyAfterThatManyDataFrames() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            server.faults().dropAfterFrames(5);
            WsTestClient client = server.client();
            client.send(TICKER_XBT);
            List<String> frames = untilEnd(client);
            assertThat(frames.get(0)).startsWith("{\"event\":\"subscribed\"");
            assertThat(frames.subList(1, frames.size())).hasSize(5).allMatch(f -> isFeed(f, "ticker"));
            assertThat(client.ended().get().code()).isEqualTo(1011);
        }
    }

    @Test
    void dropAfterATimeEndsTheConnectionAbnormally() throws Exception {
        try (KrakenFuturesTestServer server = start(50)) {
            server.faults().dropAfter(Duration.ofMillis(800));
            WsTestClient client = server.client();
            client.send(TICKER_XBT);
            List<String> frames = untilEnd(client);
            assertThat(client.ended().get().code()).isEqualTo(1011);
            assertThat(frames).isNotEmpty().allSatisfy(KrakenFuturesTestServer::parse);
        }
    }

    @Test
    void aStallKeepsTheSocketOpenAndSilentUntilLifted() throws Exception {
        try (KrakenFuturesTestServer server = start(100)) {
            WsTestClient client = server.client();
            client.send(TICKER_XBT);
            client.nextMatching(f -> isFeed(f, "ticker"), WAIT);
            assertThat(server.http("POST", "/control/faults", "{\"stall\":true}")
                            .statusCode())
                    .isEqualTo(200);
            client.send(PING);
            // Frames already in flight may still arrive; then nothing at all, not even the pong.
            String frame;
            while ((frame = client.poll(Duration.ofMillis(500))) != null) {
                assertThat(frame).isNotEqualTo(PONG);
            }
            assertThat(client.ended()).isNotDone();
            server.http("DELETE", "/control/faults", "");
            client.send(PING);
            client.nextMatching(PONG::equals, WAIT);
            client.nextMatching(f -> isFeed(f, "ticker"), WAIT);
        }
    }

    @Test
    void skipSeqMakesABookDeltaJumpByTwo() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            server.faults().skipSeq().add(1);
            WsTestClient client = server.client();
            client.send(BOOK_XBT);
            long seq = parse(client.nextMatching(f -> isFeed(f, "book_snapshot"), WAIT))
                    .get("seq")
                    .asLong();
            assertThat(parse(client.next(WAIT)).get("seq").asLong()).isEqualTo(seq + 2);
            seq += 2;
            for (int i = 0; i < 50; i++) {
                assertThat(parse(client.next(WAIT)).get("seq").asLong()).isEqualTo(++seq);
            }
        }
    }

    @Test
    void skipSeqEveryFromControlMakesAGapEveryNthBookDelta() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            server.http("POST", "/control/faults", "{\"skip-seq-every\":10}");
            WsTestClient client = server.client();
            client.send(BOOK_XBT);
            long seq = parse(client.nextMatching(f -> isFeed(f, "book_snapshot"), WAIT))
                    .get("seq")
                    .asLong();
            List<Integer> gapsAt = new ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                long next = parse(client.next(WAIT)).get("seq").asLong();
                if (next != seq + 1) {
                    assertThat(next).isEqualTo(seq + 2);
                    gapsAt.add(i);
                }
                seq = next;
            }
            assertThat(gapsAt).containsExactly(10, 20, 30, 40, 50, 60, 70, 80, 90, 100);
        }
    }

    @Test
    void badChecksumIsIgnoredBecauseKrakenFuturesBooksHaveNone() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            server.faults().badChecksum().add(3);
            WsTestClient client = server.client();
            client.send(BOOK_XBT);
            long seq = parse(client.nextMatching(f -> isFeed(f, "book_snapshot"), WAIT))
                    .get("seq")
                    .asLong();
            for (int i = 0; i < 200; i++) {
                JsonNode delta = parse(client.next(WAIT));
                assertThat(delta.has("checksum")).isFalse();
                assertThat(delta.get("seq").asLong()).isEqualTo(++seq);
            }
            assertThat(server.faults().badChecksum().pending()).isEqualTo(3);
        }
    }

    @Test
    void aMalformedFrameIsHalfOfTheDataFrameThatFollowsIt() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            server.faults().malformed().add(1);
            WsTestClient client = server.client();
            client.send(TICKER_XBT);
            client.next(WAIT);
            String broken = client.next(WAIT);
            assertThatThrownBy(() -> parse(broken)).isInstanceOf(UncheckedIOException.class);
            String whole = client.next(WAIT);
            assertThat(isFeed(whole, "ticker")).isTrue();
            assertThat(whole).startsWith(broken);
        }
    }

    @Test
    void anOversizedFrameComesBeforeTheDataFrameItHits() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            server.faults().oversizedBytes(64 * 1024);
            server.faults().oversized().add(1);
            WsTestClient client = server.client();
            client.send(BOOK_XBT);
            client.next(WAIT);
            String oversized = client.next(WAIT);
            assertThat(oversized).hasSize(64 * 1024).startsWith("{\"ssmd_fault\":\"oversized\"");
            assertThat(isFeed(client.next(WAIT), "book_snapshot")).isTrue();
            assertThat(isFeed(client.next(WAIT), "book")).isTrue();
        }
    }

    @Test
    void aRejectedProductGetsSubscribedFailedAndTheOthersAreSubscribed() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            server.faults().reject(List.of("PF_ETHUSD"));
            WsTestClient client = server.client();
            client.send("{\"event\":\"subscribe\",\"feed\":\"trade\",\"product_ids\":[\"PF_XBTUSD\",\"PF_ETHUSD\"]}");
            assertThat(client.next(WAIT))
                    .isEqualTo("{\"event\":\"subscribed\",\"feed\":\"trade\",\"product_ids\":[\"PF_XBTUSD\"]}");
            assertThat(client.next(WAIT))
                    .isEqualTo("{\"event\":\"subscribed_failed\",\"feed\":\"trade\",\"product_ids\":[\"PF_ETHUSD\"]}");
            for (int i = 0; i < 20; i++) {
                assertThat(parse(client.next(WAIT)).get("product_id").asText()).isEqualTo("PF_XBTUSD");
            }
        }
    }

    @Test
    void rejectingEverythingFromControlRefusesEverySubscription() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            server.http("POST", "/control/faults", "{\"reject\":[\"*\"]}");
            WsTestClient client = server.client();
            client.send(BOOK_XBT);
            assertThat(client.next(WAIT))
                    .isEqualTo("{\"event\":\"subscribed_failed\",\"feed\":\"book\",\"product_ids\":[\"PF_XBTUSD\"]}");
            assertThat(client.poll(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    void ignoredPingsGetNoPongButStillKeepTheConnectionOpen() throws Exception {
        var settings = synthetic(20).withClientIdleTimeout(Duration.ofMillis(1500));
        try (KrakenFuturesTestServer server = KrakenFuturesTestServer.start(TESTKIT.system(), settings)) {
            server.faults().ignorePings(true);
            WsTestClient client = server.client();
            client.send(TICKER_XBT);
            client.next(WAIT);
            // Eight pings 300 ms apart outlast the 1.5 s idle timeout: the venue counts them as life, answered or not.
            for (int i = 0; i < 8; i++) {
                client.send(PING);
                for (int f = 0; f < 6; f++) {
                    assertThat(client.next(WAIT)).isNotEqualTo(PONG);
                }
            }
            assertThat(client.ended()).isNotDone();
            server.faults().ignorePings(false);
            client.send(PING);
            client.nextMatching(PONG::equals, WAIT);
        }
    }

    @Test
    void controlDisconnectDropsTheSession() throws Exception {
        try (KrakenFuturesTestServer server = start(10)) {
            WsTestClient client = server.client();
            assertThat(server.http("POST", "/control/disconnect", "").body()).contains("\"disconnected\":1");
            assertThat(client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1011);
        }
    }
}
