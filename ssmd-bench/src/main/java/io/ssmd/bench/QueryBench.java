package io.ssmd.bench;

import io.ssmd.archive.ArchiveReader;
import io.ssmd.archive.ArchiveSelection;
import io.ssmd.archive.Compression;
import io.ssmd.archive.FileEntry;
import io.ssmd.archive.Gap;
import io.ssmd.archive.JsonLine;
import io.ssmd.archive.Manifest;
import io.ssmd.archive.ManifestStore;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.data.query.QuerySession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ssmd bench query [MESSAGES]}: how fast {@code ssmd data query} scans one day of archive, gzip and zstd. A day
 * of Kraken-like frames (book, ticker and trade updates of five pairs, 96 files of 15 minutes, with manifests) is
 * written first; then DuckDB runs {@code select count(*), count(distinct subject) from raw} over it, and in the same
 * run, on as many threads as DuckDB uses, the same files are decompressed and their newlines counted (the ceiling: a
 * scan cannot go faster than decompression) and read by {@link ArchiveReader} (each line's fields and frame, what
 * replay and export read at).
 */
public final class QueryBench {

    /** The scenario's name on the command line. */
    public static final String NAME = "query";

    /** Messages of the generated day unless told otherwise. */
    static final long MESSAGES = 2_000_000;

    private static final int ROUNDS = 3;

    private static final String[] PAIRS = {"BTC/USD", "ETH/USD", "SOL/USD", "XRP/USD", "DOGE/USD"};

    /** One format's figures: medians of {@link #ROUNDS} rounds. */
    record Result(
            String format, long rows, double duckdbSeconds, double linesSeconds, double readerSeconds, long bytes) {
        String describe() {
            return String.format(
                    "query (%s)  DuckDB %,10.0f rows/s  decompress+newlines %,10.0f rows/s  ArchiveReader %,10.0f"
                            + " rows/s  DuckDB/ceiling %.2f  (%,d rows, %.1f MB on disk)",
                    format,
                    rows / duckdbSeconds,
                    rows / linesSeconds,
                    rows / readerSeconds,
                    linesSeconds / duckdbSeconds,
                    rows,
                    bytes / 1e6);
        }
    }

    private QueryBench() {}

