package io.ssmd.core.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.ssmd.core.db.Database;
import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DataInventory}'s writes, run against PostgreSQL and H2 by the subclasses. */
abstract class DataInventoryContract {

    private static final Instant T = Instant.parse("2026-12-01T00:00:00Z");
    private static final LocalDate DAY = LocalDate.of(2026, 1, 1);

    @TempDir
    Path dir;

    private Database db;
    private DataInventory inventory;
    private String env;

    abstract DatabaseSettings settings();

    @BeforeEach
    void open() {
        db = Database.open(settings());
        inventory = new DataInventory(Metadata.of(db));
        env = "env-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private DataInventory.Key key() {
        return new DataInventory.Key(env, "kraken", "ENV_KRAKEN", DataInventory.RAW, DAY);
    }

    private DataInventory.Day day(long records, String status) {
        return new DataInventory.Day(
                key(), "/a/" + env + "/", null, 2, records, records * 10, 3, T, T.plusSeconds(60), status, null, "1.0");
    }

    private static DataInventory.GapRecord gap(String type, long fromSeq, Instant start, Instant end) {
        return new DataInventory.GapRecord(
                type, start, end, fromSeq, fromSeq + 1, "kraken-0", "why", null, null, "0000.jsonl.gz", end != null);
    }

    private DataInventory.Filter mine() {
        return new DataInventory.Filter(
                Optional.of("kraken"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(env));
    }

    @Test
    void aRowTheQualityChecksCreatedFirstIsUpdatedAndKeepsItsScore() {
        long created = inventory.findOrCreate(key(), "/a/", T);
        assertThat(inventory.findOrCreate(key(), "/a/", T)).isEqualTo(created);
        Metadata.of(db)
                .jdbi()
                .useHandle(h -> h.createUpdate("UPDATE data_inventory SET quality_score = 0.87 WHERE id = :id")
                        .bind("id", created)
                        .execute());

        long written = inventory.record(day(100, DataInventory.PARTIAL), List.of(), T);

        assertThat(written).isEqualTo(created);
        assertThat(inventory.find(key())).contains(created);
        assertThat(inventory.list(mine())).singleElement().satisfies(r -> {
            assertThat(r.recordCount()).isEqualTo(100);
            assertThat(r.status()).isEqualTo(DataInventory.PARTIAL);
            assertThat(r.qualityScore()).isEqualByComparingTo(new BigDecimal("0.87"));
        });
        assertThat(inventory.latestDate("kraken"))
                .hasValueSatisfying(d -> assertThat(d).isAfterOrEqualTo(DAY));
    }

    @Test
    void theGapsMirrorTheLogByIdentityAndARewriteNeverDuplicatesOne() {
        Instant a = T.plusSeconds(10);
        Instant b = T.plusSeconds(20);
        Instant c = T.plusSeconds(30);
        long id = inventory.record(
                day(10, DataInventory.PROCESSING),
                List.of(gap("connection_lost", 5, a, null), gap("bus_gap", 9, b, b)),
                T);
        long openId = inventory.gaps(List.of(id)).get(0).id();

        // The open gap ended, the bus_gap's file was rewritten without it, a new one came.
        inventory.record(
                day(20, DataInventory.PARTIAL),
                List.of(gap("connection_lost", 5, a, c), gap("publish_failed", 12, c, c)),
                T);
        inventory.record(
                day(20, DataInventory.PARTIAL),
                List.of(gap("connection_lost", 5, a, c), gap("publish_failed", 12, c, c)),
                T);

        List<DataInventory.GapRow> gaps = inventory.gaps(List.of(id));
        assertThat(gaps)
                .extracting(
                        g -> g.gap().type(), g -> g.gap().end(), g -> g.gap().resolved())
                .containsExactly(tuple("connection_lost", c, true), tuple("publish_failed", c, true));
        assertThat(gaps.get(0).id()).as("updated in place").isEqualTo(openId);
        assertThat(inventory.list(mine()))
                .singleElement()
                .extracting(DataInventory.Row::gapCount)
                .isEqualTo(2);
    }

    @Test
    void writersRacingOnANewDayLeaveOneRow() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Long>> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                long records = i;
                ids.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                go.await();
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                            return records % 2 == 0
                                    ? inventory.record(day(records, DataInventory.PROCESSING), List.of(), T)
                                    : inventory.findOrCreate(key(), "/a/", T);
                        },
                        pool));
            }
            go.countDown();
            List<Long> done = ids.stream().map(CompletableFuture::join).toList();
            assertThat(done).containsOnly(done.get(0));
            assertThat(inventory.list(mine())).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
