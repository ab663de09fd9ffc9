package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.db.Database;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.settings.PersistenceSettings;
import io.ssmd.core.testkit.PostgresDatabase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feed manager with persistence (DESIGN §13): a manager that starts again on the same database re-sends the shards
 * it had, before discovery answers, and applies discovery's answer as a diff on top; nothing is packed anew.
 */
class FeedManagerRecoveryTest {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @TempDir
    Path dir;

    /** What a shard entity received, by entity id. */
    record Received(String shard, FeedShard.Start start) implements io.ssmd.core.CborSerializable {}

    @Test
    void aRestartedManagerResendsItsShardsAndPlacesOnlyWhatDiscoveryAdded() throws Exception {
        EnabledFeed feed = discoveryFeed();
        // Kraken's 100 a connection at fill ratio 0.03: three instruments a shard.
        double fillRatio = 0.03;
        try (Database db = Database.open(POSTGRES.settings())) {
            List<FeedShard.Start> before;
            ActorTestKit first = PersistentSystem.start("manager-first", db);
            try {
                TestProbe<Received> shards = shardsTo(first);
                first.spawn(manager(feed, fillRatio, () -> List.of("A", "B", "C", "D", "E", "F", "G")));
                before = latest(shards, 3);
                assertThat(before)
                        .extracting(FeedShard.Start::instruments)
                        .containsExactly(List.of("A", "B", "C"), List.of("D", "E", "F"), List.of("G"));
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> FeedAssignmentsJournalTest.count(
                                        db,
                                        "SELECT count(*) FROM \"event_journal\" WHERE \"persistence_id\" = ?",
                                        FeedAssignments.persistenceId("kraken").id())
                                >= 1);
            } finally {
                first.shutdownTestKit();
            }

            ActorTestKit second = PersistentSystem.start("manager-second", db);
            try {
                TestProbe<Received> shards = shardsTo(second);
                CountDownLatch answer = new CountDownLatch(1);
                // The same instruments in another order, and one more; answered only once the test lets it.
                second.spawn(manager(feed, fillRatio, () -> {
                    answer.await(60, TimeUnit.SECONDS);
                    return List.of("G", "F", "E", "D", "C", "B", "A", "H");
                }));

                List<FeedShard.Start> resent = latest(shards, 3);
                assertThat(resent).as("re-sent before discovery answered").containsExactlyElementsOf(before);

                answer.countDown();
                Received added = shards.expectMessageClass(Received.class, Duration.ofSeconds(30));
                assertThat(added.start().instruments())
                        .as("the new instrument fills the room in the last shard; the others keep theirs")
                        .containsExactly("G", "H");
                assertThat(added.shard()).isEqualTo(before.get(2).shard());
                shards.expectNoMessage(Duration.ofMillis(500));
            } finally {
                second.shutdownTestKit();
            }
        }
    }

    private static org.apache.pekko.actor.typed.Behavior<FeedManager.Command> manager(
            EnabledFeed feed, double fillRatio, InstrumentDiscovery discovery) {
        return FeedManager.create(
                new FeedConnector(feed, new NoVenue(), Optional.of(discovery)),
                ConnectorMetrics.create(new PrometheusRegistry()),
                fillRatio,
                Duration.ofHours(1),
                Duration.ofHours(1),
                Optional.empty(),
                SubscribeRetry.defaults(),
                Optional.of(new PersistenceSettings(2, Duration.ofMinutes(2))));
    }

    /** The shard entity of this system, replaced by one that tells the probe what it receives. */
    private static TestProbe<Received> shardsTo(ActorTestKit kit) {
        TestProbe<Received> probe = kit.createTestProbe();
        ActorRef<Received> to = probe.getRef();
        ClusterSharding.get(kit.system())
                .init(Entity.of(
                        ShardEntityType.get(kit.system()).use("test"),
                        entity -> Behaviors.receiveMessage(m -> {
                            if (m instanceof FeedShard.Start start) {
                                to.tell(new Received(entity.getEntityId(), start));
                            }
                            return Behaviors.same();
                        })));
        return probe;
    }

    /** The first start of each of {@code shards} shards, in shard order. */
    private static List<FeedShard.Start> latest(TestProbe<Received> probe, int shards) {
        Map<String, FeedShard.Start> byShard = new LinkedHashMap<>();
        while (byShard.size() < shards) {
            Received received = probe.expectMessageClass(Received.class, Duration.ofSeconds(30));
            assertThat(received.shard()).isEqualTo(received.start().shard());
            assertThat(byShard.putIfAbsent(received.shard(), received.start()))
                    .as("one start per shard")
                    .isNull();
        }
        List<FeedShard.Start> starts = new ArrayList<>(byShard.values());
        starts.sort(FeedAssignments.SHARD_ORDER);
        return starts;
    }

    /** The shipped Kraken feed, taking its instruments from discovery. */
    private EnabledFeed discoveryFeed() throws Exception {
        Path exchanges = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(exchanges.resolve("exchanges/feeds/kraken.yaml"))) {
            exchanges = exchanges.getParent();
        }
        Path feeds = Files.createDirectories(dir.resolve("feeds"));
        Files.copy(exchanges.resolve("exchanges/feeds/kraken.yaml"), feeds.resolve("kraken.yaml"));
        Path env = Files.createDirectories(dir.resolve("environments")).resolve("recovery.yaml");
        Files.writeString(env, """
                name: recovery
                feeds:
                  kraken:
                    enabled: true
                    discovery: {max-instruments: 20}
                storage:
                  archive-root: %s
                """.formatted(dir.resolve("archive")));
        return EnvironmentLoader.load(env, Map.of()).feeds().get(0);
    }

    /** A venue that is never connected: the manager only names it. */
    private static final class NoVenue implements VenueConnector {
        @Override
        public String venue() {
            return "kraken";
        }

        @Override
        public ConnectTarget target() {
            return new ConnectTarget(URI.create("ws://127.0.0.1:1"), Map.of());
        }

        @Override
        public List<String> subscribe(List<String> instruments) {
            return List.of();
        }

        @Override
        public Optional<String> keepalive() {
            return Optional.empty();
        }

        @Override
        public FrameDecoder decoder(ShardContext shard) {
            throw new UnsupportedOperationException("never connected");
        }
    }
}
