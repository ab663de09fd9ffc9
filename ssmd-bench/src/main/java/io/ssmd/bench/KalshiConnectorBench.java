package io.ssmd.bench;

import io.nats.client.Connection;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.NatsServerProcess;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.node.ConnectorNode;
import io.ssmd.node.DemoLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code ssmd bench connector-kalshi}: the Kalshi replay server in a JVM of its own (synthetic, {@value #MARKETS}
 * markets, as fast as each session is read, signed handshakes checked) → discovery through its REST → the feed
 * manager's shards of 160 markets (13 market shards and the lifecycle companion) → JetStream, all on this machine.
 * Prints acked messages per second over all shards, the frame-to-ack latency (frame at the shard → PubAck), the
 * connector JVM's CPU per message and the venue's share of the CPU.
 */
final class KalshiConnectorBench {

    static final String SCENARIO = "connector-kalshi";
    static final int MARKETS = 2000;
    /**
     * 2,000 markets at 160 a shard (200 × fill 0.8): 12 shards of 160 and one of 80, and the {@code kalshi-lifecycle}
     * companion: 14 connections, the "14 shards".
     */
    static final int SHARDS = 14;

    private KalshiConnectorBench() {}

    static ConnectorBench.Result run(Duration warmUp, Duration measured, PrintStream out) {
        return run(ConnectorBench.Arguments.DEFAULT, warmUp, measured, out);
    }

    /** As above, with a connector bench's {@link ConnectorBench.Arguments} (rate per connection, publish window). */
    static ConnectorBench.Result run(
            ConnectorBench.Arguments arguments, Duration warmUp, Duration measured, PrintStream out) {
        int rate = arguments.rate();
        out.printf(
                "ssmd bench %s: Kalshi replay server in its own JVM (synthetic, rate %d, %,d markets, signed"
                        + " handshakes) -> discovery -> 13 shards (160 markets, the last 80) + lifecycle -> JetStream"
                        + " (file storage); publish window %s; %s warm-up, %s measured%n",
                SCENARIO, rate, MARKETS, arguments.windowText(), warmUp, measured);
        Path work;
        try {
            work = Files.createTempDirectory("ssmd-bench-kalshi-");
        } catch (IOException e) {
            throw new IllegalStateException("no temporary directory", e);
        }
        ConnectorBench.Recorder recorder = new ConnectorBench.Recorder();
        NatsServerProcess nats = NatsServerProcess.create(work.resolve("nats"));
        nats.start();
        ActorSystem<Void> system = ConnectorBench.ssmdSystem();
        Path privateKey = work.resolve("kalshi-private.pem");
        Path publicKey = work.resolve("kalshi-public.pem");
        try {
            DemoLayout.writeKeyPair(privateKey, publicKey);
        } catch (Exception e) {
            throw new IllegalStateException("no key pair", e);
        }
        try (VenueProcess venue = VenueProcess.start("kalshi", rate, MARKETS, publicKey);
                Connection connection = NatsConnections.connect(nats.url(), "ssmd-bench-kalshi")) {
            Environment environment =
                    environment(work, venue.port(), privateKey, MARKETS, UnaryOperator.identity(), arguments.window());
            ConnectorNode connectors = ConnectorBench.startConnectors(
                    system, connection, environment, recorder, arguments.connectorSettings());
            ConnectorBench.awaitStreaming(connectors, SHARDS, ConnectorBench.SHARDS_TIMEOUT, out);
            ReplayBench.pause(warmUp);
            ConnectorBench.Measured window = ConnectorBench.measure(recorder, connectors, venue, nats, measured);
            String client = ConnectorBench.client(system);
            ConnectorBench.stop(system, out);
            nats.stop();
            BenchResult ceiling = NatsCeilingBench.run(200_000, NatsCeilingBench.HeaderSet.MSG_ID);
            ConnectorBench.Result result = window.result(ceiling);
            window.print(SCENARIO, result, client, out);
            out.println("                     " + ceiling.describe());
            out.printf("%s / nats-ceiling (Nats-Msg-Id): %.2f%n", SCENARIO, result.rate() / result.ceiling());
            return result;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the Kalshi connector benchmark failed: " + e, e);
        } finally {
            system.terminate();
            nats.stop();
        }
    }

    private static Environment environment(Path work, int port, Path privateKey) throws IOException {
        return environment(work, port, privateKey, MARKETS);
    }

    /** The Kalshi feed of a bench: the shipped feed file on the replay server's port, {@code markets} discovered. */
    static Environment environment(Path work, int port, Path privateKey, int markets) throws IOException {
        return environment(work, port, privateKey, markets, UnaryOperator.identity());
    }

    /** As above, the feed file changed by {@code feedFile} first. */
    static Environment environment(Path work, int port, Path privateKey, int markets, UnaryOperator<String> feedFile)
            throws IOException {
        return environment(work, port, privateKey, markets, feedFile, 0);
    }

    /** As above, each shard's publish window {@code window} (0: the default). */
    static Environment environment(
            Path work, int port, Path privateKey, int markets, UnaryOperator<String> feedFile, int window)
            throws IOException {
        Path feeds = Files.createDirectories(work.resolve("exchanges/feeds"));
        Path shipped = NodeConfig.resolve(Path.of("exchanges/feeds/kalshi.yaml"), System.getenv());
        Files.writeString(
                feeds.resolve("kalshi.yaml"), feedFile.apply(DemoLayout.local(Files.readString(shipped), port)));
        Path env =
                Files.createDirectories(work.resolve("exchanges/environments")).resolve("bench.yaml");
        Files.writeString(env, """
                name: bench
                feeds:
                  kalshi:
                    enabled: true
                    discovery: {max-instruments: %d}
                storage:
                  archive-root: %s
                %s""".formatted(markets, work.resolve("archive"), ConnectorBench.transport(window)));
        return EnvironmentLoader.load(
                env,
                Map.of(
                        "KALSHI_API_KEY_ID",
                        DemoLayout.KALSHI_KEY_ID,
                        "KALSHI_PRIVATE_KEY_FILE",
                        privateKey.toString()));
    }
}
