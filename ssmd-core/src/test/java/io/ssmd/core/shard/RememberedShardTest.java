package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.db.Database;
import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster Sharding remembers the shard entities in the journal (DESIGN §13): a node that starts again restarts them
 * at once, and each asks the feed managers for its assignment. One whose feed no manager runs (a feed dropped from the
 * environment) gets none: it passivates after the timeout and is forgotten, so the next start brings no ghost back.
 */
class RememberedShardTest {

    @TempDir
    Path dir;

    private static final Duration UNASSIGNED = Duration.ofSeconds(3);

    @Test
    void aRememberedShardAsksForItsAssignmentAndOneWithoutAFeedIsForgotten() throws Exception {
        DatabaseSettings h2 = new DatabaseSettings(
                "jdbc:h2:file:" + dir.resolve("db/ssmd") + ";MODE=PostgreSQL",
                "",
                Optional.empty(),
                4,
                Duration.ofSeconds(5));
        try (Database db = Database.open(h2)) {
            // A node whose environment ran the feed "gone": its shard is started, and remembered.
            ActorTestKit first = PersistentSystem.start("remembered-first", db);
            try {
                TestProbe<FeedShard.AssignmentWanted> asked = startShards(first);
                FeedShard.ref(first.system(), "gone-0").tell(new FeedShard.Start("gone", 0, List.of("X")));
                awaitEntities(first, Set.of("gone-0"));
                asked.expectMessage(Duration.ofSeconds(30), new FeedShard.AssignmentWanted("gone-0"));
            } finally {
                first.shutdownTestKit();
            }

            // The node starts again without the feed: the shard comes back by itself and asks, in vain, then goes.
            ActorTestKit second = PersistentSystem.start("remembered-second", db);
            try {
                TestProbe<FeedShard.AssignmentWanted> asked = startShards(second);
                asked.expectMessage(Duration.ofSeconds(30), new FeedShard.AssignmentWanted("gone-0"));
                awaitEntities(second, Set.of());
            } finally {
                second.shutdownTestKit();
            }

            // Forgotten: a third start brings no ghost back.
            ActorTestKit third = PersistentSystem.start("remembered-third", db);
            try {
                TestProbe<FeedShard.AssignmentWanted> asked = startShards(third);
                asked.expectNoMessage(UNASSIGNED.plus(FeedShard.ASK_ASSIGNMENT_EVERY));
                assertThat(entities(third)).isEmpty();
            } finally {
                third.shutdownTestKit();
            }
        }
    }

    @Test
    void twoEnvironmentsOnOneDatabaseEachRememberOnlyTheirOwnShards() throws Exception {
        try (Database db = Database.open(h2("two"))) {
            // Two environments run at once on one database, with a shard of the same name each.
            ActorTestKit blue = PersistentSystem.start("remembered-blue", db);
            ActorTestKit green = PersistentSystem.start("remembered-green", db);
            try {
                startShards(
                        blue,
                        "blue",
                        blue.<FeedShard.AssignmentWanted>createTestProbe().getRef());
                startShards(
                        green,
                        "green",
                        green.<FeedShard.AssignmentWanted>createTestProbe().getRef());
                FeedShard.ref(blue.system(), "kraken-0").tell(new FeedShard.Start("kraken", 0, List.of("X")));
                FeedShard.ref(green.system(), "kraken-0").tell(new FeedShard.Start("kraken", 0, List.of("X")));
                FeedShard.ref(green.system(), "kraken-1").tell(new FeedShard.Start("kraken", 1, List.of("Y")));
                awaitEntities(blue, Set.of("kraken-0"));
                awaitEntities(green, Set.of("kraken-0", "kraken-1"));
            } finally {
                blue.shutdownTestKit();
                green.shutdownTestKit();
            }

            // Each environment's sharding state is under persistence ids of its own: none is written by both.
            List<String> ids = new ArrayList<>();
            try (Connection c = db.dataSource().getConnection();
                    ResultSet rs = c.createStatement()
                            .executeQuery("SELECT DISTINCT \"persistence_id\" FROM \"event_journal\""
                                    + " WHERE \"persistence_id\" LIKE '/sharding/%'")) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            assertThat(ids)
                    .anyMatch(id -> id.contains("FeedShard-blue"))
                    .anyMatch(id -> id.contains("FeedShard-green"))
                    .allMatch(id -> id.contains("FeedShard-blue") || id.contains("FeedShard-green"));

            // Each starts again: its own shards come back and ask, the other's do not.
            assertThat(rememberedAfterRestart(db, "blue")).containsExactly("kraken-0");
            assertThat(rememberedAfterRestart(db, "green")).containsExactlyInAnyOrder("kraken-0", "kraken-1");
        }
    }

