package io.ssmd.core.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The score's formula, on the worked example of docs/inventory.md ("Quality score"). */
class QualityScoreTest {

    static final Instant DAY = Instant.parse("2026-01-02T00:00:00Z");
    static final long M0 = DAY.getEpochSecond() / 60;

    static Set<Long> minutes(long from, long to) {
        Set<Long> s = new HashSet<>();
        LongStream.range(from, to).forEach(m -> s.add(M0 + m));
        return s;
    }

    @Test
    void theWorkedExampleOfTheDocs() {
        // The feed ran all day; one outage 02:00 to 03:12 (72 minutes, overlapping a second report of 02:30 to
        // 03:00); two instruments: BTC sent in every minute outside the outage, ETH in 1,000 of those 1,368.
        Set<Long> outside = minutes(0, 1440);
        outside.removeAll(minutes(120, 192));
        Set<Long> eth = new HashSet<>(minutes(0, 120));
        eth.addAll(minutes(192, 192 + 880));
        QualityScore.Result r = QualityScore.compute(new QualityScore.Inputs(
                new QualityScore.Interval(DAY, DAY.plusSeconds(86_400)),
                List.of(
                        new QualityScore.Interval(DAY.plusSeconds(7_200), DAY.plusSeconds(11_520)),
                        new QualityScore.Interval(DAY.plusSeconds(9_000), DAY.plusSeconds(10_800))),
                Map.of("BTC/USD", outside, "ETH/USD", eth),
                1_000_000,
                500,
                3));

        assertThat(r.gapSeconds()).isEqualTo(4_320);
        assertThat(r.time()).isCloseTo(1 - 4_320.0 / 86_400, within(1e-12)); // 0.95
        assertThat(r.minutes()).isEqualTo(1_368);
        assertThat(r.instruments()).isCloseTo((1 + 1_000.0 / 1_368) / 2, within(1e-12)); // 0.86550
        assertThat(r.errors()).isCloseTo(1 - 10 * 500.0 / 1_000_000, within(1e-12)); // 0.995
        assertThat(r.resyncs()).isCloseTo(0.97, within(1e-12));
        // 0.95 × 0.86550 × 0.995 × 0.97 = 0.79357
        assertThat(r.score()).isEqualByComparingTo("0.79");
    }

    @Test
    void aCleanDayIsOne() {
        QualityScore.Result r = QualityScore.compute(new QualityScore.Inputs(
                new QualityScore.Interval(DAY, DAY.plusSeconds(600)),
                List.of(),
                Map.of("A", minutes(0, 10)),
                100,
                0,
                0));
        assertThat(r.score()).isEqualByComparingTo("1.00");
        assertThat(r.components())
                .containsEntry("time", 1.0)
                .containsEntry("instruments", 1.0)
                .containsEntry("errors", 1.0)
                .containsEntry("resyncs", 1.0);
    }

    @Test
    void anOpenGapRunsToTheSpansEndAndAGapOfUnknownStartCountsNothing() {
        QualityScore.Result r = QualityScore.compute(new QualityScore.Inputs(
                new QualityScore.Interval(DAY, DAY.plusSeconds(1_000)),
                java.util.Arrays.asList(
                        new QualityScore.Interval(DAY.plusSeconds(900), null),
                        new QualityScore.Interval(null, DAY.plusSeconds(500))),
                Map.of(),
                10,
                0,
                0));
        assertThat(r.gapSeconds()).isEqualTo(100);
        assertThat(r.time()).isCloseTo(0.9, within(1e-12));
        assertThat(r.score()).isEqualByComparingTo("0.90");
    }
}
