package io.ssmd.bench;

import io.ssmd.archive.ArchiveReader;
import io.ssmd.archive.ArchiveSelection;
import io.ssmd.archive.FileEntry;
import io.ssmd.archive.JsonLine;
import io.ssmd.archive.Manifest;
import io.ssmd.archive.ManifestStore;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.subject.ParsedSubject;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.subject.Venue;
import io.ssmd.data.export.ExportFormat;
import io.ssmd.data.export.ExportResult;
import io.ssmd.data.export.ExportSchemas;
import io.ssmd.data.export.ExportSpec;
import io.ssmd.data.export.ExportType;
import io.ssmd.data.export.Exporter;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.kraken.replay.KrakenSyntheticMarket;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * {@code ssmd bench export}: one archived day of Kraken (the replay server's synthetic market: book snapshots, book
 * updates with valid checksums, trades and the book updates they cause) exported to Parquet and to CSV, against the
 * ceiling of reading and normalizing the same files without writing anything. Also tries DuckDB's Arrow IPC output
 * (issue 17 item 5).
 */
final class ExportBench {

    static final String NAME = "export";
    static final int DEFAULT_MESSAGES = 1_000_000;
    private static final long DAY0 = 1_767_225_600_000_000L;
    private static final LocalDate DATE = LocalDate.of(2026, 1, 1);
    private static final int PER_FILE = 100_000;

    private ExportBench() {}

