package io.ssmd.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.ssmd.archive.InventoryRebuild;
import io.ssmd.core.config.Environment;
import io.ssmd.core.db.Database;
import io.ssmd.core.db.DatabaseUnavailableException;
import io.ssmd.core.meta.DataInventory;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.UnknownNameException;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The database side of {@code ssmd data inventory} and {@code ssmd data gaps}: the {@code data_inventory} rows as the
 * seeds' table (Date, Raw, Normalized, Status, Quality, Gaps; one line per feed and day, its streams summed), the day's
 * {@code data_gaps}, and {@code --rebuild}.
 */
final class InventoryCommands {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    // The worst status of a day's streams is the day's: a failed stream fails the day, a partial one makes it partial.
    private static final List<String> WORST_FIRST =
            List.of(DataInventory.FAILED, DataInventory.PARTIAL, DataInventory.PROCESSING, DataInventory.COMPLETE);

    private InventoryCommands() {}

    /**
     * The database, or empty (told on {@code err}) when it cannot be reached: the command then reads the manifests
     * under {@code root}, as before there was an inventory.
     */
    static Optional<Database> open(
            MetadataOptions options, Map<String, String> env, Path root, String command, PrintStream err) {
        try {
            return Optional.of(options.open(env));
        } catch (DatabaseUnavailableException e) {
            err.println(command + ": no database (" + e.getMessage() + "); reading the manifests under " + root
                    + " instead");
            return Optional.empty();
        }
    }

    /** One line per feed and day; exit 1 when a feed is unknown or has no inventory in the range. */
    static int list(
            Metadata metadata,
            Optional<String> feed,
            Optional<LocalDate> from,
            Optional<LocalDate> to,
            Optional<String> status,
            boolean json,
            PrintStream out,
            PrintStream err) {
        DataInventory inventory = new DataInventory(metadata);
        try {
            feed.ifPresent(inventory::requireFeed);
        } catch (UnknownNameException e) {
            err.println("ssmd data inventory: " + e.getMessage());
            return 1;
        }
        List<DataInventory.Row> all =
                inventory.list(new DataInventory.Filter(feed, from, to, Optional.empty(), Optional.empty()));
        if (all.isEmpty() && feed.isPresent()) {
            err.println(noInventory(inventory, feed.get(), from, to));
            return 1;
        }
        List<DataInventory.Row> rows = status.map(
                        s -> all.stream().filter(r -> r.status().equals(s)).toList())
                .orElse(all);
        if (json) {
            return printJson(out, rows);
        }
        boolean feedColumn = feed.isEmpty();
        TextTable table = feedColumn
                ? TextTable.of("Date", "Feed", "Raw", "Normalized", "Status", "Quality", "Gaps")
                : TextTable.of("Date", "Raw", "Normalized", "Status", "Quality", "Gaps");
        for (List<DataInventory.Row> day : byFeedAndDay(rows).values()) {
            DataInventory.Row first = day.get(0);
            String raw = volume(day, DataInventory.RAW);
            String normalized = volume(day, DataInventory.NORMALIZED);
            String worst = worst(day);
            String quality = day.stream()
                    .map(DataInventory.Row::qualityScore)
                    .filter(q -> q != null)
                    .min(BigDecimal::compareTo)
                    .map(BigDecimal::toPlainString)
                    .orElse(null);
            Integer gaps = day.stream().mapToInt(DataInventory.Row::gapCount).sum();
            if (feedColumn) {
                table.row(first.date().toString(), first.feed(), raw, normalized, worst, quality, gaps);
            } else {
                table.row(first.date().toString(), raw, normalized, worst, quality, gaps);
            }
        }
        if (table.isEmpty()) {
            out.println("(no inventory rows match)");
        } else {
            table.print(out);
        }
        return 0;
    }

