package io.ssmd.bench;

import io.ssmd.archive.ArchiveSelection;
import io.ssmd.archive.Compression;
import io.ssmd.archive.JsonLine;
import io.ssmd.archive.Manifest;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.data.replay.NatsReplayTarget;
import io.ssmd.data.replay.ReplayClock;
import io.ssmd.data.replay.ReplayFilter;
import io.ssmd.data.replay.ReplayMessage;
import io.ssmd.data.replay.ReplayMessages;
import io.ssmd.data.replay.ReplayPacer;
import io.ssmd.data.replay.ReplayResult;
import io.ssmd.data.replay.ReplayRun;
import io.ssmd.data.replay.ReplaySettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * {@code ssmd bench replay-archive} (DESIGN §16): how fast {@code ssmd data replay} reads an archive, and how close it
 * gets to the NATS publish ceiling. A day-like archive of Kraken trade frames (300 bytes, 50 symbols, one message per
 * millisecond) is written in zstd and in gzip; then each is read and parsed by the replay's reader (files in stream
 * order, each line's fields read, its frame sliced, its subject parsed and filtered) into a counting sink; then a part
 * of it is replayed at full speed into a nats-server of its own through ssmd's publisher, and the raw jnats ceiling
 * with ssmd's headers ({@link NatsCeilingBench}) is measured in the same run for the ratio.
 */
final class ReplayArchiveBench {

    static final String NAME = "replay-archive";

    private static final String ENV = "bench";
    private static final String FEED = "kraken";
    private static final String STREAM = "BENCH_KRAKEN";
    private static final int PER_FILE = 250_000;
    private static final int SYMBOLS = 50;
    private static final long DAY0 = 1_767_225_600_000_000L;

    private ReplayArchiveBench() {}

    /**
     * @param messages messages read per format
     * @param toNats   messages replayed into NATS (and published by the ceiling)
     */
    static List<BenchResult> run(int messages, int toNats, PrintStream out) {
        out.printf(
                "ssmd bench %s: %,d archived 300-byte Kraken trade frames per format read+parsed to a counting sink;"
                        + " %,d replayed into JetStream (file) at --speed max vs the jnats ceiling; load average before:"
                        + " %s%n",
                NAME, messages, toNats, loadAverage());
        List<BenchResult> results = new ArrayList<>();
        Path work = null;
        try {
            work = Files.createTempDirectory("ssmd-bench-replay-");
            for (StorageSettings.Format format : List.of(StorageSettings.Format.ZSTD, StorageSettings.Format.GZIP)) {
                ArchiveSelection selection = write(work.resolve(format.id()), format, messages);
                // The first pass warms the JIT up; the second is the figure.
                read(selection, "warm-up");
                BenchResult result = read(selection, "read+parse " + format.id());
                out.println(result.describe());
                results.add(result);
            }
            ArchiveSelection small = write(work.resolve("nats"), StorageSettings.Format.ZSTD, toNats);
            BenchResult ceiling = NatsCeilingBench.run(toNats, NatsCeilingBench.HeaderSet.SSMD);
            out.println(ceiling.describe());
            BenchResult replay = toNats(small, toNats);
            out.println(replay.describe());
            results.add(ceiling);
            results.add(replay);
            out.printf(
                    "replay into NATS / ceiling (ssmd headers): %.2f%n",
                    replay.msgsPerSecond() / ceiling.msgsPerSecond());
            out.printf("load average after: %s%n", loadAverage());
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(work);
        }
    }

    /** {@code count} messages in files of {@link #PER_FILE}, with one manifest, as the archiver lays them out. */
    private static ArchiveSelection write(Path root, StorageSettings.Format format, int count) throws IOException {
        LocalDate date = LocalDate.of(2026, 1, 1);
        Path dir = root.resolve(ENV).resolve(FEED).resolve(STREAM).resolve(date.toString());
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        byte[][] frames = new byte[SYMBOLS][];
        String[] subjects = new String[SYMBOLS];
        for (int s = 0; s < SYMBOLS; s++) {
            String symbol = "S" + s + "/USD";
            subjects[s] = ENV + "." + FEED + ".json.trade.S" + s + "-USD";
            String head = "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"" + symbol
                    + "\",\"side\":\"buy\",\"price\":97000.1,\"qty\":0.00120000,\"ord_type\":\"limit\","
                    + "\"trade_id\":123456789,\"timestamp\":\"2026-01-01T00:00:00.000000Z\",\"pad\":\"";
            frames[s] =
                    (head + "x".repeat(Math.max(0, 298 - head.length())) + "\"}]}").getBytes(StandardCharsets.UTF_8);
        }
        for (int first = 0; first < count; first += PER_FILE) {
            Path file = dir.resolve(String.format("%04d", first / PER_FILE) + format.extension());
            try (OutputStream o = Compression.compress(format, Files.newOutputStream(file))) {
                for (int i = first; i < Math.min(count, first + PER_FILE); i++) {
                    int s = i % SYMBOLS;
                    o.write(JsonLine.build(DAY0 + 1000L * i, i + 1, subjects[s], "kraken-0:1:" + i + ":0", frames[s]));
                }
            }
            files.add(file);
        }
        Manifest manifest = Manifest.empty(ENV, FEED, STREAM, date.toString(), format.id(), "15m");
        return new ArchiveSelection(
                ENV,
                FEED,
                List.of(new ArchiveSelection.StreamDays(
                        STREAM, List.of(new ArchiveSelection.Day(date, dir, manifest, files, List.of(), List.of())))));
    }

    private static BenchResult read(ArchiveSelection selection, String name) throws IOException {
        long count = 0;
        long bytes = 0;
        long start = System.nanoTime();
        try (ReplayMessages messages = ReplayMessages.open(selection, ReplayFilter.ALL)) {
            for (ReplayMessage m = messages.next(); m != null; m = messages.next()) {
                count++;
                bytes += m.message().frame().length;
            }
        }
        long nanos = System.nanoTime() - start;
        if (bytes == 0) {
            throw new IllegalStateException("read nothing");
        }
        return BenchResult.of(name, count, nanos);
    }

    private static BenchResult toNats(ArchiveSelection selection, int count) throws IOException {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ssmd-bench-replay");
        try (BenchServer server = BenchServer.start()) {
            ReplaySettings settings = new ReplaySettings(Duration.ZERO, -1, Duration.ofMinutes(2), 1024);
            ReplayRun run = new ReplayRun(
                    new ReplayPacer(Double.POSITIVE_INFINITY, ReplayClock.SYSTEM),
                    ReplayClock.SYSTEM,
                    Optional.empty());
            ReplayResult result;
            try (NatsReplayTarget target =
                            NatsReplayTarget.start(system, server.connection(), "replay", FEED, "bench", settings);
                    ReplayMessages messages = ReplayMessages.open(selection, ReplayFilter.ALL)) {
                result = run.run(messages, target);
                if (target.stored() != count) {
                    throw new IllegalStateException("stored " + target.stored() + " of " + count + ": "
                            + result.delivery() + "; the figure is void");
                }
            }
            return BenchResult.of(
                    "replay into NATS (--speed max)",
                    result.sent(),
                    result.elapsed().toNanos());
        } finally {
            system.terminate();
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
