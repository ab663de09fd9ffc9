package io.ssmd.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.nats.ControlEventPublisher;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.NatsServerProcess;
import io.ssmd.core.nats.StreamSetup;
import io.ssmd.core.secmaster.OutboxRelay;
import io.ssmd.core.secmaster.SecmasterRelay;
import io.ssmd.core.secmaster.SecmasterRelayMetrics;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.core.settings.SecmasterRelaySettings;
import io.ssmd.core.settings.SecmasterSettings;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.subject.SecmasterSubjects;
import io.ssmd.feeds.kalshi.replay.KalshiReplayServer;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.node.ConnectorNode;
import io.ssmd.node.DemoLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * {@code ssmd bench secmaster}'s second part: the security master's change-data-capture latency, from the database
 * commit of a new market to the venue receiving the subscription that adds it. A connector node (the node's own
 * wiring, {@link ConnectorNode}) runs a Kalshi feed with {@code ssmd.connectors.instruments-from-secmaster} on, beside
 * the real outbox relay ({@link SecmasterRelay}); {@value #BEFORE} markets stream, then a rollover of
 * {@value #ROLLOVER} markets opens on the Kalshi replay server, {@value #PER_SYNC} at a time, each stored by a sync
 * ({@code KalshiMarketSync} and {@link SecurityMaster#sync}, as {@code ssmd market sync} stores them): the commit is the
 * moment that store returns, the subscribe the moment the replay server read the {@code update_subscription} (or, on a
 * new connection, the {@code subscribe}) that names the market. The feed leaves out {@code market_lifecycle_v2}, so
 * that the sync is the market's one producer and its commit the bench's to time. A tap on {@code {ENV}_SECMASTER}'s
 * subjects splits the figure where the created event reaches NATS: the relay's part, then the feed manager's and the
 * shard's. Beside it, the floors: the relay's interval, and one JetStream publish+PubAck round trip measured here.
 */
final class SecmasterCdcBench {

    static final String NAME = "secmaster-cdc";
    static final int BEFORE = 40;
    static final int ROLLOVER = 200;
    static final int PER_SYNC = 5;
    /**
     * Market data per connection, as {@code ssmd demo} serves it: the latency is the change path's, not that of shards
     * saturated with data (rate 0, as fast as read, kept them and this machine busy).
     */
    static final int FRAMES_PER_SECOND = 20;

    private static final int ROUND_TRIPS = 1_000;
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private SecmasterCdcBench() {}

    /** What the rollover measured, in milliseconds, and the ceilings beside it. */
    record Result(
            long[] latenciesMicros,
            long[] relayedMicros,
            long[] consumedMicros,
            long[] onFirstShardMicros,
            long[] onNewShardsMicros,
            Duration relayInterval,
            long[] roundTripMicros,
            double storeMillisMedian) {

        String describe() {
            return String.format(
                    "commit -> venue subscribe   %d markets: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n"
                            + "  commit -> created event on NATS (the relay): p50 %.1f ms, p99 %.1f ms;"
                            + " event on NATS -> venue subscribe (feed manager, shard): p50 %.1f ms, p99 %.1f ms%n"
                            + "  on kalshi-0 (streaming since the start, update_subscription): %d, p50 %.1f ms; on the"
                            + " shards opened during the rollover (their first markets by subscribe, then"
                            + " update_subscription): %d, p50 %.1f ms%n"
                            + "floor: the relay's pass every %d ms (ssmd.secmaster.relay-interval; a commit waits 0-%d"
                            + " ms for it, then the feed manager gathers events for 100 ms); NATS publish+PubAck round trip p50 %.2f ms, p99 %.2f ms (%,d sequential,"
                            + " same server); a sync's store of %d created markets: median %.1f ms",
                    latenciesMicros.length,
                    ms(latenciesMicros, 0.50),
                    ms(latenciesMicros, 0.99),
                    ms(latenciesMicros, 1.0),
                    ms(relayedMicros, 0.50),
                    ms(relayedMicros, 0.99),
                    ms(consumedMicros, 0.50),
                    ms(consumedMicros, 0.99),
                    onFirstShardMicros.length,
                    ms(onFirstShardMicros, 0.50),
                    onNewShardsMicros.length,
                    ms(onNewShardsMicros, 0.50),
                    relayInterval.toMillis(),
                    relayInterval.toMillis(),
                    ms(roundTripMicros, 0.50),
                    ms(roundTripMicros, 0.99),
                    roundTripMicros.length,
                    PER_SYNC,
                    storeMillisMedian);
        }

        private static double ms(long[] sortedMicros, double p) {
            return ConnectorBench.percentile(sortedMicros, Math.min(p, 0.999999)) / 1000.0;
        }
    }

    static Result run(PrintStream out) {
        Config config = ConfigFactory.parseString("ssmd.connectors.instruments-from-secmaster = on")
                .withFallback(NodeConfig.load(Optional.empty(), System.getenv()));
        NodeSettings node = NodeSettings.create(config, System.getenv());
        SecmasterSettings syncSettings = SecmasterSettings.create(config);
        SecmasterRelaySettings relaySettings = SecmasterRelaySettings.create(config);
        Path work;
        try {
            work = Files.createTempDirectory("ssmd-bench-secmaster-cdc-");
        } catch (IOException e) {
            throw new IllegalStateException("no temporary directory", e);
        }
        SecmasterBench.BenchDatabase db = SecmasterBench.BenchDatabase.create(node.db(), work);
        NatsServerProcess nats = NatsServerProcess.create(work.resolve("nats"));
        nats.start();
        ActorSystem<Void> system = ConnectorBench.ssmdSystem();
        try (Connection connection = NatsConnections.connect(nats.url(), "ssmd-bench-secmaster");
                Database database = Database.open(db.settings())) {
            Path privateKey = work.resolve("kalshi-private.pem");
            Path publicKey = work.resolve("kalshi-public.pem");
            DemoLayout.writeKeyPair(privateKey, publicKey);
            ReplaySettings replay = ReplaySettings.synthetic("kalshi", 0, FRAMES_PER_SECOND, 1)
                    .withInstruments(KalshiReplayServer.syntheticInstruments(BEFORE))
                    .withKalshiPublicKey(publicKey);
            KalshiReplayServer venue = KalshiReplayServer.create(replay);
            ServerBinding binding = ReplayServer.create(system, venue, replay, new Faults())
                    .bind()
                    .toCompletableFuture()
                    .join();
            int port = binding.localAddress().getPort();
            Environment environment = KalshiConnectorBench.environment(
                    work, port, privateKey, BEFORE + ROLLOVER, SecmasterCdcBench::withoutLifecycle);
            EnabledFeed kalshi = environment.feed("kalshi").orElseThrow();
            out.printf(
                    "ssmd bench %s: a connector node with instruments-from-secmaster on, the outbox relay, %s; %d"
                            + " Kalshi markets streaming, then %d created on the replay server, %d a sync%n",
                    NAME, db.describe(), BEFORE, ROLLOVER, PER_SYNC);

            SecurityMaster master = new SecurityMaster(Metadata.of(database));
            SecmasterBench.sync(master, kalshi, syncSettings);
            new StreamSetup(connection.jetStreamManagement())
                    .apply(environment.streams(), environment.publishableSubjects());
            ConnectorMetrics metrics = ConnectorMetrics.create(new PrometheusRegistry());
            ControlEventPublisher control =
                    ControlEventPublisher.create(connection, environment.name(), environment.publisher(), metrics);
            ConnectorNode connectors = ConnectorNode.start(
                    system,
                    "bench",
                    node.connectors(),
                    environment,
                    connection,
                    metrics,
                    control,
                    outcome -> {},
                    Optional.of(master));
            // The relay as the node starts it (Ssmd.startSecmasterRelay): a cluster singleton on the blocking
            // dispatcher.
            SecmasterRelay.init(
                    system,
                    new OutboxRelay(
                            Metadata.of(database).jdbi(),
                            connection,
                            environment.name(),
                            relaySettings,
                            SecmasterRelayMetrics.create(new PrometheusRegistry())),
                    relaySettings,
                    system.dispatchers().lookup(DispatcherSelector.fromConfig("ssmd-blocking-dispatcher")));
            awaitSubscribed(venue, KalshiReplayServer.syntheticInstruments(BEFORE));

            long[] roundTrips = roundTrips(connection);
            // When each market's created event reached NATS, as a consumer on the same server sees it.
            Map<String, Long> announced = new ConcurrentHashMap<>();
            Dispatcher tap = connection.createDispatcher(message -> {
                long at = System.nanoTime();
                try {
                    announced.putIfAbsent(
                            JSON.readTree(message.getData()).path("instrument").asText(), at);
                } catch (IOException e) {
                    throw new IllegalStateException("an unreadable security-master event: " + e, e);
                }
            });
            // A new market's first event is its created event.
            tap.subscribe(SecmasterSubjects.feedSubjects(environment.name(), "kalshi"));
            Map<String, Long> latencies = new LinkedHashMap<>();
            Map<String, Long> relayed = new LinkedHashMap<>();
            Map<String, Long> consumed = new LinkedHashMap<>();
            List<Double> stores = new ArrayList<>();
            List<String> rollover = KalshiReplayServer.rolloverInstruments(ROLLOVER);
            for (int from = 0; from < ROLLOVER; from += PER_SYNC) {
                List<String> opened = rollover.subList(from, from + PER_SYNC);
                lifecycle(port, "created", opened);
                lifecycle(port, "activated", opened);
                SecmasterBench.Timing sync = SecmasterBench.sync(master, kalshi, syncSettings);
                stores.add(sync.storeSeconds() * 1000);
                awaitSubscribed(venue, opened);
                for (String ticker : opened) {
                    long subscribedAt = venue.firstSubscribedNanos(ticker).getAsLong();
                    latencies.put(ticker, (subscribedAt - sync.storedAtNanos()) / 1000);
                    Long onNats = announced.get(ticker);
                    if (onNats != null) {
                        relayed.put(ticker, (onNats - sync.storedAtNanos()) / 1000);
                        consumed.put(ticker, (subscribedAt - onNats) / 1000);
                    }
                }
            }
            Set<String> onKalshi0 = connectors.health().toCompletableFuture().join().stream()
                    .filter(h -> h.shard().equals("kalshi-0"))
                    .map(ShardHealth::instruments)
                    .flatMap(List::stream)
                    .collect(Collectors.toSet());
            binding.unbind().toCompletableFuture().join();
            // Before the NATS connection closes (the try's resources), so that the relay and the shards stop quietly.
            ConnectorBench.stop(system, out);
            Result result = new Result(
                    sorted(latencies.values().stream().mapToLong(Long::longValue)),
                    sorted(relayed.values().stream().mapToLong(Long::longValue)),
                    sorted(consumed.values().stream().mapToLong(Long::longValue)),
                    sorted(latencies.entrySet().stream()
                            .filter(e -> onKalshi0.contains(e.getKey()))
                            .mapToLong(Map.Entry::getValue)),
                    sorted(latencies.entrySet().stream()
                            .filter(e -> !onKalshi0.contains(e.getKey()))
                            .mapToLong(Map.Entry::getValue)),
                    relaySettings.interval(),
                    roundTrips,
                    stores.stream().sorted().toList().get(stores.size() / 2));
            out.println(result.describe());
            return result;
        } catch (IOException | InterruptedException | JetStreamApiException e) {
            throw new IllegalStateException("the security-master CDC benchmark failed: " + e, e);
        } finally {
            ConnectorBench.stop(system, out);
            nats.stop();
            db.drop();
        }
    }

    /** The shipped Kalshi feed without the lifecycle channel: its watcher would store the new markets first. */
    private static String withoutLifecycle(String feedYaml) {
        String without = feedYaml.replaceAll("(?m)^(channels:.*?),\\s*market_lifecycle_v2", "$1");
        if (without.equals(feedYaml)) {
            throw new IllegalStateException(
                    "the shipped kalshi.yaml lists no market_lifecycle_v2 channel to leave out");
        }
        return without;
    }

    private static void lifecycle(int port, String event, List<String> tickers)
            throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/control/lifecycle"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"" + event + "\",\"tickers\":[\""
                                + String.join("\",\"", tickers) + "\"]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "POST /control/lifecycle answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Waits (polling every millisecond, at most {@link #WAIT}) until the venue has seen each ticker subscribed. */
    private static void awaitSubscribed(KalshiReplayServer venue, List<String> tickers) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (String ticker : tickers) {
            OptionalLong at;
            while ((at = venue.firstSubscribedNanos(ticker)).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(ticker + " was not subscribed at the venue within " + WAIT);
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    /**
     * The ceiling beside the figure: {@value #ROUND_TRIPS} JetStream publishes with a {@code Nats-Msg-Id}, one at a
     * time, each waiting for its PubAck, on the same server and connection as the relay (a stream of its own, file
     * storage like {@code {ENV}_SECMASTER}); in microseconds, sorted.
     */
    private static long[] roundTrips(Connection connection) throws IOException, JetStreamApiException {
        String stream = "BENCH_ROUND_TRIP";
        connection
                .jetStreamManagement()
                .addStream(StreamConfiguration.builder()
                        .name(stream)
                        .subjects("bench-round-trip")
                        .storageType(StorageType.File)
                        .build());
        JetStream js = connection.jetStream();
        byte[] payload = "x".repeat(600).getBytes(StandardCharsets.UTF_8);
        long[] micros = new long[ROUND_TRIPS];
        for (int i = 0; i < ROUND_TRIPS; i++) {
            long start = System.nanoTime();
            js.publish(
                    "bench-round-trip",
                    payload,
                    PublishOptions.builder().messageId("rt-" + i).build());
            micros[i] = (System.nanoTime() - start) / 1000;
        }
        connection.jetStreamManagement().deleteStream(stream);
        Arrays.sort(micros);
        return micros;
    }

    private static long[] sorted(java.util.stream.LongStream values) {
        return values.sorted().toArray();
    }
}
