package io.ssmd.bench;

import io.nats.client.Connection;
import io.ssmd.core.config.Environment;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.NatsServerProcess;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.node.ConnectorNode;
import io.ssmd.node.DemoLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code ssmd bench connector-kalshi-heap}: the heap of a connector holding {@value #MARKETS} Kalshi markets (the
 * feed manager packs them into 63 shards of 160, plus the lifecycle companion), every shard streaming at the replay
 * server's default rate, the venue in a JVM of its own. Heap used after {@code System.gc()} (a full collection).
 */
final class HeapBench {

    static final String NAME = "connector-kalshi-heap";
    static final int MARKETS = 10_000;

    private HeapBench() {}

    static void run(int rate, Duration settle, PrintStream out) {
        out.printf(
                "ssmd bench %s: Kalshi replay server in its own JVM (synthetic, %,d markets, %d frames/s per"
                        + " connection) -> discovery -> shards of 160 -> JetStream; heap after a full GC; load %.2f%n",
                NAME,
                MARKETS,
                rate,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Path work;
        try {
            work = Files.createTempDirectory("ssmd-bench-heap-");
        } catch (IOException e) {
            throw new IllegalStateException("no temporary directory", e);
        }
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
                Connection connection = NatsConnections.connect(nats.url(), "ssmd-bench-heap")) {
            Environment environment = KalshiConnectorBench.environment(work, venue.port(), privateKey, MARKETS);
            ConnectorBench.Recorder recorder = new ConnectorBench.Recorder();
            ConnectorNode connectors = ConnectorBench.startConnectors(system, connection, environment, recorder);
            long deadline = System.nanoTime() + settle.toNanos();
            long shards = 0;
            long streaming = 0;
            while (System.nanoTime() < deadline) {
                ReplayBench.pause(Duration.ofSeconds(2));
                java.util.List<ShardHealth> health;
                try {
                    health = connectors.health().toCompletableFuture().join();
                } catch (java.util.concurrent.CompletionException e) {
                    // 64 connections subscribing 10,000 books on two cores: the health registry may answer late.
                    continue;
                }
                shards = health.size();
                streaming = health.stream()
                        .filter(h -> h.state().equals(ShardHealth.STREAMING))
                        .count();
                if (shards >= 64 && streaming == shards) {
                    break;
                }
            }
            // Let the subscribe snapshots of every book arrive before measuring.
            ReplayBench.pause(Duration.ofSeconds(5));
            var memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            out.printf(
                    "%s: %d shards (%d streaming), %,d acked messages so far; heap used after full GC %.1f MB"
                            + " (max %.0f MB)%n",
                    NAME,
                    shards,
                    streaming,
                    recorder.acked.get(),
                    used / 1e6,
                    memory.getHeapMemoryUsage().getMax() / 1e6);
            ConnectorBench.stop(system, out);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the heap benchmark failed: " + e, e);
        } finally {
            system.terminate();
            nats.stop();
        }
    }
}
