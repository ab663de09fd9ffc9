package io.ssmd.bench;

import io.ssmd.feeds.Venues;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.VenueServer;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * {@code ssmd bench replay[-VENUE]}: the replay server's top rate per venue. A synthetic server at rate 0 (as fast as
 * the client reads) with the venue's default instruments, and one plain JDK WebSocket client subscribed to every
 * market-data channel that counts frames and characters. What it measures is the whole path: generator, session
 * stage, Pekko HTTP's WebSocket framing, loopback TCP and the client's decoding, on the same two cores.
 */
final class ReplayBench {

    static final String PREFIX = "replay";

    /** @param chars UTF-16 characters received, about the bytes for these ASCII frames */
    record Result(String venue, long frames, long chars, double seconds) {

        double framesPerSecond() {
            return frames / seconds;
        }

        String describe() {
            return String.format(
                    "replay %-15s %,11.0f frames/s  %,7.1f MB/s  (%,d frames in %.1f s)",
                    venue, framesPerSecond(), chars / seconds / 1e6, frames, seconds);
        }
    }

    private ReplayBench() {}

    /** Runs {@code replay} (every venue) or {@code replay-VENUE}. */
    static List<Result> run(String scenario, Duration warmUp, Duration measured, PrintStream out) {
        List<String> venues = scenario.equals(PREFIX) ? Venues.ids() : List.of(scenario.substring(PREFIX.length() + 1));
        if (!Venues.ids().containsAll(venues)) {
            throw new IllegalArgumentException("unknown benchmark '" + scenario + "'; choose replay or replay-VENUE"
                    + " with a venue of " + String.join(", ", Venues.ids()));
        }
        out.printf(
                "ssmd bench replay: synthetic server at rate 0, default instruments, one client; %s warm-up, %s"
                        + " measured%n",
                warmUp, measured);
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ssmd-bench-replay");
        try {
            List<Result> results = new ArrayList<>();
            for (String venue : venues) {
                Result result = runOne(system, venue, warmUp, measured);
                out.println(result.describe());
                results.add(result);
            }
            return results;
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
    }

    private static Result runOne(ActorSystem<?> system, String venue, Duration warmUp, Duration measured) {
        ReplaySettings settings = ReplaySettings.synthetic(venue, 0, 0, 1);
        VenueServer server = Venues.byId(settings.venue()).replayServer(settings);
        ServerBinding binding = ReplayServer.create(system, server, settings, new Faults())
                .bind()
                .toCompletableFuture()
                .join();
        Counter counter = new Counter();
        URI uri = URI.create("ws://127.0.0.1:" + binding.localAddress().getPort() + server.websocketPath());
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (venue.equals("kalshi")) {
            // The bench server has no public key configured, so the signature is not checked, only present.
            builder.header("KALSHI-ACCESS-KEY", "bench")
                    .header("KALSHI-ACCESS-TIMESTAMP", Long.toString(System.currentTimeMillis()))
                    .header("KALSHI-ACCESS-SIGNATURE", "unchecked");
        }
        WebSocket socket = builder.buildAsync(uri, counter).join();
        try {
            for (String subscribe :
                    Venues.byId(venue).subscribeMessages(Venues.byId(venue).defaultInstruments())) {
                socket.sendText(subscribe, true).join();
            }
            pause(warmUp);
            long frames = counter.frames.get();
            long chars = counter.chars.get();
            long start = System.nanoTime();
            pause(measured);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(venue, counter.frames.get() - frames, counter.chars.get() - chars, seconds);
        } finally {
            socket.abort();
            binding.unbind().toCompletableFuture().join();
        }
    }

    /** A benchmark waits out its measuring window; nothing here is a test waiting for an event. */
    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static final class Counter implements WebSocket.Listener {
        final AtomicLong frames = new AtomicLong();
        final AtomicLong chars = new AtomicLong();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            chars.addAndGet(data.length());
            if (last) {
                frames.incrementAndGet();
            }
            return null;
        }
    }
}
