package io.ssmd.bench;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.GatewaySpec;
import io.ssmd.core.nats.EpochMicros;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.NatsServerProcess;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.settings.NodeSettings.HttpSettings;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.Venues;
import io.ssmd.http.HttpServer;
import io.ssmd.http.gateway.ApiKeys;
import io.ssmd.http.gateway.Gateway;
import io.ssmd.http.gateway.GatewayFeed;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * {@code ssmd bench gateway}: Kraken trade messages published to JetStream at a fixed rate over 100 symbols → one
 * gateway (Kraken normalizer, fan-out) → 1,000 WebSocket clients of 10 symbols each (so every message goes to 100
 * clients), all on this machine. Prints the delivered messages per second and the publish-to-client latency (from
 * the trade's timestamp, set at publish, to the client's receipt). A second pass adds clients that never read, to
 * show the others do not wait for them.
 */
final class GatewayBench {

    static final String SCENARIO = "gateway";

    private static final int SYMBOLS = 100;
    private static final int SYMBOLS_PER_CLIENT = 10;
    /** Latency histogram: 100 µs buckets up to 30 s. */
    private static final int BUCKET_MICROS = 100;

    private static final int BUCKETS = 300_000;
    private static final int QUEUE = 1_000;
    private static final Duration MAX_LAG = Duration.ofSeconds(5);

    /** One pass's figures. */
    record Result(
            int clients,
            int stalled,
            double inputRate,
            double deliveredRate,
            long expected,
            long delivered,
            long p50Micros,
            long p99Micros,
            long maxMicros,
            long dropped,
            long stalledClosed,
            long backlog) {}

    private GatewayBench() {}

