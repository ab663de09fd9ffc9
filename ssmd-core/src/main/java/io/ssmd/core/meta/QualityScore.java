package io.ssmd.core.meta;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The quality score of one feed's day, 0.00..1.00, and its components (docs/inventory.md, "Quality score"):
 *
 * <pre>
 * score       = time × instruments × errors × resyncs, rounded to two decimals
 * time        = 1 − (seconds inside a gap) / (seconds of the span the feed ran that day)
 * instruments = the mean, over the day's instruments, of (minutes with a message) / (minutes of the span not wholly
 *               inside a gap)
 * errors      = max(0, 1 − 10 × error-severity issues / records)
 * resyncs     = max(0, 1 − 0.01 × book resyncs)
 * </pre>
 *
 * Pure: the caller gathers the inputs from persisted data only (inventory, gaps, issues, the day's files).
 */
public final class QualityScore {

    /** How much one error-severity issue per message costs: 1 % of messages with errors costs 10 %. */
    public static final double ERROR_WEIGHT = 10;

    /** How much one book resync costs. */
    public static final double RESYNC_COST = 0.01;

    /** The gap types that are holes in time; a {@code book_resync} gap is scored by the resync component instead. */
    public static final Set<String> NOT_HOLES = Set.of("book_resync");

    private QualityScore() {}

    /** A stretch of time, {@code [start, end)}. */
    public record Interval(Instant start, Instant end) {}

    /**
     * What the score is computed from.
     *
     * @param span           the part of the day the feed ran: from its first record (or gap) to its last
     * @param holes          the gaps' times (open gaps end at the span's end), any order, overlapping or not
     * @param instrumentMinutes per instrument, the start of each minute with a message (epoch minute)
     * @param records        messages archived that day
     * @param errorIssues    the day's error-severity issue counts, summed
     * @param resyncs        the day's book resyncs
     */
    public record Inputs(
            Interval span,
            List<Interval> holes,
            Map<String, Set<Long>> instrumentMinutes,
            long records,
            long errorIssues,
            long resyncs) {}

    /** The score and each component, with the figures behind them. */
    public record Result(
            BigDecimal score,
            double time,
            double instruments,
            double errors,
            double resyncs,
            long spanSeconds,
            long gapSeconds,
            int instrumentCount,
            long minutes,
            long records,
            long errorIssues,
            long resyncCount) {

        /** The components as the inventory row stores them (JSON object, key order fixed). */
        public Map<String, Object> components() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("time", round(time, 4));
            c.put("instruments", round(instruments, 4));
            c.put("errors", round(errors, 4));
            c.put("resyncs", round(resyncs, 4));
            c.put("span_seconds", spanSeconds);
            c.put("gap_seconds", gapSeconds);
            c.put("instrument_count", instrumentCount);
            c.put("minutes", minutes);
            c.put("records", records);
            c.put("error_issues", errorIssues);
            c.put("resync_count", resyncCount);
            return c;
        }
    }

    public static Result compute(Inputs in) {
        Instant from = in.span().start();
        Instant to = in.span().end();
        List<Interval> holes = union(in.holes(), from, to);
        long spanMicros = micros(from, to);
        long holeMicros =
                holes.stream().mapToLong(h -> micros(h.start(), h.end())).sum();
        double time = spanMicros <= 0 ? 1.0 : 1.0 - (double) holeMicros / spanMicros;

        List<Long> minutes = new ArrayList<>();
        long firstMinute = Math.floorDiv(from.getEpochSecond(), 60);
        long lastMinute = Math.floorDiv(to.getEpochSecond() - (to.getNano() == 0 && to.isAfter(from) ? 1 : 0), 60);
        for (long m = firstMinute; m <= lastMinute; m++) {
            Instant ms = Instant.ofEpochSecond(m * 60).isBefore(from) ? from : Instant.ofEpochSecond(m * 60);
            Instant me = Instant.ofEpochSecond((m + 1) * 60).isAfter(to) ? to : Instant.ofEpochSecond((m + 1) * 60);
            if (!covered(holes, ms, me)) {
                minutes.add(m);
            }
        }
        double instruments = 1.0;
        if (!in.instrumentMinutes().isEmpty() && !minutes.isEmpty()) {
            double sum = 0;
            for (Set<Long> seen : in.instrumentMinutes().values()) {
                long hit = minutes.stream().filter(seen::contains).count();
                sum += (double) hit / minutes.size();
            }
            instruments = sum / in.instrumentMinutes().size();
        }
        double errors = in.records() <= 0
                ? (in.errorIssues() > 0 ? 0.0 : 1.0)
                : Math.max(0.0, 1.0 - ERROR_WEIGHT * in.errorIssues() / in.records());
        double resyncs = Math.max(0.0, 1.0 - RESYNC_COST * in.resyncs());
        BigDecimal score = BigDecimal.valueOf(time * instruments * errors * resyncs)
                .setScale(2, RoundingMode.HALF_UP)
                .max(BigDecimal.ZERO.setScale(2))
                .min(BigDecimal.ONE.setScale(2));
        return new Result(
                score,
                time,
                instruments,
                errors,
                resyncs,
                Duration.ofNanos(spanMicros * 1000).toSeconds(),
                Duration.ofNanos(holeMicros * 1000).toSeconds(),
                in.instrumentMinutes().size(),
                minutes.size(),
                in.records(),
                in.errorIssues(),
                in.resyncs());
    }

    /** The holes clipped to {@code [from, to)}, merged where they overlap, in order. */
    static List<Interval> union(List<Interval> holes, Instant from, Instant to) {
        List<Interval> clipped = new ArrayList<>();
        for (Interval h : holes) {
            // A hole of unknown start (a sequence jump at the first message of a segment) has no known length.
            if (h.start() == null) {
                continue;
            }
            Instant s = h.start().isBefore(from) ? from : h.start();
            Instant e = h.end() == null || h.end().isAfter(to) ? to : h.end();
            if (e.isAfter(s)) {
                clipped.add(new Interval(s, e));
            }
        }
        clipped.sort(Comparator.comparing(Interval::start));
        List<Interval> merged = new ArrayList<>();
        for (Interval h : clipped) {
            Interval last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && !h.start().isAfter(last.end())) {
                merged.set(
                        merged.size() - 1,
                        new Interval(last.start(), h.end().isAfter(last.end()) ? h.end() : last.end()));
            } else {
                merged.add(h);
            }
        }
        return merged;
    }

    private static boolean covered(List<Interval> holes, Instant s, Instant e) {
        return holes.stream().anyMatch(h -> !h.start().isAfter(s) && !h.end().isBefore(e));
    }

    private static long micros(Instant a, Instant b) {
        return Duration.between(a, b).toNanos() / 1000;
    }

    private static double round(double v, int places) {
        return BigDecimal.valueOf(v).setScale(places, RoundingMode.HALF_UP).doubleValue();
    }
}
