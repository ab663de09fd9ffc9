package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static io.ssmd.archive.ArchiveFixture.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.ssmd.core.config.ArchiverSpec;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.DataInventory;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.QualityIssues;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver writes {@code data_inventory} and {@code data_gaps} to PostgreSQL as it commits (DESIGN §14): a day
 * with a node restart (a new connection epoch without its {@code disconnected}, what a kill -9 leaves) and a NATS
 * outage (the connector's {@code publish_failed}), across a restart of the archiver itself, is {@code partial} with
 * exactly the manifest's gaps; a clean day is {@code complete}; the newest day is {@code processing}; and
 * {@code --rebuild} from the manifests writes the same rows again.
 */
class InventoryPostgresTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @RegisterExtension
    static final PostgresDatabase PG = new PostgresDatabase();

    static final ActorTestKit KIT = ActorTestKit.create();

    private static final long SECOND = 1_000_000L;
    private static final long DAY = 24 * 60 * MINUTE;
    private static final long E1 = DAY0 + 10 * MINUTE;
    private static final long E2 = DAY0 + 12 * MINUTE;
    private static final String VERSION = "0.0.0-inventory-test";
    private static final String CONNECTOR = "0.0.0-connector-test";
    private static final LocalDate DAY_A = LocalDate.of(2026, 1, 1);

    static Database db;
    static DataInventory inventory;

    @TempDir
    Path root;

    @BeforeAll
    static void open() {
        db = Database.open(PG.settings());
        inventory = new DataInventory(Metadata.of(db));
    }

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
        db.close();
    }

    @Test
    void aDayWithARestartAndAnOutageIsPartialWithExactlyItsGapsAndTheRebuildWritesTheSameRows() throws IOException {
        Fixture f = new Fixture("inv");
        // Day A, first life: kraken-0 connects and trades; then the node dies without a word.
        f.control(ControlEvent.connected("kraken", "kraken-0", E1, E1, List.of("BTC/USD"), null, CONNECTOR));
        f.trades(1, 5, E1 + SECOND);
        f.control(ControlEvent.of(ControlEvent.ALIVE, "kraken", "kraken-0", E1, E1 + 20 * SECOND, "", List.of()));
        f.archiver.start(KIT.system(), f.nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(f.streamDir()) == 7);
        f.archiver.stop();

        // Second life: a new epoch with no disconnected of the old one, then NATS was away for 20 s: 40 messages
        // were not acked and the connector says so once it is back.
        f.control(ControlEvent.connected("kraken", "kraken-0", E2, E2 + SECOND, List.of("BTC/USD"), null, CONNECTOR));
        f.control(ControlEvent.publishFailed(
                "kraken",
                "kraken-0",
                E2,
                E2 + 30 * SECOND,
                "nats outage",
                List.of("BTC/USD"),
                1,
                E2 + 5 * SECOND,
                E2 + 25 * SECOND,
                40));
        f.trades(6, 3, E2 + 31 * SECOND);
        // Day B: clean. Day C: one trade, so that the archiver moves past day B.
        f.trades(9, 4, E2 + DAY);
        f.trades(13, 1, E2 + 2 * DAY);
        f.archiver.start(KIT.system(), f.nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(f.streamDir()) == 17);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(f.rows())
                        .extracting(r -> r.date().toString(), DataInventory.Row::status, DataInventory.Row::gapCount)
                        .containsExactly(
                                tuple("2026-01-01", DataInventory.PARTIAL, 2),
                                tuple("2026-01-02", DataInventory.COMPLETE, 0),
                                tuple("2026-01-03", DataInventory.PROCESSING, 0)));
        f.archiver.stop();

        // Exactly the manifest's gaps, types and times.
        Manifest dayA = ArchiveFixture.manifests(f.streamDir()).get(0);
        DataInventory.Row rowA = f.rows().get(0);
        List<DataInventory.GapRecord> gapsA = gapsOf(rowA);
        assertThat(gapsA)
                .extracting(
                        DataInventory.GapRecord::type,
                        DataInventory.GapRecord::shard,
                        DataInventory.GapRecord::start,
                        DataInventory.GapRecord::end,
                        DataInventory.GapRecord::messages,
                        DataInventory.GapRecord::reason)
                .containsExactlyInAnyOrder(
                        tuple(Gap.CONNECTION_LOST, "kraken-0", at(E1 + 20 * SECOND), at(E2 + SECOND), null, "restart"),
                        tuple(
                                Gap.PUBLISH_FAILED,
                                "kraken-0",
                                at(E2 + 5 * SECOND),
                                at(E2 + 25 * SECOND),
                                40L,
                                "nats outage"));
        assertThat(gapsA)
                .extracting(
                        DataInventory.GapRecord::type,
                        DataInventory.GapRecord::fromSeq,
                        DataInventory.GapRecord::toSeq,
                        DataInventory.GapRecord::start,
                        DataInventory.GapRecord::end,
                        DataInventory.GapRecord::file)
                .containsExactlyInAnyOrderElementsOf(dayA.gaps().stream()
                        .map(g -> tuple(g.type(), g.fromSeq(), g.toSeq(), at(g.start()), at(g.end()), g.file()))
                        .toList());
        // The row tells what the manifest holds.
        assertThat(rowA.recordCount()).isEqualTo(dayA.records()).isEqualTo(12);
        assertThat(rowA.byteSize()).isEqualTo(dayA.bytes());
        assertThat(rowA.fileCount()).isEqualTo(dayA.files().size());
        assertThat(rowA.symbolCount()).isEqualTo(dayA.tickers().size());
        assertThat(rowA.firstTimestamp()).isEqualTo(at(E1));
        assertThat(rowA.lastTimestamp()).isEqualTo(at(E2 + 33 * SECOND));
        assertThat(rowA.dataType()).isEqualTo(DataInventory.RAW);
        assertThat(rowA.processorVersion()).isEqualTo(VERSION);
        assertThat(rowA.connectorVersion()).isEqualTo(CONNECTOR);
        assertThat(rowA.storagePath())
                .isEqualTo(f.streamDir().resolve("2026-01-01").toAbsolutePath() + "/");
        assertThat(inventory.latestDate("kraken")).contains(LocalDate.of(2026, 1, 3));

        // The day's quality score, from what was persisted: its time component is exactly the share of the day's span
        // (E1 .. E2 + 33 s, 153 s) outside its two gaps (101 s after the restart, 20 s of outage), and the score is
        // below one; the clean day scores 1.00.
        QualityIssues issues = new QualityIssues(Metadata.of(db));
        DailyQuality.FeedDay scoredA = DailyQuality.score(
                issues, "kraken", LocalDate.of(2026, 1, 1), dayOf(issues, f, LocalDate.of(2026, 1, 1)));
        assertThat(scoredA.result().spanSeconds()).isEqualTo(153);
        assertThat(scoredA.result().gapSeconds()).isEqualTo(121);
        assertThat(scoredA.result().time()).isCloseTo(1.0 - 121.0 / 153.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(scoredA.result().score()).isLessThan(java.math.BigDecimal.ONE);
        DailyQuality.FeedDay scoredB = DailyQuality.score(
                issues, "kraken", LocalDate.of(2026, 1, 2), dayOf(issues, f, LocalDate.of(2026, 1, 2)));
        assertThat(scoredB.result().score()).isEqualByComparingTo("1.00");

        // --rebuild from the manifests, into an emptied table, writes the same rows and gaps; again, no duplicates.
        Map<String, Object> before = f.snapshot();
        f.execute("DELETE FROM data_inventory");
        assertThat(f.rows()).isEmpty();
        List<InventoryRebuild.Written> written = InventoryRebuild.run(
                f.env,
                List.of(new ArchiverSpec("main", List.of(f.archiver.source), f.archiver.storage)),
                new InventoryRebuild.Scope(Optional.of("kraken"), Optional.empty(), Optional.empty(), false),
                inventory,
                VERSION);
        assertThat(written).hasSize(3);
        assertThat(f.snapshot()).isEqualTo(before);
        InventoryRebuild.run(
                f.env,
                List.of(new ArchiverSpec("main", List.of(f.archiver.source), f.archiver.storage)),
                new InventoryRebuild.Scope(Optional.empty(), Optional.empty(), Optional.empty(), false),
                inventory,
                VERSION);
        assertThat(f.snapshot()).isEqualTo(before);
    }

    /**
     * The day's {@code connector_version} names the ssmd versions of the shards connected that day, from their
     * {@code connected} events through the manifest's shard marks; the rebuild writes the same.
     */
    @Test
    void theDaysConnectorVersionsAreThoseOfItsConnectedShardsAndTheRebuildWritesTheSame() throws IOException {
        Fixture f = new Fixture("invv");
        // Days of their own, before the other tests' (which score every row of their day and ask for the latest).
        long e1 = E1 - 12 * DAY;
        // Day A: two shards on two versions; kraken-1 says goodbye and does not come back.
        f.control(ControlEvent.connected("kraken", "kraken-0", e1, e1, List.of("BTC/USD"), null, "1.2.0"));
        f.control(ControlEvent.connected("kraken", "kraken-1", e1, e1, List.of("ETH/USD"), null, "1.10.0"));
        f.trades(1, 3, e1 + SECOND);
        f.control(ControlEvent.of(
                ControlEvent.DISCONNECTED, "kraken", "kraken-1", e1, e1 + 30 * SECOND, "shutdown", List.of("ETH/USD")));
        // Day B: kraken-0 alone streams on. Day C: one trade, so that the archiver moves past day B.
        f.control(ControlEvent.of(ControlEvent.ALIVE, "kraken", "kraken-0", e1, e1 + DAY, "", List.of()));
        f.trades(4, 2, e1 + DAY + SECOND);
        f.trades(6, 1, e1 + 2 * DAY);
        f.archiver.start(KIT.system(), f.nats);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(f.rows())
                        .extracting(r -> r.date().toString(), DataInventory.Row::status)
                        .containsExactly(
                                tuple("2025-12-20", DataInventory.COMPLETE),
                                tuple("2025-12-21", DataInventory.COMPLETE),
                                tuple("2025-12-22", DataInventory.PROCESSING)));
        f.archiver.stop();

        assertThat(f.rows())
                .extracting(r -> r.date().toString(), DataInventory.Row::connectorVersion)
                .startsWith(tuple("2025-12-20", "1.10.0,1.2.0"), tuple("2025-12-21", "1.2.0"));
        assertThat(ArchiveFixture.manifests(f.streamDir()).get(0).shards())
                .extracting(ShardMark::shard, ShardMark::version)
                .containsExactly(tuple("kraken-0", "1.2.0"), tuple("kraken-1", "1.10.0"));

        Map<String, Object> before = f.snapshot();
        f.execute("DELETE FROM data_inventory");
        InventoryRebuild.run(
                f.env,
                List.of(new ArchiverSpec("main", List.of(f.archiver.source), f.archiver.storage)),
                new InventoryRebuild.Scope(Optional.of("kraken"), Optional.empty(), Optional.empty(), false),
                inventory,
                VERSION);
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void aFailedWriteIsCountedAndRetriedWithoutStoppingTheArchive() throws Exception {
        Fixture f = new Fixture("invf");
        f.execute("ALTER TABLE data_gaps RENAME TO data_gaps_away");
        try {
            f.control(ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-0", E1, E1, "", List.of("BTC/USD")));
            f.trades(1, 5, E1 + SECOND);
            f.archiver.start(KIT.system(), f.nats);
            // Archiving goes on while the database refuses: the files commit, the failures are counted.
            await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(f.streamDir()) == 6);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> f.archiver.streamMetrics().inventoryFailures().get() >= 1);
            assertThat(f.rows()).isEmpty();
        } finally {
            f.execute("ALTER TABLE data_gaps_away RENAME TO data_gaps");
        }
        // The retry writes the row once the table is back.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(f.rows())
                        .extracting(DataInventory.Row::recordCount, DataInventory.Row::status)
                        .containsExactly(tuple(6L, DataInventory.PROCESSING)));
        f.archiver.stop();
    }

    /**
     * {@code --rebuild --remote}: the manifests read from the bucket (S3Proxy) write the rows the local manifests
     * write, {@code storage_path} the bucket's URL.
     */
    @Test
    void theRebuildFromTheBucketWritesTheRowsOfTheLocalManifests() throws Exception {
        Fixture f = new Fixture("invr");
        f.control(ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-0", E1, E1, "", List.of("BTC/USD")));
        f.trades(1, 3, E1 + SECOND);
        f.control(ControlEvent.publishFailed(
                "kraken",
                "kraken-0",
                E1,
                E1 + 30 * SECOND,
                "nats outage",
                List.of("BTC/USD"),
                1,
                E1 + 5 * SECOND,
                E1 + 25 * SECOND,
                7));
        f.trades(4, 2, E1 + DAY);
        f.archiver.start(KIT.system(), f.nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(f.streamDir()) == 7);
        f.archiver.stop();

        org.jclouds.blobstore.BlobStoreContext blobs = org.jclouds.ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(org.jclouds.blobstore.BlobStoreContext.class);
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        org.gaul.s3proxy.S3Proxy proxy = org.gaul.s3proxy.S3Proxy.builder()
                .blobStore(blobs.getBlobStore())
                .endpoint(java.net.URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(org.gaul.s3proxy.AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret")
                .build();
        proxy.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.getState().equals("STARTED"));
            var bucket = blobs.getBlobStore();
            bucket.createContainerInLocation(null, "lab-archive");
            io.ssmd.core.config.UploadSettings upload = new io.ssmd.core.config.UploadSettings(
                    Optional.of(java.net.URI.create("http://127.0.0.1:" + port)),
                    "us-east-1",
                    "lab-archive",
                    "ssmd/",
                    true,
                    new io.ssmd.core.config.UploadSettings.Credentials("test-access", "test-secret", "test"),
                    Duration.ofMillis(100),
                    Duration.ofMillis(400),
                    Optional.empty());
            for (Path dateDir : InventoryWriter.manifestDirs(f.streamDir())) {
                String key = upload.key(ArchiveLayout.relative(root, dateDir.resolve(ArchiveLayout.MANIFEST)));
                bucket.putBlob(
                        "lab-archive",
                        bucket.blobBuilder(key)
                                .payload(java.nio.file.Files.readAllBytes(dateDir.resolve(ArchiveLayout.MANIFEST)))
                                .build());
            }
            StorageSettings storage =
                    new StorageSettings(root, StorageSettings.Format.GZIP, Duration.ofMinutes(1), Optional.of(upload));
            List<ArchiverSpec> archivers = List.of(new ArchiverSpec("main", List.of(f.archiver.source), storage));

            InventoryRebuild.run(
                    f.env,
                    archivers,
                    new InventoryRebuild.Scope(Optional.empty(), Optional.empty(), Optional.empty(), false),
                    inventory,
                    VERSION);
            Map<String, Object> local = f.snapshot();
            assertThat(f.rows())
                    .extracting(DataInventory.Row::status, DataInventory.Row::storagePath)
                    .containsExactly(
                            tuple(
                                    DataInventory.PARTIAL,
                                    "s3://lab-archive/ssmd/" + f.env + "/kraken/" + f.archiver.source.stream()
                                            + "/2026-01-01/"),
                            tuple(
                                    DataInventory.PROCESSING,
                                    "s3://lab-archive/ssmd/" + f.env + "/kraken/" + f.archiver.source.stream()
                                            + "/2026-01-02/"));
            f.execute("DELETE FROM data_inventory");
            List<InventoryRebuild.Written> remote = InventoryRebuild.run(
                    f.env,
                    archivers,
                    new InventoryRebuild.Scope(Optional.empty(), Optional.empty(), Optional.empty(), true),
                    inventory,
                    VERSION);
            assertThat(remote).hasSize(2);
            assertThat(f.snapshot()).isEqualTo(local);
        } finally {
            proxy.stop();
            blobs.close();
        }
    }

    private static List<DataInventory.GapRecord> gapsOf(DataInventory.Row row) {
        return inventory.gaps(List.of(row.id())).stream()
                .map(DataInventory.GapRow::gap)
                .toList();
    }

    private static Instant at(Long micros) {
        return micros == null ? null : Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** The fixture's own rows of the day: the other tests share the database and its dates. */
    private static List<QualityIssues.InventoryDay> dayOf(QualityIssues issues, Fixture f, LocalDate date) {
        return issues.days(date, Optional.of("kraken")).stream()
                .filter(d -> d.environment().equals(f.env))
                .toList();
    }

    private final class Fixture {
        final Connection nats;
        final JetStream js;
        final String env;
        final ArchiverHarness archiver;

        Fixture(String prefix) throws IOException {
            env = NatsServerExtension.freshName(prefix).toLowerCase();
            nats = NATS.connect();
            js = nats.jetStream();
            String stream = env.toUpperCase() + "_KRAKEN";
            ArchiveFixture.createStream(nats, stream, env, "kraken", 0);
            archiver = new ArchiverHarness(env, "kraken", stream, root, StorageSettings.Format.GZIP);
            InventoryWriter writer = new InventoryWriter(
                    new InventoryWriter.Target(
                            inventory,
                            VERSION,
                            new InventoryWriter.Settings(Duration.ofMillis(100), Duration.ofMillis(500))),
                    archiver.storage,
                    archiver.streamDir(),
                    archiver.streamMetrics().inventoryFailures(),
                    KIT.system().dispatchers().lookup(DispatcherSelector.fromConfig(ArchiverSettings.IO_DISPATCHER)));
            archiver.onCommit = writer::committed;
        }

        Path streamDir() {
            return archiver.streamDir();
        }

        List<DataInventory.Row> rows() {
            return inventory.list(new DataInventory.Filter(
                    Optional.of("kraken"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(env)));
        }

        /** Every column of this environment's rows and their gaps but ids and processed_at, by day. */
        Map<String, Object> snapshot() {
            return rows().stream()
                    .collect(Collectors.toMap(
                            r -> r.date().toString(),
                            r -> List.of(
                                    new DataInventory.Row(
                                            0,
                                            r.environment(),
                                            r.feed(),
                                            r.stream(),
                                            r.dataType(),
                                            r.date(),
                                            r.storagePath(),
                                            r.schemaVersion(),
                                            r.symbolCount(),
                                            r.recordCount(),
                                            r.byteSize(),
                                            r.fileCount(),
                                            r.firstTimestamp(),
                                            r.lastTimestamp(),
                                            r.status(),
                                            r.gapCount(),
                                            r.qualityScore(),
                                            r.qualityComponents(),
                                            r.connectorVersion(),
                                            r.processorVersion(),
                                            null),
                                    gapsOf(r))));
        }

        void trades(long first, int count, long start) {
            ArchiveFixture.publishTrades(
                    js, env + ".kraken.json.trade.BTC-USD", "kraken-0", first, count, start, SECOND);
        }

        void control(ControlEvent event) {
            ArchiveFixture.publish(
                    js,
                    ArchiveFixture.message(
                            env + ".kraken.control." + event.event() + "." + event.shard(),
                            "control:" + event.shard() + ":" + event.epoch() + ":" + event.event() + ":" + event.ts(),
                            event.ts(),
                            event.toJson()));
        }

        void execute(String sql) {
            try (java.sql.Connection c = PG.connect();
                    Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