    /**
     * One pass per input rate with readers only, then a twice as long one at the last rate with 10 clients that never
     * read added (each subscribed to the whole feed with {@code ?raw=true}, so that their TCP buffers and queues
     * overflow within the pass).
     */
    static List<Result> run(
            int clients, List<Integer> inputRates, Duration warmUp, Duration measured, PrintStream out) {
        out.printf(
                "ssmd bench %s: Kraken trades over %d symbols -> JetStream (file) -> gateway -> %,d WebSocket"
                        + " clients x %d symbols (each message to %d clients), all in one JVM; client queue %,d, max lag %s;"
                        + " %s warm-up, %s measured per pass; load average before: %s%n",
                SCENARIO,
                SYMBOLS,
                clients,
                SYMBOLS_PER_CLIENT,
                clients * SYMBOLS_PER_CLIENT / SYMBOLS,
                QUEUE,
                MAX_LAG,
                warmUp,
                measured,
                loadAverage());
        List<Result> results = new ArrayList<>();
        for (int rate : inputRates) {
            results.add(pass(clients, 0, rate, warmUp, measured, out));
        }
        results.add(pass(clients, 10, inputRates.get(inputRates.size() - 1), warmUp, measured.multipliedBy(2), out));
        out.printf("load average after: %s%n", loadAverage());
        return results;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Result pass(
            int clients, int stalled, int inputRate, Duration warmUp, Duration measured, PrintStream out) {
        Path work;
        try {
            work = Files.createTempDirectory("ssmd-bench-gateway-");
        } catch (IOException e) {
            throw new IllegalStateException("no temporary directory", e);
        }
        NatsServerProcess nats = NatsServerProcess.create(work.resolve("nats"));
        nats.start();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ssmd-bench-gateway");
        List<WebSocket> sockets = new ArrayList<>();
        List<java.net.Socket> stalledSockets = new ArrayList<>();
        try (Connection connection = NatsConnections.connect(nats.url(), "ssmd-bench-gateway")) {
            connection
                    .jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name(Subjects.streamName("bench", "kraken"))
                            .subjects(Subjects.streamSubjects("bench", "kraken"))
                            .storageType(StorageType.File)
                            .build());
            PrometheusRegistry registry = new PrometheusRegistry();
            // Small enough that the clients that never read overflow and are closed within one pass.
            // Room for every client of the run, however many are asked for.
            GatewaySpec spec = new GatewaySpec(
                            true, Optional.empty(), QUEUE, MAX_LAG, GatewaySpec.DEFAULT_RECENT_TRADES)
                    .withLimits(clients + stalled, GatewaySpec.DEFAULT_MAX_SUBSCRIPTIONS);
            Gateway gateway = Gateway.start(
                    system,
                    connection,
                    "bench",
                    List.of(new GatewayFeed(
                            "kraken",
                            Optional.of(Venues.of(Venue.KRAKEN).normalizer()),
                            OptionalInt.empty(),
                            // Configured, so the clients may subscribe to them before their first trade.
                            java.util.stream.IntStream.range(0, SYMBOLS)
                                    .mapToObj(GatewayBench::symbol)
                                    .toList())),
                    spec,
                    ApiKeys.none(),
                    registry);
            ServerBinding binding = HttpServer.bind(
                            system,
                            new HttpSettings("127.0.0.1", 0),
                            gateway.routes(() -> CompletableFuture.completedFuture(List.of())))
                    .toCompletableFuture()
                    .join();
            URI uri = URI.create("ws://127.0.0.1:" + binding.localAddress().getPort() + "/v1/stream");

            Receiver receiver = new Receiver();
            List<HttpClient> https = List.of(
                    HttpClient.newHttpClient(),
                    HttpClient.newHttpClient(),
                    HttpClient.newHttpClient(),
                    HttpClient.newHttpClient());
            for (int i = 0; i < clients; i++) {
                WebSocket socket = https.get(i % https.size())
                        .newWebSocketBuilder()
                        .buildAsync(uri, receiver.listener())
                        .get(30, TimeUnit.SECONDS);
                socket.sendText(subscribe(i), true).get(10, TimeUnit.SECONDS);
                sockets.add(socket);
            }
            for (int i = 0; i < stalled; i++) {
                stalledSockets.add(StalledClient.open(
                        binding.localAddress().getPort(),
                        "/v1/stream?raw=true",
                        "{\"action\":\"subscribe\",\"feeds\":[\"kraken\"]}"));
            }
            JetStream jetStream = connection.jetStream();
            Publisher publisher = new Publisher(jetStream, inputRate);
            Thread publishing = new Thread(publisher, "bench-publisher");
            publishing.start();
            ReplayBench.pause(warmUp);

            long publishedAtStart = publisher.published.get();
            receiver.reset();
            long start = System.nanoTime();
            ReplayBench.pause(measured);
            double seconds = (System.nanoTime() - start) / 1e9;
            long delivered = receiver.delivered.get();
            long published = publisher.published.get() - publishedAtStart;
            long streamLast = connection
                    .jetStreamManagement()
                    .getStreamInfo(Subjects.streamName("bench", "kraken"))
                    .getStreamState()
                    .getLastSequence();
            // Read after the position may have moved on: a negative difference is a gateway that is caught up.
            long backlog = Math.max(0, streamLast - gateway.streamPosition("kraken"));
            publisher.stop = true;
            publishing.join(10_000);
            Result result = new Result(
                    clients,
                    stalled,
                    published / seconds,
                    delivered / seconds,
                    published * clients * SYMBOLS_PER_CLIENT / SYMBOLS,
                    delivered,
                    receiver.percentile(0.50),
                    receiver.percentile(0.99),
                    receiver.max.get(),
                    gateway.metrics().droppedTotal(),
                    clients + stalled - gateway.core().clientCount(),
                    backlog);
            out.printf(
                    "gateway %,5d clients + %2d never reading: input %,7.0f msgs/s, delivered %,9.0f msgs/s"
                            + " (%,d of %,d expected in the window); publish-to-client p50 %,d µs, p99 %,d µs, max %,d µs;"
                            + " dropped %,d, clients closed %d; gateway %,d messages behind the stream at the end%n",
                    clients,
                    stalled,
                    result.inputRate(),
                    result.deliveredRate(),
                    delivered,
                    result.expected(),
                    result.p50Micros(),
                    result.p99Micros(),
                    result.maxMicros(),
                    result.dropped(),
                    result.stalledClosed(),
                    result.backlog());
            if (stalled > 0) {
                StringBuilder worst = new StringBuilder();
                for (int i = 0; i < (int) Math.ceil(seconds); i++) {
                    worst.append(i == 0 ? "" : " ").append(receiver.worstPerSecond.get(i) / 1000);
                }
                out.printf("  worst publish-to-client latency per second of the pass, ms: %s%n", worst);
            }
            sockets.forEach(WebSocket::abort);
            binding.unbind().toCompletableFuture().join();
            gateway.close();
            return result;
        } catch (Exception e) {
            throw new IllegalStateException("the gateway benchmark failed: " + e, e);
        } finally {
            sockets.forEach(WebSocket::abort);
            stalledSockets.forEach(StalledClient::close);
            system.terminate();
            nats.stop();
        }
    }

