package io.ssmd.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.archive.Gap;
import io.ssmd.archive.Manifest;
import io.ssmd.archive.ManifestStore;
import io.ssmd.http.RecentGaps.ArchiveGap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveGapsTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 11, 21);
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-21T08:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path root;

    @Test
    void gapsOfEveryFeedAndStreamComeNewestFirstUpToTheLimit() throws IOException {
        writeDay(
                "lab",
                "kraken",
                "LAB_KRAKEN",
                TODAY,
                List.of(gap(Gap.BUS_GAP, at(TODAY, 1), null), gap(Gap.CONNECTION_LOST, at(TODAY, 5), "kraken-0")));
        writeDay("lab", "kalshi", "LAB_KALSHI", TODAY, List.of(gap(Gap.BOOK_RESYNC, at(TODAY, 3), "kalshi-1")));
        writeDay(
                "lab",
                "kalshi",
                "LAB_KALSHI",
                TODAY.minusDays(1),
                List.of(gap(Gap.RETENTION_LOSS, at(TODAY.minusDays(1), 23), null)));

        List<ArchiveGap> all = gaps().read(10);

        assertThat(all)
                .extracting(ArchiveGap::type)
                .containsExactly(Gap.CONNECTION_LOST, Gap.BOOK_RESYNC, Gap.BUS_GAP, Gap.RETENTION_LOSS);
        assertThat(all.get(0).feed()).isEqualTo("kraken");
        assertThat(all.get(0).stream()).isEqualTo("LAB_KRAKEN");
        assertThat(all.get(0).shard()).isEqualTo("kraken-0");
        assertThat(all.get(0).instruments()).containsExactly("BTC/USD");
        assertThat(all.get(1).feed()).isEqualTo("kalshi");
        assertThat(gaps().read(2)).extracting(ArchiveGap::type).containsExactly(Gap.CONNECTION_LOST, Gap.BOOK_RESYNC);
    }

    @Test
    void onlyThisEnvironmentsRecentDaysCount() throws IOException {
        writeDay(
                "lab",
                "kraken",
                "LAB_KRAKEN",
                TODAY.minusDays(ArchiveGaps.LOOKBACK_DAYS - 1),
                List.of(gap(Gap.BUS_GAP, at(TODAY.minusDays(ArchiveGaps.LOOKBACK_DAYS - 1), 0), null)));
        writeDay(
                "lab",
                "kraken",
                "LAB_KRAKEN",
                TODAY.minusDays(ArchiveGaps.LOOKBACK_DAYS),
                List.of(gap(Gap.RETENTION_LOSS, at(TODAY.minusDays(ArchiveGaps.LOOKBACK_DAYS), 0), null)));
        writeDay("prod", "kraken", "PROD_KRAKEN", TODAY, List.of(gap(Gap.PUBLISH_FAILED, at(TODAY, 2), "kraken-1")));

        assertThat(gaps().read(10)).extracting(ArchiveGap::type).containsExactly(Gap.BUS_GAP);
    }

    @Test
    void anArchiveRootNotWrittenYetHasNoGaps() {
        ArchiveGaps gaps = new ArchiveGaps("lab", List.of(root.resolve("not-yet")), Runnable::run, NOW);

        assertThat(gaps.read(10)).isEmpty();
    }

    @Test
    void anUnreadableManifestIsAnErrorThatNamesIt() throws IOException {
        Path day = root.resolve("lab/kraken/LAB_KRAKEN/" + TODAY);
        Files.createDirectories(day);
        Files.writeString(day.resolve("manifest.json"), "{not json");

        assertThatThrownBy(() -> gaps().read(10))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("manifest.json");
    }

    private ArchiveGaps gaps() {
        return new ArchiveGaps("lab", List.of(root), Runnable::run, NOW);
    }

    private void writeDay(String env, String feed, String stream, LocalDate date, List<Gap> gaps) throws IOException {
        Path dir = Files.createDirectories(
                root.resolve(env).resolve(feed).resolve(stream).resolve(date.toString()));
        new ManifestStore()
                .write(
                        dir,
                        new Manifest(
                                env,
                                feed,
                                stream,
                                date.toString(),
                                "gzip",
                                "15m",
                                List.of(),
                                gaps,
                                List.of(),
                                List.of(),
                                false));
    }

    private static Gap gap(String type, long start, String shard) {
        return new Gap(
                type,
                10L,
                12L,
                start,
                start + 1_000_000,
                shard,
                "test " + type,
                shard == null ? null : List.of("BTC/USD"),
                "0000.jsonl.gz");
    }

    /** Epoch µs at {@code hour}:00 UTC of {@code date}. */
    private static long at(LocalDate date, int hour) {
        return date.atTime(hour, 0).toInstant(ZoneOffset.UTC).toEpochMilli() * 1000;
    }
}
