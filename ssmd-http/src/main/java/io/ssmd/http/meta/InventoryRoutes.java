package io.ssmd.http.meta;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.meta.DataInventory;
import io.ssmd.core.meta.MetaViews;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.UnknownNameException;
import io.ssmd.http.JsonEntities;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The data inventory over HTTP (DESIGN §14): {@code data_inventory} rows, their {@code data_gaps} and
 * {@code data_quality_issues}, as JSON with snake_case keys. Part of {@link MetaRoutes}; every query runs on the
 * blocking executor. A bad date or status is a 400 naming the parameter; an unknown feed a 404 with the closest name;
 * a day without inventory a 404 naming the latest day there is.
 *
 * <ul>
 *   <li>{@code GET /v1/meta/inventory[?feed=&from=&to=&status=]}: {@code {"inventory": [row...]}}
 *   <li>{@code GET /v1/meta/inventory/{feed}/{date}}: {@code {"feed", "date", "rows": [row with "gaps" and
 *       "quality_issues"]}}
 *   <li>{@code GET /v1/meta/gaps/{feed}[?date=]}: {@code {"feed", "gaps": [gap with its day's stream and date]}}, newest
 *       day first
 * </ul>
 */
final class InventoryRoutes extends AllDirectives {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Metadata metadata;
    private final DataInventory inventory;
    private final Executor blocking;

    InventoryRoutes(Metadata metadata, Executor blocking) {
        this.metadata = metadata;
        this.inventory = new DataInventory(metadata);
        this.blocking = blocking;
    }

    Route route() {
        return concat(
                path(
                        segment("inventory"),
                        () -> parameterOptional(
                                "feed",
                                feed -> parameterOptional(
                                        "from",
                                        from -> parameterOptional(
                                                "to",
                                                to -> parameterOptional(
                                                        "status",
                                                        status -> answer(() -> list(feed, from, to, status))))))),
                path(
                        segment("inventory").slash(segment()).slash(segment()),
                        (feed, date) -> answer(() -> day(feed, date))),
                path(
                        segment("gaps").slash(segment()),
                        feed -> parameterOptional("date", date -> answer(() -> gaps(feed, date)))));
    }

    private MetaRoutes.Answer list(
            Optional<String> feed, Optional<String> from, Optional<String> to, Optional<String> status) {
        feed.ifPresent(this::requireFeed);
        Optional<LocalDate> fromDate = from.map(d -> date("from", d));
        Optional<LocalDate> toDate = to.map(d -> date("to", d));
        status.ifPresent(s -> {
            if (!DataInventory.STATUSES.contains(s)) {
                throw new MetaRoutes.BadRequest(
                        "status: '" + s + "' is not one of " + String.join(", ", DataInventory.STATUSES));
            }
        });
        List<DataInventory.Row> rows =
                inventory.list(new DataInventory.Filter(feed, fromDate, toDate, status, Optional.empty()));
        return MetaRoutes.Answer.ok(
                Map.of("inventory", rows.stream().map(InventoryRoutes::row).toList()));
    }

    private MetaRoutes.Answer day(String feed, String dateText) {
        LocalDate date = date("date", dateText);
        requireFeed(feed);
        List<DataInventory.Row> rows = inventory.list(new DataInventory.Filter(
                Optional.of(feed), Optional.of(date), Optional.of(date), Optional.empty(), Optional.empty()));
        if (rows.isEmpty()) {
            return MetaRoutes.Answer.error(StatusCodes.NOT_FOUND, noInventory(feed, date));
        }
        List<Long> ids = rows.stream().map(DataInventory.Row::id).toList();
        Map<Long, List<DataInventory.GapRow>> gaps =
                inventory.gaps(ids).stream().collect(Collectors.groupingBy(DataInventory.GapRow::inventoryId));
        Map<Long, List<DataInventory.QualityIssue>> issues = inventory.qualityIssues(ids).stream()
                .collect(Collectors.groupingBy(DataInventory.QualityIssue::inventoryId));
        List<Map<String, Object>> out = new ArrayList<>();
        for (DataInventory.Row r : rows) {
            Map<String, Object> m = row(r);
            m.put(
                    "gaps",
                    gaps.getOrDefault(r.id(), List.of()).stream()
                            .map(g -> gap(g.gap()))
                            .toList());
            m.put(
                    "quality_issues",
                    issues.getOrDefault(r.id(), List.of()).stream()
                            .map(InventoryRoutes::issue)
                            .toList());
            out.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("feed", feed);
        body.put("date", date.toString());
        body.put("rows", out);
        return MetaRoutes.Answer.ok(body);
    }

    private MetaRoutes.Answer gaps(String feed, Optional<String> dateText) {
        Optional<LocalDate> date = dateText.map(d -> date("date", d));
        requireFeed(feed);
        List<DataInventory.Row> rows = inventory.list(
                new DataInventory.Filter(Optional.of(feed), date, date, Optional.empty(), Optional.empty()));
        if (rows.isEmpty() && date.isPresent()) {
            return MetaRoutes.Answer.error(StatusCodes.NOT_FOUND, noInventory(feed, date.get()));
        }
        Map<Long, DataInventory.Row> byId =
                rows.stream().collect(Collectors.toMap(DataInventory.Row::id, Function.identity()));
        List<Map<String, Object>> out = new ArrayList<>();
        for (DataInventory.GapRow g : inventory.gaps(new ArrayList<>(byId.keySet()))) {
            DataInventory.Row r = byId.get(g.inventoryId());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("date", r.date().toString());
            m.put("environment", r.environment());
            m.put("stream", r.stream());
            m.put("data_type", r.dataType());
            m.putAll(gap(g.gap()));
            out.add(m);
        }
        out.sort((a, b) -> ((String) b.get("date")).compareTo((String) a.get("date")));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("feed", feed);
        body.put("gaps", out);
        return MetaRoutes.Answer.ok(body);
    }

    private String noInventory(String feed, LocalDate date) {
        return inventory.nothingFor(feed, " on " + date);
    }

    private void requireFeed(String feed) {
        inventory.requireFeed(feed);
    }

    private static LocalDate date(String parameter, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new MetaRoutes.BadRequest(parameter + ": '" + value + "' is not a date (YYYY-MM-DD)");
        }
    }

    static Map<String, Object> row(DataInventory.Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("environment", r.environment());
        m.put("feed", r.feed());
        m.put("stream", r.stream());
        m.put("data_type", r.dataType());
        m.put("date", r.date().toString());
        m.put("storage_path", r.storagePath());
        m.put("schema_version", r.schemaVersion());
        m.put("symbol_count", r.symbolCount());
        m.put("record_count", r.recordCount());
        m.put("byte_size", r.byteSize());
        m.put("file_count", r.fileCount());
        m.put("first_timestamp", text(r.firstTimestamp()));
        m.put("last_timestamp", text(r.lastTimestamp()));
        m.put("status", r.status());
        m.put("gap_count", r.gapCount());
        m.put("quality_score", r.qualityScore());
        m.put("quality_components", json(r.qualityComponents()));
        m.put("connector_version", r.connectorVersion());
        m.put("processor_version", r.processorVersion());
        m.put("processed_at", text(r.processedAt()));
        return m;
    }

    private static Map<String, Object> gap(DataInventory.GapRecord g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", g.type());
        m.put("start", text(g.start()));
        m.put("end", text(g.end()));
        m.put("from_seq", g.fromSeq());
        m.put("to_seq", g.toSeq());
        m.put("shard", g.shard());
        m.put("reason", g.reason());
        m.put("instruments", json(g.instruments()));
        m.put("messages", g.messages());
        m.put("file", g.file());
        m.put("resolved", g.resolved());
        return m;
    }

    private static Map<String, Object> issue(DataInventory.QualityIssue q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", q.issueType());
        m.put("severity", q.severity());
        m.put("count", q.count());
        m.put("sample", json(q.sample()));
        m.put("first_seen", text(q.firstSeen()));
        m.put("last_seen", text(q.lastSeen()));
        return m;
    }

    /** A JSON column as JSON, or its text when it is not JSON. */
    private static Object json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            return text;
        }
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private Route answer(Supplier<MetaRoutes.Answer> query) {
        CompletionStage<MetaRoutes.Answer> future = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return query.get();
                    } catch (UnknownNameException e) {
                        return new MetaRoutes.Answer(StatusCodes.NOT_FOUND, JSON.valueToTree(MetaViews.unknown(e)));
                    } catch (MetaRoutes.BadRequest e) {
                        return MetaRoutes.Answer.error(StatusCodes.BAD_REQUEST, e.getMessage());
                    }
                },
                blocking);
        return onSuccess(future, a -> complete(a.status(), JsonEntities.of(a.body())));
    }
}