    private static String subscribe(int client) {
        StringBuilder symbols = new StringBuilder();
        for (int k = 0; k < SYMBOLS_PER_CLIENT; k++) {
            symbols.append(k == 0 ? "" : ",")
                    .append('"')
                    .append(symbol((client * SYMBOLS_PER_CLIENT + k) % SYMBOLS))
                    .append('"');
        }
        return "{\"action\":\"subscribe\",\"symbols\":[" + symbols + "],\"types\":[\"trade\"]}";
    }

    private static String symbol(int n) {
        return "S" + n + "/USD";
    }

    /** Publishes Kraken trade messages at a steady rate, round-robin over the symbols, with ssmd's headers. */
    private static final class Publisher implements Runnable {
        final JetStream jetStream;
        final long intervalNanos;
        final AtomicLong published = new AtomicLong();
        volatile boolean stop;

        Publisher(JetStream jetStream, int rate) {
            this.jetStream = jetStream;
            this.intervalNanos = 1_000_000_000L / rate;
        }

        @Override
        public void run() {
            long next = System.nanoTime();
            List<CompletableFuture<PublishAck>> inFlight = new ArrayList<>();
            for (long n = 0; !stop; n++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                next += intervalNanos;
                String symbol = symbol((int) (n % SYMBOLS));
                long now = EpochMicros.now();
                Instant at = Instant.ofEpochSecond(now / 1_000_000, (now % 1_000_000) * 1_000);
                String frame = "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"" + symbol
                        + "\",\"side\":\"buy\",\"price\":62807.1,\"qty\":0.0125,\"ord_type\":\"market\",\"trade_id\":"
                        + n + ",\"timestamp\":\"" + at + "\"}]}";
                Headers headers = new Headers()
                        .put(PublishHeaders.MSG_ID, "kraken-0:1:" + n + ":0")
                        .put(PublishHeaders.RECEIVED_AT, Long.toString(now))
                        .put(PublishHeaders.SHARD, "kraken-0");
                inFlight.add(jetStream.publishAsync(NatsMessage.builder()
                        .subject(Subjects.marketData("bench", "kraken", "trade", Subjects.token(symbol)))
                        .headers(headers)
                        .data(frame.getBytes(StandardCharsets.UTF_8))
                        .build()));
                if (inFlight.size() >= 1024) {
                    inFlight.forEach(CompletableFuture::join);
                    inFlight.clear();
                }
                published.incrementAndGet();
            }
            inFlight.forEach(CompletableFuture::join);
        }
    }

    /** Counts what the reading clients receive and the latency of each trade, from its timestamp. */
    private static final class Receiver {
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong max = new AtomicLong();
        final AtomicLongArray histogram = new AtomicLongArray(BUCKETS);
        /** The worst latency of each second of the pass, to see when a spike happened. */
        final AtomicLongArray worstPerSecond = new AtomicLongArray(120);

        volatile long startNanos = System.nanoTime();

        void reset() {
            startNanos = System.nanoTime();
            for (int i = 0; i < worstPerSecond.length(); i++) {
                worstPerSecond.set(i, 0);
            }
            delivered.set(0);
            max.set(0);
            for (int i = 0; i < BUCKETS; i++) {
                histogram.set(i, 0);
            }
        }

        void record(String message) {
            int at = message.indexOf("\"ts\":");
            if (at < 0 || !message.startsWith("{\"type\":\"trade\"")) {
                return;
            }
            int end = at + 5;
            while (end < message.length() && Character.isDigit(message.charAt(end))) {
                end++;
            }
            long micros = EpochMicros.now() - Long.parseLong(message, at + 5, end, 10);
            delivered.incrementAndGet();
            max.accumulateAndGet(micros, Math::max);
            int second = (int) Math.min(worstPerSecond.length() - 1, (System.nanoTime() - startNanos) / 1_000_000_000L);
            worstPerSecond.accumulateAndGet(second, micros, Math::max);
            histogram.incrementAndGet((int) Math.max(0, Math.min(BUCKETS - 1, micros / BUCKET_MICROS)));
        }

        long percentile(double p) {
            long total = 0;
            for (int i = 0; i < BUCKETS; i++) {
                total += histogram.get(i);
            }
            long rank = (long) Math.ceil(p * total);
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += histogram.get(i);
                if (seen >= rank && total > 0) {
                    return (long) (i + 1) * BUCKET_MICROS;
                }
            }
            return -1;
        }

        WebSocket.Listener listener() {
            return new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    if (last && partial.length() == 0) {
                        record(data.toString());
                    } else {
                        partial.append(data);
                        if (last) {
                            record(partial.toString());
                            partial.setLength(0);
                        }
                    }
                    webSocket.request(1);
                    return null;
                }
            };
        }
    }
}
