package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.db.Database;
import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import io.ssmd.core.testkit.PostgresDatabase;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A feed's assignments in Pekko Persistence JDBC, on the tables of migration V7 and the node's own pool: written,
 * snapshotted and recovered on PostgreSQL and on the embedded H2; a version-1 event of the journal read by this build.
 */
class FeedAssignmentsJournalTest {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @TempDir
    static Path dir;

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("postgresql"), Arguments.of("h2"));
    }

    private static DatabaseSettings settings(String kind) {
        return kind.equals("h2")
                ? new DatabaseSettings(
                        "jdbc:h2:file:" + dir.resolve("db-" + System.nanoTime() + "/ssmd") + ";MODE=PostgreSQL",
                        "",
                        Optional.empty(),
                        2,
                        Duration.ofSeconds(5))
                : POSTGRES.settings();
    }

    private static final FeedShard.Start SHARD_0 = new FeedShard.Start(
            "kalshi",
            0,
            List.of("KXBTCD-26AUG2017-T60000.99", "KXHIGHNY-26AUG20-T1000"),
            Map.of("KXBTCD-26AUG2017-T60000.99", Map.of(FeedShard.Start.CATEGORY, "Crypto")));
    private static final FeedShard.Start SHARD_1 = new FeedShard.Start("kalshi", 1, List.of("KXINX-26AUG20-B5000"));
    private static final FeedShard.Start COMPANION = FeedShard.Start.companion(
            "kalshi", "lifecycle", Map.of("KXBTCD", Map.of(FeedShard.Start.CATEGORY, "Crypto")));

    @ParameterizedTest
    @MethodSource("databases")
    void assignmentsAreWrittenSnapshottedAndRecoveredOnTheV7Tables(String kind) throws Exception {
        String feed = "journal-" + kind + "-" + System.nanoTime();
        String persistenceId = FeedAssignments.persistenceId(feed).id();
        try (Database db = Database.open(settings(kind))) {
            ActorTestKit first = PersistentSystem.start("assignments-write", db);
            try {
                TestProbe<FeedAssignments.Recovered> recovered = first.createTestProbe();
                var store = first.spawn(FeedAssignments.create(feed, 2, recovered.getRef()));
                assertThat(recovered
                                .expectMessageClass(FeedAssignments.Recovered.class, Duration.ofSeconds(30))
                                .assignments())
                        .isEmpty();
                store.tell(new FeedAssignments.Record(List.of(SHARD_1, SHARD_0)));
                store.tell(new FeedAssignments.Record(List.of(COMPANION)));
                FeedShard.Start moved = new FeedShard.Start("kalshi", 1, List.of("KXINX-26AUG20-B5100"));
                store.tell(new FeedAssignments.Record(List.of(moved)));
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> count(
                                        db,
                                        "SELECT count(*) FROM \"event_journal\" WHERE \"persistence_id\" = ?",
                                        persistenceId)
                                == 3);
                // A snapshot every 2 events: the second event's.
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> count(
                                        db,
                                        "SELECT count(*) FROM \"snapshot\" WHERE \"persistence_id\" = ?",
                                        persistenceId)
                                >= 1);
            } finally {
                first.shutdownTestKit();
            }

            ActorTestKit second = PersistentSystem.start("assignments-read", db);
            try {
                TestProbe<FeedAssignments.Recovered> recovered = second.createTestProbe();
                second.spawn(FeedAssignments.create(feed, 2, recovered.getRef()));
                assertThat(recovered
                                .expectMessageClass(FeedAssignments.Recovered.class, Duration.ofSeconds(30))
                                .assignments())
                        .containsExactly(
                                SHARD_0, new FeedShard.Start("kalshi", 1, List.of("KXINX-26AUG20-B5100")), COMPANION);
            } finally {
                second.shutdownTestKit();
            }
        }
    }

    /**
     * The fixture is a version-1 {@link FeedAssignments.Assigned} as CBOR (its JSON beside it): one shard as {@link FeedShard.Start}'s
     * version 1 had it, instrument ids only. Put in the journal as the plugin writes a row (manifest without a
     * version: version 1), it is recovered as a start without attributes.
     */
    @Test
    void aVersion1EventInTheJournalIsReadAsAStartWithoutAttributes() throws Exception {
        String feed = "kraken";
        try (Database db = Database.open(settings("h2"))) {
            ActorTestKit kit = PersistentSystem.start("assignments-v1", db);
            try {
                byte[] v1;
                try (InputStream in = getClass().getResourceAsStream("/persistence/feed-assignments-v1.cbor")) {
                    v1 = in.readAllBytes();
                }
                Serializer serializer = SerializationExtension.get(
                                org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(kit.system()))
                        .serializerFor(FeedAssignments.Assigned.class);
                try (Connection c = db.dataSource().getConnection();
                        PreparedStatement insert = c.prepareStatement("INSERT INTO \"event_journal\""
                                + " (\"persistence_id\", \"sequence_number\", \"deleted\", \"writer\","
                                + " \"write_timestamp\", \"adapter_manifest\", \"event_ser_id\", \"event_ser_manifest\","
                                + " \"event_payload\") VALUES (?, 1, FALSE, 'v1-build', 0, '', ?, ?, ?)")) {
                    insert.setString(1, FeedAssignments.persistenceId(feed).id());
                    insert.setInt(2, serializer.identifier());
                    insert.setString(3, FeedAssignments.Assigned.class.getName());
                    insert.setBytes(4, v1);
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }

                TestProbe<FeedAssignments.Recovered> recovered = kit.createTestProbe();
                kit.spawn(FeedAssignments.create(feed, 100, recovered.getRef()));

                List<FeedShard.Start> read = recovered
                        .expectMessageClass(FeedAssignments.Recovered.class, Duration.ofSeconds(30))
                        .assignments();
                assertThat(read).containsExactly(new FeedShard.Start("kraken", 0, List.of("BTC/USD", "ETH/USD")));
                assertThat(read.get(0).attributes()).isEmpty();
            } finally {
                kit.shutdownTestKit();
            }
        }
    }

    static long count(Database db, String sql, String persistenceId) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, persistenceId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The V7 tables under the plugin's lower-case names, on both databases (H2 upper-cases names not quoted). */
    @ParameterizedTest
    @MethodSource("databases")
    void migrationV7CreatesThePluginsTablesUnderTheirLowerCaseNames(String kind) throws Exception {
        try (Database db = Database.open(settings(kind));
                Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            for (String table : List.of("event_journal", "event_tag", "snapshot", "durable_state")) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
                    assertThat(rs.next()).as(table).isTrue();
                }
            }
            try (ResultSet rs = s.executeQuery(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('event_journal', 'event_tag',"
                            + " 'snapshot', 'durable_state')")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(4);
            }
        }
    }
}
