package io.ssmd.bench;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.GatewaySpec;
import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.model.OrderBook;
import io.ssmd.core.model.SsmdBookSnapshot;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.NatsServerProcess;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.kraken.replay.KrakenSyntheticMarket;
import io.ssmd.http.gateway.GatewayCore;
import io.ssmd.http.gateway.GatewayFeed;
import io.ssmd.http.gateway.GatewayMetrics;
import io.ssmd.http.gateway.GatewayPipeline;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * How long a gateway takes from its start until every book is current, on a stream of {@code N} messages, with and
 * without ssmd book snapshots (DESIGN §7).
 *
 * <p>No shard runs: writing millions of messages at a real rate would take hours. The stream is filled with what one
 * would leave behind: Kraken book messages (the replay server's synthetic market, one instrument a message, as a shard
 * publishes them) and, every {@code rate × interval} messages, an ssmd book snapshot of every instrument with the seq
 * of the last message before it. The snapshots' books are built as the shard's checked books are (equal to the
 * gateway's, which KrakenBookSnapshotsTest shows), with the normalizer and {@link OrderBook}. Then a gateway reads the
 * stream from its snapshots and one from its first message; each is timed from its start to its warm-up (every message
 * there was at start applied) and their books are compared.
 */
final class GatewayStartBench {

    static final String SCENARIO = "gateway-start";

    private static final String ENV = "bench";
    private static final String FEED = "kraken";
    private static final int SYMBOLS = 50;
    private static final int DEPTH = 10;
    private static final int WINDOW = 5_000;

    private GatewayStartBench() {}

    /**
     * {@code ssmd bench gateway-start [MESSAGES...] [rate=N] [interval=DURATION]}: the stream sizes (default the
     * issue's 5,000,000 and 500,000), the ingest rate they stand for (1,000 msgs/s) and the snapshot interval (30 s,
     * {@code ssmd.connectors.book-snapshot-interval}'s default).
     */
    static void run(PrintStream out, List<String> arguments) {
        List<Long> sizes = new ArrayList<>();
        int rate = 1_000;
        Duration interval = Duration.ofSeconds(30);
        for (String argument : arguments) {
            try {
                if (argument.startsWith("rate=")) {
                    rate = Integer.parseInt(argument.substring("rate=".length()));
                } else if (argument.startsWith("interval=")) {
                    interval = com.typesafe.config.ConfigFactory.parseString(
                                    "d = " + argument.substring("interval=".length()))
                            .getDuration("d");
                } else {
                    sizes.add(Long.parseLong(argument.replace("_", "").replace(",", "")));
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        SCENARIO + ": cannot read '" + argument + "': expected MESSAGES, rate=N or interval=DURATION",
                        e);
            }
        }
        if (rate <= 0 || interval.toSeconds() <= 0 || sizes.stream().anyMatch(n -> n <= 0)) {
            throw new IllegalArgumentException(SCENARIO + ": sizes, rate and interval must be positive");
        }
        run(sizes.isEmpty() ? List.of(5_000_000L, 500_000L) : sizes, rate, interval, out);
    }

    /** What one stream size measured. */
    record Result(long messages, long tail, long snapshots, long fromSnapshotsMillis, long replayMillis) {}

    /**
     * @param sizes   stream sizes in messages, one pass each
     * @param rate    the ingest rate the stream stands for, messages per second
     * @param interval {@code book-snapshot-interval}: a snapshot of every book every {@code rate × interval} messages
     */
    static List<Result> run(List<Long> sizes, int rate, Duration interval, PrintStream out) {
        long every = Math.max(1, rate * interval.toSeconds());
        out.printf(
                "ssmd bench %s: %d Kraken symbols (depth %d), book messages at %,d msgs/s with ssmd book snapshots every"
                        + " %s (one per symbol every %,d messages); a gateway from the snapshots vs one replaying the"
                        + " whole stream, start to every book current; load average before: %s%n",
                SCENARIO, SYMBOLS, DEPTH, rate, interval, every, loadAverage());
        List<Result> results = new ArrayList<>();
        for (long size : sizes) {
            results.add(pass(size, every, out));
        }
        out.printf("load average after: %s%n", loadAverage());
        return results;
    }

    private static Result pass(long size, long every, PrintStream out) {
        Path work;
        try {
            work = Files.createTempDirectory("ssmd-bench-gateway-start-");
        } catch (IOException e) {
            throw new IllegalStateException("no temporary directory", e);
        }
        NatsServerProcess nats = NatsServerProcess.create(work.resolve("nats"));
        nats.start();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ssmd-bench-gateway-start");
        try (Connection connection = NatsConnections.connect(nats.url(), "ssmd-bench-gateway-start")) {
            connection
                    .jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name(Subjects.streamName(ENV, FEED))
                            .subjects(Subjects.streamSubjects(ENV, FEED))
                            .storageType(StorageType.File)
                            .build());
            long started = System.nanoTime();
            Filled filled = fill(connection.jetStream(), size, every);
            out.printf(
                    "  %,d messages (%,d ssmd book snapshots, %,d book messages after the last) written in %.1f s%n",
                    size, filled.snapshots, filled.tail, (System.nanoTime() - started) / 1e9);
            // Untimed: the first gateway of the JVM pays for loading and compiling what both then use.
            start(system, connection, false);
            Start fromSnapshots = start(system, connection, true);
            Start replay = start(system, connection, false);
            boolean same = fromSnapshots.books.equals(replay.books);
            out.printf(
                    "  %,d messages: from snapshots ready in %,d ms, replaying the whole stream in %,d ms;"
                            + " %d books each, %s%n",
                    size,
                    fromSnapshots.millis,
                    replay.millis,
                    replay.books.size(),
                    same ? "the same books" : "DIFFERENT BOOKS");
            return new Result(size, filled.tail, filled.snapshots, fromSnapshots.millis, replay.millis);
        } catch (Exception e) {
            throw new IllegalStateException("the gateway-start bench failed: " + e, e);
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            nats.close();
        }
    }

    private record Filled(long snapshots, long tail) {}

    /**
     * Writes {@code size} messages: book messages and, every {@code every} book messages, one snapshot per book with
     * the seq of the message before it (its PubAck is waited for first, as a shard does).
     */
    private static Filled fill(JetStream jetStream, long size, long every) throws Exception {
        KrakenSyntheticMarket market = new KrakenSyntheticMarket(17);
        Normalizer normalizer = Venues.of(Venue.KRAKEN).normalizer();
        List<String> symbols = symbols();
        Map<String, OrderBook> books = new HashMap<>();
        long now = 1_790_000_000_000_000L;
        ArrayList<CompletableFuture<PublishAck>> window = new ArrayList<>(WINDOW);
        long written = 0;
        long sinceSnapshot = 0;
        long snapshots = 0;
        int next = 0;
        while (written < size) {
            String symbol = symbols.get(next++ % symbols.size());
            String frame = books.containsKey(symbol)
                    ? market.bookUpdate(List.of(symbol), ++now, false)
                    : market.bookSnapshot(symbol, DEPTH, ++now);
            byte[] payload = frame.getBytes(StandardCharsets.UTF_8);
            for (MarketEvent event : normalizer.normalize(FEED, "orderbook", payload)) {
                if (event instanceof BookSnapshot snapshot) {
                    OrderBook book = OrderBook.withDepth(DEPTH);
                    book.apply(snapshot);
                    books.put(symbol, book);
                } else if (event instanceof BookDelta delta && books.containsKey(symbol)) {
                    books.get(symbol).apply(delta);
                }
            }
            window.add(jetStream.publishAsync(
                    Subjects.marketData(ENV, FEED, "orderbook", Subjects.token(symbol)), payload));
            written++;
            sinceSnapshot++;
            if (sinceSnapshot == every && written < size) {
                long seq =
                        window.get(window.size() - 1).get(30, TimeUnit.SECONDS).getSeqno();
                for (Map.Entry<String, OrderBook> entry : books.entrySet()) {
                    BookSnapshot book = entry.getValue().snapshot(FEED, entry.getKey(), now);
                    SsmdBookSnapshot snapshot =
                            new SsmdBookSnapshot(FEED, entry.getKey(), seq, now, book.bids(), book.asks());
                    window.add(jetStream.publishAsync(
                            Subjects.book(ENV, FEED, Subjects.token(entry.getKey())), snapshot.toJson()));
                    written++;
                    snapshots++;
                }
                sinceSnapshot = 0;
            }
            if (window.size() >= WINDOW) {
                CompletableFuture.allOf(window.toArray(CompletableFuture[]::new))
                        .get(60, TimeUnit.SECONDS);
                window.clear();
            }
        }
        CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return new Filled(snapshots, sinceSnapshot);
    }

    private record Start(long millis, Map<String, Optional<BookSnapshot>> books) {}

    /** A gateway's start, timed until every message there was at its start is applied. */
    private static Start start(ActorSystem<?> system, Connection connection, boolean fromSnapshots) throws Exception {
        GatewayCore core = new GatewayCore(
                List.of(new GatewayFeed(
                        FEED, Optional.of(Venues.of(Venue.KRAKEN).normalizer()), OptionalInt.of(DEPTH), symbols())),
                GatewaySpec.defaults(true, Optional.empty()),
                GatewayMetrics.create(new PrometheusRegistry()));
        long started = System.nanoTime();
        try (GatewayPipeline pipeline = GatewayPipeline.start(system, connection, ENV, core, fromSnapshots)) {
            pipeline.warmedUp().get(30, TimeUnit.MINUTES);
            long millis = (System.nanoTime() - started) / 1_000_000;
            Map<String, Optional<BookSnapshot>> books = new HashMap<>();
            for (String symbol : symbols()) {
                books.put(
                        symbol,
                        core.market(FEED, symbol)
                                .flatMap(m -> m.book())
                                .map(b -> new BookSnapshot(b.feed(), b.instrument(), b.bids(), b.asks(), 0)));
            }
            return new Start(millis, books);
        }
    }

    private static List<String> symbols() {
        return IntStream.range(0, SYMBOLS).mapToObj(i -> "S" + i + "/USD").toList();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
