package io.ssmd.data.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.archive.ArchiveReader;
import io.ssmd.archive.ArchiveSelection;
import io.ssmd.archive.ArchivedMessage;
import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.Lifecycle;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.model.OrderBook;
import io.ssmd.core.model.SsmdBookSnapshot;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import io.ssmd.core.subject.ParsedSubject;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * {@code ssmd data export} (DESIGN §16): reads a feed's archived days in stream order, turns each market-data message
 * into normalized events with the venue's own {@link Normalizer} (the gateway's, never DuckDB's JSON inference), and
 * writes one typed file per type and day.
 *
 * <p>Books are kept as the gateway keeps them ({@link OrderBook}): a venue snapshot replaces an instrument's book, a
 * delta (Kalshi's signed changes included) is applied and written with the levels' new absolute sizes. A delta that
 * comes before any snapshot of its instrument has nothing to apply to: it is counted, not written. ssmd's own book
 * snapshots ({@code ssmd.book}, DESIGN §7) are not rows of their own, but one starts the book of an instrument that has
 * none yet (written as a snapshot), so a day that begins mid-stream still has books.
 *
 * <p>Nothing in the archive stops an export: a message that gives no event, one that is not JSON, a decimal out of the
 * columns' range or a file that cannot be read to its end is counted in the day's report and the export goes on.
 */
public final class Exporter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PROGRESS_NANOS = 2_000_000_000L;

    private final ExportSpec spec;
    private final Normalizer normalizer;
    private final PrintStream progress;
    private final LongSupplier nanoClock;

    /** @param progress where a line of progress goes every two seconds (rows, rows/s, day); null for none */
    public Exporter(ExportSpec spec, Normalizer normalizer, PrintStream progress) {
        this(spec, normalizer, progress, System::nanoTime);
    }

    Exporter(ExportSpec spec, Normalizer normalizer, PrintStream progress, LongSupplier nanoClock) {
        this.spec = spec;
        this.normalizer = normalizer;
        this.progress = progress;
        this.nanoClock = nanoClock;
    }

    /**
     * Exports every day of the selection.
     *
     * @throws IOException  when a file cannot be written
     * @throws SQLException when DuckDB fails
     */
    public ExportResult export(ArchiveSelection selection) throws IOException, SQLException {
        TreeMap<LocalDate, List<ArchiveSelection.Day>> byDate = new TreeMap<>();
        selection
                .days()
                .forEach(d ->
                        byDate.computeIfAbsent(d.date(), k -> new ArrayList<>()).add(d));
        long started = nanoClock.getAsLong();
        List<ExportResult.Written> written = new ArrayList<>();
        List<ExportResult.DayReport> reports = new ArrayList<>();
        long writeNanos = 0;
        try (ExportTables tables = new ExportTables(spec.types(), spec.bookLevels())) {
            Run run = new Run(tables, started);
            for (Map.Entry<LocalDate, List<ArchiveSelection.Day>> date : byDate.entrySet()) {
                reports.add(run.day(date.getKey(), date.getValue()));
                long writing = nanoClock.getAsLong();
                written.addAll(run.write(date.getKey(), selection.env()));
                writeNanos += nanoClock.getAsLong() - writing;
            }
        }
        return new ExportResult(written, reports, (nanoClock.getAsLong() - started) / 1e9, writeNanos / 1e9);
    }

    /** What one type holds of the day being exported. */
    private static final class TypeDay {
        final Set<String> instruments = new HashSet<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;

        void add(String instrument, long ts) {
            instruments.add(instrument);
            first = Math.min(first, ts);
            last = Math.max(last, ts);
        }
    }

    /** The state of one export: books carry over from day to day. */
    private final class Run {
        final ExportTables tables;
        final long started;
        final Map<String, OrderBook> books = new HashMap<>();
        final Map<ExportType, TypeDay> today = new EnumMap<>(ExportType.class);
        long messagesBefore;
        long nextProgress;
        long messages;
        long events;
        long noEvent;
        long malformed;
        long unparsed;
        long outOfRange;
        long deltasWithoutBook;

        Run(ExportTables tables, long started) {
            this.tables = tables;
            this.started = started;
            this.nextProgress = started + PROGRESS_NANOS;
        }

        ExportResult.DayReport day(LocalDate date, List<ArchiveSelection.Day> days) throws SQLException {
            messages = events = noEvent = malformed = unparsed = outOfRange = deltasWithoutBook = 0;
            today.clear();
            List<String> unreadable = new ArrayList<>();
            int gaps = 0;
            for (ArchiveSelection.Day day : days) {
                gaps += day.gaps().size();
                for (Path file : day.files()) {
                    try {
                        ArchiveReader.read(file, m -> onMessage(date, m));
                    } catch (SqlFailure e) {
                        // DuckDB failed, not the archive: that stops the export.
                        throw e.sql;
                    } catch (IOException e) {
                        unreadable.add(e.getMessage());
                    }
                }
            }
            messagesBefore += messages;
            return new ExportResult.DayReport(
                    date,
                    messages,
                    events,
                    noEvent,
                    malformed,
                    unparsed,
                    outOfRange,
                    deltasWithoutBook,
                    List.copyOf(unreadable),
                    gaps);
        }

        List<ExportResult.Written> write(LocalDate date, String env) throws SQLException, IOException {
            List<ExportResult.Written> written = new ArrayList<>();
            for (ExportType type : ExportType.values()) {
                if (!tables.wants(type)) {
                    continue;
                }
                String name = tables.fileName(type);
                long rows = tables.rows(type);
                TypeDay day = today.get(type);
                if (rows == 0 || day == null) {
                    written.add(new ExportResult.Written(type, name, date, 0, 0, null, 0, null, null));
                    continue;
                }
                Path file = spec.file(name, date);
                long bytes = tables.write(type, spec.format(), file, spec.metadata(type, date, env));
                written.add(new ExportResult.Written(
                        type,
                        name,
                        date,
                        rows,
                        bytes,
                        file,
                        day.instruments.size(),
                        instant(day.first),
                        instant(day.last)));
            }
            tables.clear();
            return written;
        }

        private void onMessage(LocalDate date, ArchivedMessage m) throws SqlFailure {
            messages++;
            try {
                handle(m);
            } catch (SQLException e) {
                throw new SqlFailure(e);
            }
            if ((messages & 0xfff) == 0) {
                progress(date);
            }
        }

        private void handle(ArchivedMessage m) throws SQLException {
            ParsedSubject subject = ParsedSubject.parse(m.subject());
            switch (subject.kind()) {
                case MARKET_DATA -> marketData(subject, m);
                case BOOK -> ssmdBook(m);
                case UNPARSED -> unparsed++;
                default -> {
                    // System frames, control events and anything else are not market data.
                }
            }
        }

        private void marketData(ParsedSubject subject, ArchivedMessage m) throws SQLException {
            if (m.form() != ArchivedMessage.Form.DATA) {
                malformed++;
                return;
            }
            List<MarketEvent> normalized;
            try {
                normalized = normalizer.normalize(spec.feed(), subject.type(), m.frame());
            } catch (RuntimeException e) {
                // Tolerant by contract; one that throws anyway costs this message, not the export.
                malformed++;
                return;
            }
            if (normalized.isEmpty()) {
                noEvent++;
                return;
            }
            for (MarketEvent event : normalized) {
                if (event.instrument() != null && !event.instrument().isEmpty()) {
                    event(event, m.ts(), m.seq());
                }
            }
        }

        private void event(MarketEvent event, long receivedAt, long seq) throws SQLException {
            if (event instanceof Trade t) {
                if (tables.wants(ExportType.TRADE) && fits(List.of(t.price(), t.size()))) {
                    tables.trade(t, receivedAt, seq);
                    counted(ExportType.TRADE, t.instrument(), receivedAt);
                }
            } else if (event instanceof Ticker t) {
                if (tables.wants(ExportType.TICKER)
                        && fits(present(t.bid(), t.bidSize(), t.ask(), t.askSize(), t.last(), t.volume()))) {
                    tables.ticker(t, receivedAt, seq);
                    counted(ExportType.TICKER, t.instrument(), receivedAt);
                }
            } else if (event instanceof Lifecycle l) {
                if (tables.wants(ExportType.LIFECYCLE)) {
                    tables.lifecycle(l, details(l), receivedAt, seq);
                    counted(ExportType.LIFECYCLE, l.instrument(), receivedAt);
                }
            } else if (event instanceof BookSnapshot s) {
                if (tables.wants(ExportType.BOOK) && fits(levels(s.bids(), s.asks()))) {
                    snapshot(s, receivedAt, seq);
                }
            } else if (event instanceof BookDelta d) {
                if (tables.wants(ExportType.BOOK) && fits(levels(d.bids(), d.asks()))) {
                    delta(d, receivedAt, seq);
                }
            }
        }

        private void snapshot(BookSnapshot s, long receivedAt, long seq) throws SQLException {
            OrderBook book = OrderBook.unlimited();
            book.apply(s);
            books.put(s.instrument(), book);
            BookSnapshot kept = book.snapshot(s.feed(), s.instrument(), s.ts());
            if (spec.bookLevels() == 0) {
                tables.bookSnapshot(kept, receivedAt, seq);
            } else {
                tables.bookTop(top(kept), true, receivedAt, seq);
            }
            counted(ExportType.BOOK, s.instrument(), receivedAt);
        }

        private void delta(BookDelta d, long receivedAt, long seq) throws SQLException {
            OrderBook book = books.get(d.instrument());
            if (book == null) {
                deltasWithoutBook++;
                return;
            }
            BookDelta absolute = book.apply(d);
            if (spec.bookLevels() == 0) {
                tables.bookDelta(absolute, receivedAt, seq);
            } else {
                tables.bookTop(top(book.snapshot(d.feed(), d.instrument(), d.ts())), false, receivedAt, seq);
            }
            counted(ExportType.BOOK, d.instrument(), receivedAt);
        }

        /** An ssmd book snapshot starts the book of an instrument that has none yet; its seq is its message's. */
        private void ssmdBook(ArchivedMessage m) throws SQLException {
            if (!tables.wants(ExportType.BOOK)) {
                return;
            }
            SsmdBookSnapshot snapshot;
            try {
                snapshot = SsmdBookSnapshot.fromJson(m.frame());
            } catch (IllegalArgumentException e) {
                malformed++;
                return;
            }
            if (!books.containsKey(snapshot.instrument()) && fits(levels(snapshot.bids(), snapshot.asks()))) {
                snapshot(snapshot.toEvent(), m.ts(), m.seq());
            }
        }

        private BookSnapshot top(BookSnapshot book) {
            int n = spec.bookLevels();
            return new BookSnapshot(
                    book.feed(),
                    book.instrument(),
                    book.bids().subList(0, Math.min(n, book.bids().size())),
                    book.asks().subList(0, Math.min(n, book.asks().size())),
                    book.ts());
        }

        private boolean fits(List<BigDecimal> values) {
            for (BigDecimal v : values) {
                if (!ExportTables.fits(v)) {
                    outOfRange++;
                    return false;
                }
            }
            return true;
        }

        private void counted(ExportType type, String instrument, long receivedAt) {
            events++;
            today.computeIfAbsent(type, t -> new TypeDay()).add(instrument, receivedAt);
        }

        private void progress(LocalDate date) {
            long now = nanoClock.getAsLong();
            if (progress == null || now < nextProgress) {
                return;
            }
            nextProgress = now + PROGRESS_NANOS;
            long rows = 0;
            for (ExportType type : ExportType.values()) {
                rows += tables.rows(type);
            }
            double seconds = (now - started) / 1e9;
            progress.printf(
                    "export %s %s: %,d messages, %,d rows this day, %,.0f messages/s%n",
                    spec.feed(), date, messages, rows, seconds > 0 ? totalMessages() / seconds : 0);
        }

        private long totalMessages() {
            return messagesBefore + messages;
        }
    }

    @SafeVarargs
    private static List<BigDecimal> present(Optional<BigDecimal>... values) {
        List<BigDecimal> present = new ArrayList<>(values.length);
        for (Optional<BigDecimal> v : values) {
            v.ifPresent(present::add);
        }
        return present;
    }

    private static List<BigDecimal> levels(List<Level> bids, List<Level> asks) {
        List<BigDecimal> values = new ArrayList<>(2 * (bids.size() + asks.size()));
        for (List<Level> side : List.of(bids, asks)) {
            for (Level l : side) {
                values.add(l.price());
                values.add(l.size());
            }
        }
        return values;
    }

    private static String details(Lifecycle l) {
        if (l.details().isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(new TreeMap<>(l.details()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }

    /** A DuckDB failure carried through the archive reader's sink, which may only throw I/O exceptions. */
    private static final class SqlFailure extends IOException {
        final SQLException sql;

        SqlFailure(SQLException sql) {
            super(sql.getMessage(), sql);
            this.sql = sql;
        }
    }
}
