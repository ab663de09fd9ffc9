package io.ssmd.feeds.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared plumbing (sessions, pacing, generic faults, /control) with a minimal venue. */
class ReplayServerTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private ServerBinding binding;
    private ReplayServer server;

    @AfterEach
    void unbind() {
        if (binding != null) {
            binding.unbind().toCompletableFuture().join();
        }
    }

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    /** Sends "hello" on open, "ack" to "sub", then "d1", "d2"... while subscribed, "pong" to "ping". */
    static final class CountingVenue implements VenueServer {
        @Override
        public String venue() {
            return "test";
        }

        @Override
        public String websocketPath() {
            return "/ws/v1";
        }

        @Override
        public Route rest() {
            return Directives.path("info", () -> Directives.complete("rest"));
        }

        @Override
        public VenueSession newSession(SessionContext context) {
            return new VenueSession() {
                private boolean subscribed;
                private long n;

                @Override
                public void onOpen(SessionOutput out) {
                    out.send("hello");
                }

                @Override
                public void onClientText(String text, SessionOutput out) {
                    if (text.equals("sub")) {
                        subscribed = true;
                        out.send("ack");
                    } else if (text.equals("ping") && !context.faults().ignorePings()) {
                        out.send("pong");
                    } else if (text.equals("bye")) {
                        out.close("asked to");
                    }
                }

                @Override
                public void onPump(SessionOutput out) {
                    if (subscribed) {
                        out.sendData("{\"d\":" + (++n) + "}");
                    }
                }

                @Override
                public void onRecorded(RecordedFrame frame, SessionOutput out) {
                    if (subscribed) {
                        out.sendData(frame.text());
                    }
                }

                @Override
                public void onTick(long nowMillis, SessionOutput out) {}
            };
        }
    }

    private WsTestClient start(ReplaySettings settings) {
        server = ReplayServer.create(TESTKIT.system(), new CountingVenue(), settings, new Faults());
        binding = server.bind().toCompletableFuture().join();
        return client();
    }

    private WsTestClient client() {
        return WsTestClient.connect(
                URI.create("ws://127.0.0.1:" + binding.localAddress().getPort() + "/ws/v1"));
    }

    @Test
    void greetsAcksAndStreamsInOrder() throws Exception {
        try (WsTestClient client = start(ReplaySettings.synthetic("test", 0, 0, 1))) {
            assertThat(client.next(WAIT)).isEqualTo("hello");
            client.send("sub");
            assertThat(client.next(WAIT)).isEqualTo("ack");
            for (int i = 1; i <= 1000; i++) {
                assertThat(client.next(WAIT)).isEqualTo("{\"d\":" + i + "}");
            }
            client.send("ping");
            client.nextMatching("pong"::equals, WAIT);
        }
    }

    @Test
    void aVenueWithAConnectionLimitRefusesOneHandshakeMoreWith429UntilAConnectionCloses() throws Exception {
        WsTestClient first = start(ReplaySettings.synthetic("test", 0, 0, 1).withMaxConnections(2));
        try (WsTestClient second = client()) {
            assertThat(first.next(WAIT)).isEqualTo("hello");
            assertThat(second.next(WAIT)).isEqualTo("hello");
            await().atMost(WAIT).until(() -> server.openSessions() == 2);

            assertThatThrownBy(this::client)
                    .cause()
                    .isInstanceOf(java.net.http.WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((java.net.http.WebSocketHandshakeException) e)
                                    .getResponse()
                                    .statusCode())
                            .isEqualTo(429));
            HttpResponse<String> why = HTTP.send(
                    HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + binding.localAddress().getPort() + "/ws/v1"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(why.statusCode()).isEqualTo(429);
            assertThat(why.body()).isEqualTo("too many connections: test accepts 2 at once from one client");
            assertThat(server.refusedConnections()).isEqualTo(2);

            first.close();
            await().atMost(WAIT).until(() -> server.openSessions() == 1);
            try (WsTestClient third = client()) {
                assertThat(third.next(WAIT)).isEqualTo("hello");
            }
        }
    }

    @Test
    void dropAfterFramesEndsTheConnectionAbnormally() throws Exception {
        try (WsTestClient client = start(ReplaySettings.synthetic("test", 0, 0, 1))) {
            server.faults().dropAfterFrames(5);
            client.next(WAIT);
            client.send("sub");
            client.next(WAIT);
            List<String> data = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                data.add(client.next(WAIT));
            }
            assertThat(data).last().isEqualTo("{\"d\":5}");
            assertThat(client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1011);
        }
    }

    @Test
    void aVenueCloseIsClean() throws Exception {
        try (WsTestClient client = start(ReplaySettings.synthetic("test", 0, 10, 1))) {
            client.next(WAIT);
            client.send("bye");
            assertThat(client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1000);
        }
    }

    @Test
    void malformedAndOversizedFramesComeBeforeTheDataFrameTheyHit() throws Exception {
        try (WsTestClient client = start(ReplaySettings.synthetic("test", 0, 0, 1))) {
            server.faults().malformed().add(1);
            server.faults().oversized().add(1);
            server.faults().oversizedBytes(64 * 1024);
            client.next(WAIT);
            client.send("sub");
            client.next(WAIT);
            assertThat(client.next(WAIT)).isEqualTo("{\"d");
            String oversized = client.next(WAIT);
            assertThat(oversized).hasSize(64 * 1024).startsWith("{\"ssmd_fault\":\"oversized\"");
            assertThat(client.next(WAIT)).isEqualTo("{\"d\":1}");
            assertThat(client.next(WAIT)).isEqualTo("{\"d\":2}");
        }
    }

    @Test
    void stallKeepsTheSocketOpenAndSendsNothingUntilLifted() throws Exception {
        try (WsTestClient client = start(ReplaySettings.synthetic("test", 0, 100, 1))) {
            client.next(WAIT);
            client.send("sub");
            client.next(WAIT);
            client.next(WAIT);
            control("POST", "/control/faults", "{\"stall\":true}");
            // Frames already in flight may still arrive; then nothing, not even a pong.
            client.send("ping");
            while (client.poll(Duration.ofMillis(500)) != null) {
                assertThat(server.faults().stalled()).isTrue();
            }
            assertThat(client.ended()).isNotDone();
            control("DELETE", "/control/faults", "");
            client.send("ping");
            client.nextMatching("pong"::equals, WAIT);
        }
    }

    @Test
    void controlDisconnectDropsEveryOpenSession() throws Exception {
        try (WsTestClient first = start(ReplaySettings.synthetic("test", 0, 10, 1));
                WsTestClient second = client()) {
            first.next(WAIT);
            second.next(WAIT);
            await().atMost(WAIT).until(() -> server.openSessions() == 2);
            // The drop happens at a session's next event; the tick makes that within a tenth of a second.
            assertThat(control("POST", "/control/disconnect", "").body()).contains("\"disconnected\":2");
            assertThat(first.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1011);
            assertThat(second.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1011);
            await().atMost(WAIT).until(() -> server.openSessions() == 0);
        }
    }

    @Test
    void aBadFaultChangeIsRefusedWithTheReason() throws Exception {
        start(ReplaySettings.synthetic("test", 0, 10, 1)).close();
        HttpResponse<String> unknown = control("POST", "/control/faults", "{\"stal\":true}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("unknown key 'stal'").contains("stall-after");
        HttpResponse<String> badValue = control("POST", "/control/faults", "{\"drop-after\":\"soon\"}");
        assertThat(badValue.statusCode()).isEqualTo(400);
        assertThat(badValue.body()).contains("drop-after");
        HttpResponse<String> ok = control("POST", "/control/faults", "{\"skip-seq\":2,\"reject\":[\"BTC/USD\"]}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"skip-seq\":2").contains("BTC/USD");
        assertThat(server.faults().rejects("BTC/USD")).isTrue();
    }

    @Test
    void aSilenceHoldsBackSubscriptionsMadeBeforeItUntilTheyAreMadeAgain() throws Exception {
        start(ReplaySettings.synthetic("test", 0, 10, 1)).close();
        SessionSilence session = new SessionSilence(server.faults());
        session.subscribed("book", "ETH/USD");
        session.subscribed("ticker", "ETH/USD");
        session.subscribed("book", "BTC/USD");

        HttpResponse<String> set = control("POST", "/control/faults", "{\"silence\":[\"ETH/USD\"]}");
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(set.body()).contains("\"silence\":[\"ETH/USD\"]");
        assertThat(session.silent("book", "ETH/USD")).isTrue();
        assertThat(session.silent("ticker", "ETH/USD")).isTrue();
        assertThat(session.silent("book", "BTC/USD")).isFalse();

        // A fresh subscribe of one channel serves that channel again, like a venue that recovered.
        session.subscribed("book", "ETH/USD");
        assertThat(session.silent("book", "ETH/USD")).isFalse();
        assertThat(session.silent("ticker", "ETH/USD")).isTrue();

        control("DELETE", "/control/faults", "");
        assertThat(session.silent("ticker", "ETH/USD")).isFalse();
    }

    @Test
    void recordedFramesArePacedByTheirTimesAndTheRestServed() throws Exception {
        Path recording = dir.resolve("archive.jsonl");
        Files.writeString(recording, """
                {"ts":1000000,"seq":1,"subject":"x","id":"a","data":{"n":1}}
                {"ts":1000500,"seq":2,"subject":"x","id":"b","data":{"n":2}}

                {"ts":1001000,"seq":3,"subject":"x","id":"c","raw":"not json"}
                {"plain":"venue frame"}
                """);
        ReplaySettings settings = ReplaySettings.synthetic("test", 0, 0, 1).withRecording(recording, 1.0, false);
        try (WsTestClient client = start(settings)) {
            client.next(WAIT);
            client.send("sub");
            client.next(WAIT);
            // The recording plays from the session's start: what came before the subscription is not sent.
            List<String> got = new ArrayList<>();
            String frame;
            while ((frame = client.poll(Duration.ofSeconds(1))) != null) {
                got.add(frame);
            }
            assertThat(got).isSubsetOf("{\"n\":1}", "{\"n\":2}", "not json", "{\"plain\":\"venue frame\"}");
        }
        HttpResponse<String> rest = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + binding.localAddress().getPort() + "/info"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(rest.body()).isEqualTo("rest");
        assertThat(RecordedFrames.read(recording))
                .extracting(RecordedFrame::receivedMicros)
                .containsExactly(1000000L, 1000500L, 1001000L, -1L);
    }

    private HttpResponse<String> control(String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path))
                .method(
                        method,
                        body.isEmpty()
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
