package io.ssmd.feeds.kraken.replay;

import static io.ssmd.feeds.kraken.KrakenTestServer.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.feeds.kraken.KrakenTestServer;
import io.ssmd.feeds.kraken.StreamChecker;
import io.ssmd.feeds.replay.WsTestClient;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The synthetic stream end to end, over a plain WebSocket: consistent over 10,000 book updates, and repeatable. */
public class KrakenSyntheticStreamTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    /** Subscribes to books at several depths, trades and tickers; registers the books with the checker. */
    public static void subscribeAll(WsTestClient client, StreamChecker checker) throws InterruptedException {
        book(client, checker, List.of("BTC/USD", "ETH/USD", "SOL/USD"), 10);
        book(client, checker, List.of("DOGE/USD"), 25);
        book(client, checker, List.of("USDT/USD"), 100);
        client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"BTC/USD\",\"ETH/USD\","
                + "\"DOGE/USD\",\"USDT/USD\"]},\"req_id\":10}");
        client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"BTC/USD\",\"SOL/USD\","
                + "\"DOGE/USD\"]},\"req_id\":11}");
    }

    private static void book(WsTestClient client, StreamChecker checker, List<String> symbols, int depth) {
        symbols.forEach(symbol -> checker.book(symbol, depth));
        client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\""
                + String.join("\",\"", symbols) + "\"],\"depth\":" + depth + "}}");
    }

    @Test
    void tenThousandBookUpdatesRebuildIntoValidBooksWithEveryChecksumRight() throws Exception {
        StreamChecker checker = new StreamChecker();
        try (KrakenTestServer server = KrakenTestServer.start(TESTKIT.system(), KrakenTestServer.synthetic(0, 5));
                WsTestClient client = server.connected()) {
            subscribeAll(client, checker);
            int acks = 0;
            while (checker.bookUpdates < 10_000) {
                String frame = client.next(WAIT);
                if (frame.startsWith("{\"method\":\"subscribe\"")) {
                    assertThat(frame).contains("\"success\":true");
                    acks++;
                } else {
                    checker.accept(frame);
                }
            }
            assertThat(acks).isEqualTo(5 + 4 + 3);
        }
        assertThat(checker.checksumMismatches).isZero();
        assertThat(checker.trades).isGreaterThan(1_000);
        assertThat(checker.tickers).isGreaterThan(1_000);
        assertThat(checker.multiSymbolFrames).isGreaterThan(100);
    }

    @Test
    void theSameSeedGivesTheSameStream() throws Exception {
        List<String> first = stream(42);
        assertThat(stream(42)).isEqualTo(first);
        assertThat(stream(43)).isNotEqualTo(first);
    }

    /** The first 1,000 frames of a session subscribed in one request, clock fields blanked. */
    private static List<String> stream(long seed) throws InterruptedException {
        List<String> frames = new ArrayList<>();
        try (KrakenTestServer server = KrakenTestServer.start(TESTKIT.system(), KrakenTestServer.synthetic(0, seed));
                WsTestClient client = server.client()) {
            frames.add(client.next(WAIT));
            client.send(
                    "{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"BTC/USD\",\"ETH/USD\","
                            + "\"XRP/USD\"],\"depth\":25}}");
            while (frames.size() < 1_000) {
                frames.add(KrakenTestServer.withoutTimes(client.next(WAIT)));
            }
        }
        return frames;
    }
}