    /** The gaps of {@code feed} on {@code date}, every stream; exit 1 when the day has no inventory. */
    static int gaps(Metadata metadata, String feed, LocalDate date, boolean json, PrintStream out, PrintStream err) {
        DataInventory inventory = new DataInventory(metadata);
        try {
            inventory.requireFeed(feed);
        } catch (UnknownNameException e) {
            err.println("ssmd data gaps: " + e.getMessage());
            return 1;
        }
        List<DataInventory.Row> rows = inventory.list(new DataInventory.Filter(
                Optional.of(feed), Optional.of(date), Optional.of(date), Optional.empty(), Optional.empty()));
        if (rows.isEmpty()) {
            err.println(noInventory(inventory, feed, Optional.of(date), Optional.of(date)));
            return 1;
        }
        Map<Long, DataInventory.Row> byId = new LinkedHashMap<>();
        rows.forEach(r -> byId.put(r.id(), r));
        List<DataInventory.GapRow> gaps = inventory.gaps(new ArrayList<>(byId.keySet()));
        if (json) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (DataInventory.GapRow g : gaps) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("stream", byId.get(g.inventoryId()).stream());
                m.put("data_type", byId.get(g.inventoryId()).dataType());
                m.put("gap", g.gap());
                list.add(m);
            }
            return printJson(out, list);
        }
        if (gaps.isEmpty()) {
            out.println("no gaps recorded for " + feed + " on " + date);
            return 0;
        }
        TextTable table = TextTable.of("Stream", "Type", "Seqs", "Start", "End", "Shard", "Messages", "Reason");
        for (DataInventory.GapRow row : gaps) {
            DataInventory.GapRecord g = row.gap();
            table.row(
                    byId.get(row.inventoryId()).stream(),
                    g.type(),
                    seqs(g),
                    g.start() == null ? null : g.start().toString(),
                    g.end() == null ? "open" : g.end().toString(),
                    g.shard(),
                    g.messages(),
                    (g.reason() == null ? "" : g.reason()) + (g.instruments() == null ? "" : " " + g.instruments()));
        }
        table.print(out);
        return 0;
    }

    /** {@code --rebuild}: the rows of {@code environment}'s archived streams written again from their manifests. */
    static int rebuild(
            DataInventory inventory,
            Environment environment,
            InventoryRebuild.Scope scope,
            boolean json,
            PrintStream out,
            PrintStream err) {
        List<InventoryRebuild.Written> written;
        try {
            written = InventoryRebuild.run(environment, scope, inventory, Main.version());
        } catch (IOException e) {
            err.println("ssmd data inventory --rebuild: " + e.getMessage());
            return 1;
        }
        if (json) {
            return printJson(out, written);
        }
        TextTable table = TextTable.of("Date", "Feed", "Stream", "Status", "Gaps");
        written.forEach(w -> table.row(w.date().toString(), w.feed(), w.stream(), w.status(), w.gaps()));
        if (!table.isEmpty()) {
            table.print(out);
        }
        out.println("rebuilt " + written.size() + (written.size() == 1 ? " day" : " days") + " of environment "
                + environment.name() + " from the manifests " + (scope.remote() ? "in the bucket" : "on local disk"));
        return 0;
    }

    /**
     * "No data inventory for kalshi on 2025-12-20 — latest available: 2025-12-14" (or "from D1 to D2", and "none" when
     * the feed has no row at all).
     */
    static String noInventory(DataInventory inventory, String feed, Optional<LocalDate> from, Optional<LocalDate> to) {
        String when;
        if (from.isPresent() && from.equals(to)) {
            when = " on " + from.get();
        } else if (from.isPresent() && to.isPresent()) {
            when = " from " + from.get() + " to " + to.get();
        } else if (from.isPresent()) {
            when = " from " + from.get();
        } else {
            when = to.map(t -> " up to " + t).orElse("");
        }
        return inventory.nothingFor(feed, when);
    }

    private static Map<String, List<DataInventory.Row>> byFeedAndDay(List<DataInventory.Row> rows) {
        Map<String, List<DataInventory.Row>> days = new LinkedHashMap<>();
        for (DataInventory.Row r : rows) {
            days.computeIfAbsent(r.date() + " " + r.feed(), k -> new ArrayList<>())
                    .add(r);
        }
        return days;
    }

    private static String worst(List<DataInventory.Row> day) {
        return WORST_FIRST.stream()
                .filter(s -> day.stream().anyMatch(r -> r.status().equals(s)))
                .findFirst()
                .orElse(day.get(0).status());
    }

    /** "12,345 rec, 1.2 MB" of the day's rows of {@code dataType}; "-" when it has none. */
    private static String volume(List<DataInventory.Row> day, String dataType) {
        List<DataInventory.Row> of =
                day.stream().filter(r -> r.dataType().equals(dataType)).toList();
        if (of.isEmpty()) {
            return "-";
        }
        long records = of.stream().mapToLong(DataInventory.Row::recordCount).sum();
        long bytes = of.stream().mapToLong(DataInventory.Row::byteSize).sum();
        return String.format("%,d rec, %s", records, bytes(bytes));
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }

    private static String seqs(DataInventory.GapRecord g) {
        if (g.fromSeq() == null) {
            return "-";
        }
        if (g.toSeq() == null) {
            return g.fromSeq() + "..";
        }
        return g.fromSeq().equals(g.toSeq()) ? g.fromSeq().toString() : g.fromSeq() + ".." + g.toSeq();
    }

    private static int printJson(PrintStream out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return 0;
    }
}
