package io.ssmd.bench;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.FrameDecoder;
import io.ssmd.feeds.Venues;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The decode+route figures of {@link DecodeBench} measured by a plain single-threaded loop on the same frames and
 * decoder, timed by the thread's own CPU time: on a shared machine a thread waiting for a core adds nothing to it,
 * where JMH's wall time per operation grows with the load. Allocation per frame is the thread's allocated bytes,
 * exact as JMH's. {@code java -cp <ssmd-bench classpath> io.ssmd.bench.DecodeLoop [SECONDS]}.
 */
public final class DecodeLoop {

    /** One venue's figures: CPU and wall nanoseconds and bytes allocated per frame, messages routed per frame. */
    record Figures(
            String venue,
            long frames,
            double cpuNanos,
            double wallNanos,
            double bytes,
            double routed,
            Map<String, Long> medianByType) {}

    private DecodeLoop() {}

    /** {@code [SECONDS [VENUE...]]}: every venue by default. */
    public static void main(String[] args) {
        Duration measure = args.length > 0 ? Duration.ofSeconds(Long.parseLong(args[0])) : Duration.ofSeconds(5);
        List<String> venues = args.length > 1 ? List.of(args).subList(1, args.length) : Venues.ids();
        run(measure, venues, System.out);
    }

    /** Each venue warmed up for {@code measure}, then measured for as long; a table of the figures. */
    static void run(Duration measure, PrintStream out) {
        run(measure, Venues.ids(), out);
    }

    static void run(Duration measure, List<String> venues, PrintStream out) {
        List<String> medians = new ArrayList<>();
        out.printf(
                "decode+route, plain loop, one thread (CPU time of the thread; %d s a venue after as long a warm-up)%n",
                measure.toSeconds());
        out.printf(
                "%-15s %10s %14s %14s %14s %10s%n",
                "venue", "frames", "cpu ns/frame", "wall ns/frame", "bytes/frame", "msgs/frame");
        for (String venue : venues) {
            Figures f = measure(venue, measure);
            out.printf(
                    "%-15s %,10d %,14.0f %,14.0f %,14.0f %10.2f%n",
                    f.venue(), f.frames(), f.cpuNanos(), f.wallNanos(), f.bytes(), f.routed());
            medians.add(f.venue() + ": " + f.medianByType());
        }
        out.println("median ns per frame by type (each decode timed alone, nanoTime's own ~25 ns included):");
        medians.forEach(m -> out.println("  " + m));
    }

    static Figures measure(String venue, Duration measure) {
        DecodeBench bench = new DecodeBench();
        bench.venue = venue;
        try {
            bench.setUp();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        FrameDecoder decoder = bench.decoder();
        byte[][] frames = bench.frames();
        long sink = 0;
        long warmEnd = System.nanoTime() + measure.toNanos();
        int next = 0;
        while (System.nanoTime() < warmEnd) {
            for (int i = 0; i < 1000; i++) {
                sink += consume(decoder.decode(frames[next]));
                next = next + 1 == frames.length ? 0 : next + 1;
            }
        }
        long routed = 0;
        long count = 0;
        long cpu0 = threads.getCurrentThreadCpuTime();
        long bytes0 = threads.getThreadAllocatedBytes(thread);
        long wall0 = System.nanoTime();
        long end = wall0 + measure.toNanos();
        long now;
        do {
            for (int i = 0; i < 1000; i++) {
                Decoded decoded = decoder.decode(frames[next]);
                routed += decoded.messages().size();
                sink += consume(decoded);
                next = next + 1 == frames.length ? 0 : next + 1;
            }
            count += 1000;
        } while ((now = System.nanoTime()) < end);
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        long bytes = threads.getThreadAllocatedBytes(thread) - bytes0;
        if (sink == 42) {
            // Never so in practice: keeps the JIT from dropping the decoded results as unused.
            System.out.print("");
        }
        return new Figures(
                venue,
                count,
                (double) cpu / count,
                (double) (now - wall0) / count,
                (double) bytes / count,
                (double) routed / count,
                medians(decoder, frames, next));
    }

    /**
     * Each frame's decode timed alone, many rounds, and the median per frame type (the decoded type, {@code snapshot}
     * added for a book snapshot): a median stays what the code costs while the thread is now and then preempted.
     */
    private static Map<String, Long> medians(FrameDecoder decoder, byte[][] frames, int first) {
        int rounds = Math.max(200, 200_000 / frames.length);
        String[] labels = new String[frames.length];
        Map<String, List<Long>> byType = new TreeMap<>();
        long sink = 0;
        int next = first;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < frames.length; i++) {
                long t0 = System.nanoTime();
                Decoded decoded = decoder.decode(frames[next]);
                long t1 = System.nanoTime();
                sink += consume(decoded);
                if (labels[next] == null) {
                    boolean snapshot = new String(frames[next], StandardCharsets.UTF_8).contains("snapshot");
                    labels[next] = decoded.type() + (snapshot ? " snapshot" : "");
                }
                byType.computeIfAbsent(labels[next], t -> new ArrayList<>()).add(t1 - t0);
                next = next + 1 == frames.length ? 0 : next + 1;
            }
        }
        Map<String, Long> medians = new LinkedHashMap<>();
        byType.forEach((type, times) -> {
            Collections.sort(times);
            medians.put(type, times.get(times.size() / 2));
        });
        if (sink == 42) {
            System.out.print("");
        }
        return medians;
    }

    private static long consume(Decoded decoded) {
        long sum = 0;
        for (Decoded.Routed routed : decoded.messages()) {
            sum += routed.subject().length() + routed.payload().length;
        }
        return sum;
    }
}