    /** Runs the benchmark; {@code arguments} may name the day's message count. */
    public static void run(PrintStream out, List<String> arguments) {
        if (arguments.size() > 1) {
            throw new IllegalArgumentException(NAME + " takes at most one argument (MESSAGES), got " + arguments);
        }
        long messages = MESSAGES;
        if (!arguments.isEmpty()) {
            try {
                messages = Long.parseLong(arguments.get(0).replace("_", "").replace(",", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(NAME + ": MESSAGES must be a number, got " + arguments.get(0));
            }
            if (messages < 96) {
                throw new IllegalArgumentException(NAME + ": MESSAGES must be at least 96 (one per file)");
            }
        }
        out.printf(
                "ssmd bench query: one generated day of %,d messages (96 files), median of %d rounds; DuckDB and"
                        + " ArchiveReader on %d threads; load average %s%n",
                messages, ROUNDS, Runtime.getRuntime().availableProcessors(), loadAverage());
        for (StorageSettings.Format format : StorageSettings.Format.values()) {
            Path root = null;
            try {
                root = Files.createTempDirectory("ssmd-bench-query");
                writeDay(root, "bench", "kraken", LocalDate.of(2026, 1, 1), messages, format, List.of());
                out.println(measure(root, format).describe());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (SQLException e) {
                throw new IllegalStateException("DuckDB: " + e.getMessage(), e);
            } finally {
                delete(root);
            }
        }
        out.printf("load average after: %s%n", loadAverage());
    }

    private static Result measure(Path root, StorageSettings.Format format) throws IOException, SQLException {
        LocalDate day = LocalDate.of(2026, 1, 1);
        ArchiveSelection selection = ArchiveSelection.select(root, Optional.of("bench"), "kraken", day, day);
        long bytes = 0;
        for (Path file : selection.files()) {
            bytes += Files.size(file);
        }
        int threads = Runtime.getRuntime().availableProcessors();
        double[] duckdb = new double[ROUNDS];
        double[] plain = new double[ROUNDS];
        double[] reader = new double[ROUNDS];
        long rows = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            try (QuerySession session = QuerySession.open(List.of(selection), null);
                    Statement s = session.connection().createStatement();
                    ResultSet rs = s.executeQuery("select count(*), count(distinct subject) from raw")) {
                rs.next();
                rows = rs.getLong(1);
            }
            duckdb[round] = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            long newlines = readAll(selection.files(), threads, QueryBench::countLines);
            plain[round] = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            long lines = readAll(selection.files(), threads, QueryBench::readMessages);
            reader[round] = (System.nanoTime() - start) / 1e9;
            if (newlines != lines) {
                throw new IllegalStateException(newlines + " newlines but " + lines + " messages");
            }
            if (lines != rows || rows != selection.records()) {
                throw new IllegalStateException("DuckDB counted " + rows + " rows, ArchiveReader " + lines
                        + ", the manifests list " + selection.records());
            }
        }
        return new Result(format.id(), rows, median(duckdb), median(plain), median(reader), bytes);
    }

    /** Counts what one file holds. */
    @FunctionalInterface
    private interface FileCount {
        long count(Path file) throws IOException;
    }

    /** The ceiling: decompress and find the newlines, nothing else. */
    private static long countLines(Path file) throws IOException {
        StorageSettings.Format format =
                StorageSettings.Format.ofFile(file.getFileName().toString()).orElseThrow();
        byte[] buf = new byte[256 * 1024];
        long lines = 0;
        try (java.io.InputStream in = Compression.decompress(
                format, new java.io.BufferedInputStream(Files.newInputStream(file), buf.length))) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return lines;
    }

    /** What replay and export read at: each line's fields and its frame's bytes ({@link ArchiveReader}). */
    private static long readMessages(Path file) throws IOException {
        AtomicLong lines = new AtomicLong();
        ArchiveReader.read(file, m -> lines.incrementAndGet());
        return lines.get();
    }

    /**
     * {@code count} summed over {@code files} on {@code threads} threads (a file each at a time), as many as DuckDB
     * scans with, so that the comparison is like for like.
     */
    private static long readAll(List<Path> files, int threads, FileCount count) throws IOException {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<Long>> counts = new ArrayList<>();
            for (Path file : files) {
                counts.add(pool.submit(() -> count.count(file)));
            }
            long total = 0;
            for (java.util.concurrent.Future<Long> each : counts) {
                total += each.get();
            }
            return total;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * Writes one day of a feed's archive as the archiver lays it out ({@code {root}/{env}/{feed}/{STREAM}/{date}}): 96
     * files of 15 minutes, Kraken-like book (70 %), ticker (20 %) and trade (10 %) updates of five pairs spread evenly
     * over the day, and a manifest listing the files (with {@code gaps}). Returns the date directory.
     */
    public static Path writeDay(
            Path root,
            String env,
            String feed,
            LocalDate date,
            long messages,
            StorageSettings.Format format,
            List<Gap> gaps)
            throws IOException {
        String stream = (env + "_" + feed).toUpperCase().replace('-', '_');
        Path dateDir = root.resolve(env).resolve(feed).resolve(stream).resolve(date.toString());
        Files.createDirectories(dateDir);
        long dayStart = date.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
        long window = 15 * 60 * 1_000_000L;
        int files = 96;
        long spacing = files * window / messages;
        List<FileEntry> entries = new ArrayList<>();
        TreeSet<String> tickers = new TreeSet<>();
        TreeSet<String> types = new TreeSet<>();
        long seq = 0;
        for (int f = 0; f < files; f++) {
            long first = messages * f / files;
            long last = messages * (f + 1) / files;
            String name = String.format("%02d%02d%s", f / 4, f % 4 * 15, format.extension());
            Path file = dateDir.resolve(name);
            Map<String, Long> byType = new TreeMap<>();
            MessageDigest md5 = md5();
            long firstSeq = seq + 1;
            long start = 0;
            long end = 0;
            try (OutputStream out =
                    Compression.compress(format, new DigestOutputStream(Files.newOutputStream(file), md5))) {
                for (long i = first; i < last; i++) {
                    seq++;
                    long ts = dayStart + i * spacing;
                    start = i == first ? ts : start;
                    end = ts;
                    String pair = PAIRS[(int) (i % PAIRS.length)];
                    String token = pair.replace('/', '-');
                    int kind = (int) (i * 7 % 10);
                    String type = kind < 7 ? "book" : kind < 9 ? "ticker" : "trade";
                    byte[] frame = frame(type, pair, i, ts).getBytes(StandardCharsets.UTF_8);
                    out.write(JsonLine.build(
                            ts,
                            seq,
                            env + "." + feed + ".json." + type + "." + token,
                            feed + "-0:" + dayStart + ":" + i + ":0",
                            frame));
                    byType.merge(type, 1L, Long::sum);
                    tickers.add(token);
                    types.add(type);
                }
            }
            entries.add(new FileEntry(
                    name,
                    start,
                    end,
                    last - first,
                    Files.size(file),
                    firstSeq,
                    seq,
                    byType,
                    HexFormat.of().formatHex(md5.digest()),
                    false));
        }
        new ManifestStore()
                .write(
                        dateDir,
                        new Manifest(
                                env,
                                feed,
                                stream,
                                date.toString(),
                                format.id(),
                                "15m",
                                entries,
                                gaps,
                                List.copyOf(tickers),
                                List.copyOf(types),
                                !gaps.isEmpty()));
        return dateDir;
    }

    /** A Kraken v2 frame of {@code type} for {@code pair}, with prices that move with {@code i}. */
    private static String frame(String type, String pair, long i, long ts) {
        String price = (i % 9000 + 90000) + "." + (i % 10);
        String time = java.time.Instant.ofEpochSecond(ts / 1_000_000, ts % 1_000_000 * 1000)
                .toString();
        return switch (type) {
            case "book" ->
                "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"" + pair
                        + "\",\"bids\":[{\"price\":" + price + ",\"qty\":0.0" + (i % 97 + 1)
                        + "}],\"asks\":[],\"checksum\":" + (i * 2654435761L % 4294967296L) + ",\"timestamp\":\"" + time
                        + "\"}]}";
            case "ticker" ->
                "{\"channel\":\"ticker\",\"type\":\"update\",\"data\":[{\"symbol\":\"" + pair
                        + "\",\"bid\":" + price + ",\"bid_qty\":0.5,\"ask\":" + price + "1,\"ask_qty\":1.25,\"last\":"
                        + price + ",\"volume\":1234.5678,\"vwap\":" + price + ",\"low\":89000.0,\"high\":99000.0,"
                        + "\"change\":12.5,\"change_pct\":0.01}]}";
            default ->
                "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"" + pair
                        + "\",\"side\":\"" + (i % 2 == 0 ? "buy" : "sell") + "\",\"price\":" + price + ",\"qty\":0.00"
                        + (i % 89 + 10) + ",\"ord_type\":\"limit\",\"trade_id\":" + i + ",\"timestamp\":\"" + time
                        + "\"}]}";
        };
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void delete(Path root) {
        if (root == null) {
            return;
        }
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is not worth failing the run for.
        }
    }
}