    /** The shards a node of {@code env} restarts by itself: each asks for its assignment, gets none, passivates. */
    private static Set<String> rememberedAfterRestart(Database db, String env) {
        ActorTestKit again = PersistentSystem.start("remembered-" + env + "-again", db);
        try {
            Set<String> askedFor = ConcurrentHashMap.newKeySet();
            ActorRef<FeedShard.AssignmentWanted> collector = again.spawn(Behaviors.receiveMessage(wanted -> {
                askedFor.add(wanted.shard());
                return Behaviors.same();
            }));
            startShards(again, env, collector);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !askedFor.isEmpty());
            // Unassigned, they passivate; by then every remembered shard has started and asked.
            awaitEntities(again, Set.of());
            return Set.copyOf(askedFor);
        } finally {
            again.shutdownTestKit();
        }
    }

    private DatabaseSettings h2(String name) {
        return new DatabaseSettings(
                "jdbc:h2:file:" + dir.resolve(name + "/ssmd") + ";MODE=PostgreSQL",
                "",
                Optional.empty(),
                4,
                Duration.ofSeconds(5));
    }

    /** As below, in environment "test"; returns a probe on the topic the shards ask for their assignment on. */
    private static TestProbe<FeedShard.AssignmentWanted> startShards(ActorTestKit kit) {
        TestProbe<FeedShard.AssignmentWanted> asked = kit.createTestProbe();
        startShards(kit, "test", asked.getRef());
        return asked;
    }

    /**
     * Registers the shard entity as a node of {@code env} does with persistence, on a runtime that runs no feed;
     * {@code asked} hears on the topic the shards ask for their assignment on.
     */
    private static void startShards(ActorTestKit kit, String env, ActorRef<FeedShard.AssignmentWanted> asked) {
        ActorRef<Topic.Command<FeedShard.AssignmentWanted>> topic = kit.system()
                .systemActorOf(
                        Topic.create(FeedShard.AssignmentWanted.class, FeedShard.ASSIGNMENT_TOPIC),
                        "feed-assignment-topic",
                        Props.empty());
        topic.tell(Topic.subscribe(asked));
        ShardRuntime nothing = new ShardRuntime(
                env,
                "test-node",
                Map.of(),
                null,
                0,
                null,
                null,
                null,
                null,
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ZERO,
                null,
                outcome -> {},
                RenewSettings.defaults(),
                io.ssmd.core.nats.PublishBudget.NONE);
        FeedShard.init(kit.system(), nothing, Optional.of(new FeedShard.Remembering(topic, UNASSIGNED)));
    }

    private static void awaitEntities(ActorTestKit kit, Set<String> expected) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(entities(kit)).isEqualTo(expected));
    }

    private static Set<String> entities(ActorTestKit kit) {
        TestProbe<ShardRegion.CurrentShardRegionState> state = kit.createTestProbe();
        ClusterSharding.get(kit.system())
                .shardState()
                .tell(new GetShardRegionState(ShardEntityType.get(kit.system()).key(), state.getRef()));
        Set<String> ids = new HashSet<>();
        state.expectMessageClass(ShardRegion.CurrentShardRegionState.class, Duration.ofSeconds(10))
                .getShards()
                .forEach(s -> ids.addAll(s.getEntityIds()));
        return ids;
    }
}
