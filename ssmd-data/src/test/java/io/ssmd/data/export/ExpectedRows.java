package io.ssmd.data.export;

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
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The rows an export of an archive must hold, computed here from the same archive with the same normalizer and the
 * gateway's {@link OrderBook}: one text line per row, decimals as their plain digits without trailing zeros.
 */
final class ExpectedRows {

    final Map<String, List<String>> byType = new TreeMap<>();
    long deltasWithoutBook;
    long malformed;
    long unparsed;

    static ExpectedRows of(ArchiveSelection selection, Normalizer normalizer, String feed) throws IOException {
        ExpectedRows expected = new ExpectedRows();
        Map<String, OrderBook> books = new HashMap<>();
        for (Path file : selection.files()) {
            ArchiveReader.read(file, m -> expected.add(m, normalizer, feed, books));
        }
        return expected;
    }

    List<String> rows(String type) {
        return byType.getOrDefault(type, List.of());
    }

    private void add(ArchivedMessage m, Normalizer normalizer, String feed, Map<String, OrderBook> books) {
        ParsedSubject subject = ParsedSubject.parse(m.subject());
        if (subject.kind() == ParsedSubject.Kind.UNPARSED) {
            unparsed++;
        }
        if (subject.kind() == ParsedSubject.Kind.BOOK) {
            SsmdBookSnapshot s = SsmdBookSnapshot.fromJson(m.frame());
            if (!books.containsKey(s.instrument())) {
                snapshot(s.toEvent(), m, books);
            }
            return;
        }
        if (subject.kind() != ParsedSubject.Kind.MARKET_DATA) {
            return;
        }
        if (m.form() != ArchivedMessage.Form.DATA) {
            malformed++;
            return;
        }
        for (MarketEvent e : normalizer.normalize(feed, subject.type(), m.frame())) {
            String tail = "|" + venueTs(e) + "|" + m.ts() + "|" + m.seq();
            if (e instanceof Trade t) {
                add(
                        "trade",
                        t.instrument() + "|" + d(t.price()) + "|" + d(t.size()) + "|"
                                + t.side().name().toLowerCase(Locale.ROOT) + "|"
                                + t.tradeId().orElse(null) + "|"
                                + t.snapshot() + tail);
            } else if (e instanceof Ticker t) {
                add(
                        "ticker",
                        t.instrument() + "|" + d(t.bid()) + "|" + d(t.bidSize()) + "|" + d(t.ask()) + "|"
                                + d(t.askSize()) + "|" + d(t.last()) + "|" + d(t.volume()) + tail);
            } else if (e instanceof Lifecycle l) {
                add("lifecycle", l.instrument() + "|" + l.event() + tail);
            } else if (e instanceof BookSnapshot s) {
                snapshot(s, m, books);
            } else if (e instanceof BookDelta delta) {
                OrderBook book = books.get(delta.instrument());
                if (book == null) {
                    deltasWithoutBook++;
                    continue;
                }
                BookDelta absolute = book.apply(delta);
                levels(absolute.instrument(), false, absolute.bids(), absolute.asks(), venueTs(e), m);
            }
        }
    }

    private void snapshot(BookSnapshot s, ArchivedMessage m, Map<String, OrderBook> books) {
        OrderBook book = OrderBook.unlimited();
        book.apply(s);
        books.put(s.instrument(), book);
        BookSnapshot kept = book.snapshot(s.feed(), s.instrument(), s.ts());
        if (kept.bids().isEmpty() && kept.asks().isEmpty()) {
            add("book", s.instrument() + "|true|null|null|null|" + venueTs(s) + "|" + m.ts() + "|" + m.seq());
        }
        levels(s.instrument(), true, kept.bids(), kept.asks(), venueTs(s), m);
    }

    private void levels(
            String instrument, boolean snapshot, List<Level> bids, List<Level> asks, Long venueTs, ArchivedMessage m) {
        for (Level l : bids) {
            add(
                    "book",
                    instrument + "|" + snapshot + "|bid|" + d(l.price()) + "|" + d(l.size()) + "|" + venueTs + "|"
                            + m.ts() + "|" + m.seq());
        }
        for (Level l : asks) {
            add(
                    "book",
                    instrument + "|" + snapshot + "|ask|" + d(l.price()) + "|" + d(l.size()) + "|" + venueTs + "|"
                            + m.ts() + "|" + m.seq());
        }
    }

    private void add(String type, String row) {
        byType.computeIfAbsent(type, t -> new ArrayList<>()).add(row);
    }

    private static Long venueTs(MarketEvent e) {
        return e.ts() == 0 ? null : e.ts();
    }

    static String d(Optional<BigDecimal> v) {
        return v.map(ExpectedRows::d).orElse(null);
    }

    static String d(BigDecimal v) {
        return v == null ? null : v.stripTrailingZeros().toPlainString();
    }
}