    static void run(PrintStream out, List<String> arguments) {
        int messages = arguments.isEmpty() ? DEFAULT_MESSAGES : parse(arguments);
        try {
            Path work = Files.createTempDirectory("ssmd-bench-export-");
            try {
                run(work, messages, out);
            } finally {
                delete(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int parse(List<String> arguments) {
        try {
            if (arguments.size() != 1 || Integer.parseInt(arguments.get(0).replace("_", "")) < 1) {
                throw new NumberFormatException();
            }
            return Integer.parseInt(arguments.get(0).replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bench export takes one argument, the messages of the day (default "
                    + DEFAULT_MESSAGES + "), got " + arguments);
        }
    }

    private static void run(Path work, int messages, PrintStream out) throws IOException, SQLException {
        Path root = work.resolve("archive");
        out.printf("load average before: %s%n", loadAverage());
        long t0 = System.nanoTime();
        long bytes = writeDay(root, messages);
        out.printf(
                "archived day: %,d Kraken messages in %d gzip files, %,d bytes (written in %.1f s)%n",
                messages, (messages + PER_FILE - 1) / PER_FILE, bytes, (System.nanoTime() - t0) / 1e9);
        ArchiveSelection selection = ArchiveSelection.select(root, Optional.of("bench"), "kraken", DATE, DATE);
        Normalizer normalizer = Venues.of(Venue.KRAKEN).normalizer();

        // The ceiling: read and normalize, nothing written (run twice, the first warms the JIT).
        ceiling(selection, normalizer);
        long t1 = System.nanoTime();
        long[] events = ceiling(selection, normalizer);
        double ceilingSeconds = (System.nanoTime() - t1) / 1e9;
        out.printf(
                "read + normalize (ceiling): %,d messages -> %,d events in %.2f s: %,.0f messages/s, %,.0f events/s%n",
                events[0], events[1], ceilingSeconds, events[0] / ceilingSeconds, events[1] / ceilingSeconds);

        for (ExportFormat format : List.of(ExportFormat.PARQUET, ExportFormat.CSV)) {
            ExportSpec spec = new ExportSpec(
                    "kraken",
                    work.resolve("out-" + format.id()),
                    format,
                    EnumSet.allOf(ExportType.class),
                    0,
                    ExportSchemas.shipped(),
                    "bench");
            ExportResult result = new Exporter(spec, normalizer, null).export(selection);
            long written = result.files().stream()
                    .mapToLong(ExportResult.Written::bytes)
                    .sum();
            out.printf(
                    "export %-7s: %,d messages -> %,d rows in %.2f s (%.2f s of it COPY to the files): %,.0f rows/s,"
                            + " %,.0f messages/s, %,d bytes (%s)%n",
                    format.id(),
                    result.messages(),
                    result.rows(),
                    result.seconds(),
                    result.writeSeconds(),
                    result.rows() / result.seconds(),
                    result.messages() / result.seconds(),
                    written,
                    perType(result));
        }
        arrow(work, out);
        out.printf("load average after: %s%n", loadAverage());
    }

    private static String perType(ExportResult result) {
        List<String> parts = new ArrayList<>();
        for (ExportResult.Written w : result.files()) {
            if (w.file() != null) {
                parts.add(String.format("%s %,d rows %,d B", w.name(), w.rows(), w.bytes()));
            }
        }
        return String.join(", ", parts);
    }

    /** Whether this DuckDB driver writes Arrow IPC, and how its size compares with Parquet's for the book table. */
    private static void arrow(Path work, PrintStream out) {
        Path parquet = work.resolve("out-parquet/kraken/" + DATE + "/book.parquet");
        try (var duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = duck.createStatement()) {
            s.execute("CREATE TABLE book AS SELECT * FROM read_parquet('" + parquet + "')");
            // What writing the same table costs per format, apart from reading and normalizing.
            for (String[] f : List.of(
                    new String[] {"parquet zstd", "book-zstd.parquet", "FORMAT parquet, COMPRESSION zstd"},
                    new String[] {"parquet snappy", "book-snappy.parquet", "FORMAT parquet, COMPRESSION snappy"},
                    new String[] {"csv", "book.csv", "FORMAT csv, HEADER true"})) {
                long t = System.nanoTime();
                s.execute("COPY book TO '" + work.resolve(f[1]) + "' (" + f[2] + ")");
                out.printf(
                        "COPY of the book table (%,d rows) to %-14s: %.2f s, %,d bytes%n",
                        count(s), f[0], (System.nanoTime() - t) / 1e9, Files.size(work.resolve(f[1])));
            }
            long t = System.nanoTime();
            s.execute("COPY book TO '" + work.resolve("book.arrow") + "' (FORMAT arrow)");
            out.printf(
                    "arrow ipc: book table written in %.2f s, %,d bytes%n",
                    (System.nanoTime() - t) / 1e9, Files.size(work.resolve("book.arrow")));
        } catch (SQLException | IOException e) {
            out.println("arrow ipc: not available in this DuckDB driver: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static long count(Statement s) throws SQLException {
        try (var rs = s.executeQuery("SELECT count(*) FROM book")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long[] ceiling(ArchiveSelection selection, Normalizer normalizer) throws IOException {
        long[] counts = new long[2];
        for (Path file : selection.files()) {
            ArchiveReader.read(file, m -> {
                counts[0]++;
                ParsedSubject subject = ParsedSubject.parse(m.subject());
                if (subject.kind() == ParsedSubject.Kind.MARKET_DATA) {
                    counts[1] += normalizer
                            .normalize("kraken", subject.type(), m.frame())
                            .size();
                }
            });
        }
        return counts;
    }

    /**
     * Writes one day of the synthetic market as the archiver lays it out (gzip segments and a manifest): each round a
     * book update of every pair and a trade (with the book update it causes) of one of them; a snapshot per pair first.
     */
    private static long writeDay(Path root, int messages) throws IOException {
        List<String> symbols = Venues.of(Venue.KRAKEN).syntheticInstruments(10);
        KrakenSyntheticMarket market = new KrakenSyntheticMarket(42);
        Path day = root.resolve("bench/kraken/BENCH_KRAKEN/" + DATE);
        Files.createDirectories(day);
        long spacing = 86_400_000_000L / messages;
        List<FileEntry> files = new ArrayList<>();
        long seq = 0;
        int round = 0;
        long total = 0;
        while (seq < messages) {
            long first = seq + 1;
            long start = DAY0 + first * spacing;
            // One file per PER_FILE messages, named like the archiver's windows (HHMM of its first message).
            String name = String.format(
                    "%02d%02d.jsonl.gz", (start - DAY0) / 3_600_000_000L, (start - DAY0) / 60_000_000L % 60);
            Path file = day.resolve(name);
            try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
                while (seq < messages && seq - first + 1 < PER_FILE) {
                    long now = DAY0 + (seq + 1) * spacing;
                    for (String frame : round(market, symbols, round++, now)) {
                        if (seq >= messages) {
                            break;
                        }
                        seq++;
                        gz.write(JsonLine.build(
                                DAY0 + seq * spacing,
                                seq,
                                subject(frame),
                                "k:" + seq,
                                frame.getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
            long size = Files.size(file);
            total += size;
            files.add(new FileEntry(
                    name,
                    DAY0 + first * spacing,
                    DAY0 + seq * spacing,
                    seq - first + 1,
                    size,
                    first,
                    seq,
                    Map.of(),
                    md5(file),
                    false));
        }
        new ManifestStore()
                .write(
                        day,
                        new Manifest(
                                "bench",
                                "kraken",
                                "BENCH_KRAKEN",
                                DATE.toString(),
                                "gzip",
                                "15m",
                                files,
                                List.of(),
                                symbols.stream().map(Subjects::token).toList(),
                                List.of("orderbook", "trade"),
                                false));
        return total;
    }

    private static List<String> round(KrakenSyntheticMarket market, List<String> symbols, int round, long now) {
        List<String> frames = new ArrayList<>();
        if (round == 0) {
            symbols.forEach(s -> frames.add(market.bookSnapshot(s, 10, now)));
        }
        for (String s : symbols) {
            frames.add(market.bookUpdate(List.of(s), now, false));
        }
        KrakenSyntheticMarket.Traded traded =
                market.trades(List.of(symbols.get(round % symbols.size())), s -> true, now, false);
        frames.add(traded.tradeFrame());
        if (traded.bookFrame() != null) {
            frames.add(traded.bookFrame());
        }
        return frames;
    }

    /** The subject a Kraken shard publishes a one-pair frame on. */
    private static String subject(String frame) {
        String type = frame.startsWith("{\"channel\":\"book\"") ? "orderbook" : "trade";
        int at = frame.indexOf("\"symbol\":\"") + 10;
        String symbol = frame.substring(at, frame.indexOf('"', at));
        return Subjects.marketData("bench", "kraken", type, Subjects.token(symbol));
    }

    private static String md5(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
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

    private static void delete(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
