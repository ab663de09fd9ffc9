package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.db.Database;
import io.ssmd.core.testkit.PostgresDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pekko Persistence JDBC uses the node's pool ({@code ssmd-db}) and opens no connection of its own: under a burst of
 * writes from many persistent actors, PostgreSQL never sees more connections from this node than the pool's size
 * (docs/deploy.md: three nodes within PostgreSQL's default 100).
 */
class PersistencePoolTest {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    private static final int FEEDS = 12;
    private static final int RECORDS = 15;

    @Test
    void theJournalNeverHoldsMoreConnectionsThanTheNodesPool() throws Exception {
        try (Database db = Database.open(POSTGRES.settings());
                Connection sampler = POSTGRES.connect();
                Statement sample = sampler.createStatement()) {
            int poolSize = db.poolSize();
            ActorTestKit kit = PersistentSystem.start("persistence-pool", db);
            try {
                List<ActorRef<FeedAssignments.Command>> stores = new ArrayList<>();
                TestProbe<FeedAssignments.Recovered> recovered = kit.createTestProbe();
                for (int f = 0; f < FEEDS; f++) {
                    stores.add(kit.spawn(FeedAssignments.create("pool-" + f, 5, recovered.getRef())));
                }
                for (int f = 0; f < FEEDS; f++) {
                    recovered.expectMessageClass(FeedAssignments.Recovered.class, Duration.ofSeconds(30));
                }
                for (int r = 0; r < RECORDS; r++) {
                    for (int f = 0; f < FEEDS; f++) {
                        stores.get(f)
                                .tell(new FeedAssignments.Record(
                                        List.of(new FeedShard.Start("pool-" + f, r % 3, List.of("I" + r)))));
                    }
                }
                AtomicInteger most = new AtomicInteger();
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(5))
                        .until(() -> {
                            most.accumulateAndGet(connections(sample), Math::max);
                            return journalRows(sample) == FEEDS * RECORDS;
                        });

                assertThat(most.get())
                        .as("connections to the database besides the sampler, while %d actors wrote", FEEDS)
                        .isPositive()
                        .isLessThanOrEqualTo(poolSize);
            } finally {
                kit.shutdownTestKit();
            }
        }
    }

    private static int connections(Statement sample) throws SQLException {
        try (ResultSet rs = sample.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname ="
                + " current_database() AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long journalRows(Statement sample) throws SQLException {
        try (ResultSet rs = sample.executeQuery(
                "SELECT count(*) FROM event_journal WHERE persistence_id LIKE 'feed-assignments-pool-%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
