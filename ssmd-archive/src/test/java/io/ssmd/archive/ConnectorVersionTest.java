package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static io.ssmd.archive.ArchiveFixture.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.nats.ControlEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector's version travels with its data: a shard's mark keeps the version its {@code connected} named for the
 * rest of that connection, the manifest carries it (a manifest written before the field still reads), and the day's
 * inventory row names the versions of the shards connected that day.
 */
class ConnectorVersionTest {

    private static final long DAY = 24 * 60 * MINUTE;
    private static final long E1 = DAY0 + 10 * MINUTE;
    private static final long E2 = DAY0 + 20 * MINUTE;

    @TempDir
    Path root;

    @Test
    void aShardsMarkKeepsItsConnectionsVersionUntilANewConnectionSaysAnother() {
        ControlGaps gaps = new ControlGaps();
        gaps.on(1, ControlEvent.connected("kraken", "kraken-0", E1, E1, List.of("BTC/USD"), null, "1.2.0"));
        gaps.on(2, ControlEvent.of(ControlEvent.ALIVE, "kraken", "kraken-0", E1, E1 + 5_000_000L, "", List.of()));
        assertThat(gaps.marks()).extracting(ShardMark::version).containsExactly("1.2.0");

        gaps.on(3, ControlEvent.of(ControlEvent.DISCONNECTED, "kraken", "kraken-0", E1, E1 + 9_000_000L, "x", null));
        assertThat(gaps.marks()).extracting(ShardMark::version).containsExactly("1.2.0");

        // The node came back on another version.
        gaps.on(4, ControlEvent.connected("kraken", "kraken-0", E2, E2, List.of("BTC/USD"), E1 + 9_000_000L, "1.3.0"));
        gaps.on(5, ControlEvent.of(ControlEvent.ALIVE, "kraken", "kraken-0", E2, E2 + 5_000_000L, "", List.of()));
        assertThat(gaps.marks()).extracting(ShardMark::version).containsExactly("1.3.0");

        // An older ssmd's connected names none, and the connection's version is then unknown.
        gaps.on(6, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-0", E2 + 1, E2 + 1, "", List.of()));
        assertThat(gaps.marks()).extracting(ShardMark::version).containsOnlyNulls();
    }

    @Test
    void aManifestWrittenWithoutVersionsReadsBackAndItsDayHasNoConnectorVersion() throws Exception {
        Path dateDir = Files.createDirectories(
                ArchiveLayout.streamDir(root, "lab", "kraken", "LAB_KRAKEN").resolve("2026-01-01"));
        // A manifest of an ssmd before shard marks carried versions.
        Files.writeString(
                dateDir.resolve(ArchiveLayout.MANIFEST), """
                {"env":"lab","feed":"kraken","stream":"LAB_KRAKEN","date":"2026-01-01","format":"gzip",
                 "rotation":"1m","files":[],"gaps":[],"tickers":[],"message_types":[],"has_gaps":false,
                 "shards":[{"shard":"kraken-0","epoch":%d,"seen":%d,"seq":3,"instruments":["BTC/USD"]}]}
                """.formatted(E1, E1 + 5_000_000L), StandardCharsets.UTF_8);

        Manifest old = ManifestStore.read(dateDir).orElseThrow();

        assertThat(old.shards())
                .extracting(ShardMark::shard, ShardMark::epoch, ShardMark::version)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("kraken-0", E1, null));
        assertThat(InventoryDays.connectorVersion(old)).isNull();

        // Written again, a mark without a version still has no field; one with a version has it.
        new ManifestStore().write(dateDir, old);
        JsonNode unversioned = ManifestStore.JSON.readTree(
                dateDir.resolve(ArchiveLayout.MANIFEST).toFile());
        assertThat(unversioned.get("shards").get(0).has("version")).isFalse();
        new ManifestStore()
                .write(
                        dateDir,
                        old.withShards(
                                List.of(new ShardMark("kraken-0", E1, E1 + 5_000_000L, 3, null, null, null, "1.2.0"))));
        Manifest versioned = ManifestStore.read(dateDir).orElseThrow();
        assertThat(versioned.shards()).extracting(ShardMark::version).containsExactly("1.2.0");
        assertThat(InventoryDays.connectorVersion(versioned)).isEqualTo("1.2.0");
    }

    @Test
    void theDaysConnectorVersionIsTheSortedDistinctVersionsOfTheShardsConnectedThatDay() {
        Manifest day = Manifest.empty("lab", "kraken", "LAB_KRAKEN", "2026-01-01", "gzip", "1m")
                .withShards(List.of(
                        new ShardMark("kraken-0", E1, E1 + MINUTE, 4, null, null, null, "1.2.0"),
                        new ShardMark("kraken-1", E1, E1 + MINUTE, 5, null, null, null, "1.10.0"),
                        new ShardMark("kraken-2", E2, E2 + MINUTE, 6, null, null, null, "1.2.0"),
                        // Disconnected the day before, and not back: it did not serve this day.
                        new ShardMark("kraken-3", E1 - DAY, E1 - MINUTE, 2, E1 - DAY + MINUTE, "x", null, "0.9.0"),
                        // Last heard from the day before (its node died then).
                        new ShardMark("kraken-4", E1 - DAY, E1 - DAY + MINUTE, 1, null, null, null, "0.8.0"),
                        // A connection that began the next day (the marks are as of the day's last commit).
                        new ShardMark("kraken-5", E1 + DAY, E1 + DAY, 7, null, null, null, "2.0.0"),
                        new ShardMark("kraken-6", E1, E1 + MINUTE, 8, null, null, null, null)));

        assertThat(InventoryDays.connectorVersion(day)).isEqualTo("1.10.0,1.2.0");
        assertThat(InventoryDays.connectorVersion(
                        Manifest.empty("lab", "kraken", "LAB_KRAKEN", "2026-01-01", "gzip", "1m")))
                .isNull();
    }
}
