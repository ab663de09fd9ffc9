package io.ssmd.core.meta;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The quality issues of each archived day ({@code data_quality_issues}) and the day's quality score in its inventory
 * row (docs/inventory.md). The archiver adds the counts of each committed segment; {@code ssmd dq daily} stores the
 * score; {@code ssmd data quality} reads the issues.
 *
 * <p>The inventory row of a day is shared with the inventory writer, which may create it first: this class never
 * assumes it inserted it. It inserts with {@code ON CONFLICT DO NOTHING} (both databases take it, H2 in PostgreSQL
 * mode) and reads the row's id back, so two writers racing on a new day both end up on the one row.
 */
public final class QualityIssues {

    /** The raw data type of an inventory row: what the archiver writes. */
    public static final String RAW = "raw";

    private final Jdbi jdbi;

    public QualityIssues(Metadata metadata) {
        this.jdbi = metadata.jdbi();
    }

    /**
     * The archive of one stream on one UTC day: the key of its inventory row.
     *
     * @param storagePath the day's directory, as the inventory row records it
     */
    public record Day(String environment, String feed, String stream, LocalDate date, String storagePath) {}

    /**
     * Issues of one type found in one committed segment, to be added to the day's row.
     *
     * @param sample the first occurrence, as JSON
     */
    public record Tally(QualityIssueType type, long count, String sample, Instant firstSeen, Instant lastSeen) {}

    /** One stored issue row. */
    public record Issue(
            String stream,
            String issueType,
            String severity,
            long count,
            String sample,
            Instant firstSeen,
            Instant lastSeen) {}

    /** The inventory row of a stream's day, as far as the score needs it. */
    public record InventoryDay(
            long id,
            String environment,
            String feed,
            String stream,
            LocalDate date,
            String storagePath,
            long records,
            Instant firstTimestamp,
            Instant lastTimestamp,
            String status,
            Optional<BigDecimal> qualityScore,
            Optional<String> qualityComponents) {}

    /** A stored gap of a day, as the score needs it: its type and its times (null when unknown or open). */
    public record GapTimes(String type, Instant start, Instant end) {}

    /**
     * Adds the tallies of one committed segment to the day's counts, creating the day's inventory row (status
     * {@code processing}, zero counts) when the inventory writer has not yet. A first occurrence keeps its sample and
     * first time; later ones move {@code last_seen} and add to the count. One transaction: a retried call after a
     * failure adds everything once.
     */
    public void add(Day day, List<Tally> tallies, Instant now) {
        jdbi.useTransaction(h -> {
            long id = ensureDay(h, day, now);
            for (Tally t : tallies) {
                if (t.count() <= 0) {
                    continue;
                }
                if (addTo(h, id, t) == 0) {
                    int inserted = h.createUpdate("INSERT INTO data_quality_issues (inventory_id, issue_type, severity,"
                                    + " issue_count, sample, first_seen, last_seen) VALUES (:id, :type, :severity,"
                                    + " :count, :sample, :first, :last) ON CONFLICT DO NOTHING")
                            .bind("id", id)
                            .bind("type", t.type().id())
                            .bind("severity", t.type().severity().id())
                            .bind("count", t.count())
                            .bind("sample", t.sample())
                            .bind("first", utc(t.firstSeen()))
                            .bind("last", utc(t.lastSeen()))
                            .execute();
                    if (inserted == 0) {
                        addTo(h, id, t);
                    }
                }
            }
        });
    }

    /** The inventory row's id of {@code day}, created if absent. */
    public long ensureDay(Day day, Instant now) {
        return jdbi.inTransaction(h -> ensureDay(h, day, now));
    }

    private static long ensureDay(Handle h, Day day, Instant now) {
        Optional<Long> id = dayId(h, day);
        if (id.isPresent()) {
            return id.get();
        }
        h.createUpdate("INSERT INTO data_inventory (environment, feed, stream, data_type, date, storage_path,"
                        + " symbol_count, record_count, byte_size, file_count, status, gap_count, processed_at)"
                        + " VALUES (:env, :feed, :stream, :type, :date, :path, 0, 0, 0, 0, 'processing', 0, :now)"
                        + " ON CONFLICT DO NOTHING")
                .bind("env", day.environment())
                .bind("feed", day.feed())
                .bind("stream", day.stream())
                .bind("type", RAW)
                .bind("date", day.date())
                .bind("path", day.storagePath())
                .bind("now", utc(now))
                .execute();
        return dayId(h, day)
                .orElseThrow(() -> new IllegalStateException("no inventory row for " + day + " after inserting it"));
    }

    private static Optional<Long> dayId(Handle h, Day day) {
        return h.createQuery("SELECT id FROM data_inventory WHERE environment = :env AND feed = :feed AND stream ="
                        + " :stream AND data_type = :type AND date = :date")
                .bind("env", day.environment())
                .bind("feed", day.feed())
                .bind("stream", day.stream())
                .bind("type", RAW)
                .bind("date", day.date())
                .mapTo(Long.class)
                .findOne();
    }

    private static int addTo(Handle h, long id, Tally t) {
        return h.createUpdate("UPDATE data_quality_issues SET issue_count = issue_count + :count, last_seen ="
                        + " CASE WHEN last_seen < :last THEN :last ELSE last_seen END WHERE inventory_id = :id AND"
                        + " issue_type = :type")
                .bind("id", id)
                .bind("type", t.type().id())
                .bind("count", t.count())
                .bind("last", utc(t.lastSeen()))
                .execute();
    }

    /** The issues of {@code feed} on {@code date}, every stream, by stream and type. */
    public List<Issue> issues(String feed, LocalDate date) {
        return jdbi.withHandle(h -> h.createQuery("SELECT i.stream, q.issue_type, q.severity, q.issue_count, q.sample,"
                        + " q.first_seen, q.last_seen FROM data_quality_issues q JOIN data_inventory i ON i.id ="
                        + " q.inventory_id WHERE i.feed = :feed AND i.date = :date ORDER BY i.stream, q.issue_type")
                .bind("feed", feed)
                .bind("date", date)
                .map((rs, ctx) -> new Issue(
                        rs.getString("stream"),
                        rs.getString("issue_type"),
                        rs.getString("severity"),
                        rs.getLong("issue_count"),
                        rs.getString("sample"),
                        instant(rs, "first_seen"),
                        instant(rs, "last_seen")))
                .list());
    }

    /** The raw inventory rows of {@code date}, of one feed or all, by feed and stream. */
    public List<InventoryDay> days(LocalDate date, Optional<String> feed) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, environment, feed, stream, date, storage_path,"
                        + " record_count, first_timestamp, last_timestamp, status, quality_score, quality_components FROM data_inventory WHERE date ="
                        + " :date AND data_type = :type" + (feed.isPresent() ? " AND feed = :feed" : "")
                        + " ORDER BY feed, stream")
                .bind("date", date)
                .bind("type", RAW)
                .bindMap(feed.map(f -> java.util.Map.of("feed", f)).orElse(java.util.Map.of()))
                .map((rs, ctx) -> new InventoryDay(
                        rs.getLong("id"),
                        rs.getString("environment"),
                        rs.getString("feed"),
                        rs.getString("stream"),
                        rs.getObject("date", LocalDate.class),
                        rs.getString("storage_path"),
                        rs.getLong("record_count"),
                        instant(rs, "first_timestamp"),
                        instant(rs, "last_timestamp"),
                        rs.getString("status"),
                        Optional.ofNullable(rs.getBigDecimal("quality_score")),
                        Optional.ofNullable(rs.getString("quality_components"))))
                .list());
    }

    /** Every feed with an inventory row, sorted. */
    public List<String> feeds() {
        return jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT feed FROM data_inventory ORDER BY feed")
                .mapTo(String.class)
                .list());
    }

    /** The latest day with an inventory row of {@code feed}, or of any feed when empty. */
    public Optional<LocalDate> latestDate(Optional<String> feed) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT MAX(date) FROM data_inventory" + (feed.isPresent() ? " WHERE feed = :feed" : ""))
                .bindMap(feed.map(f -> java.util.Map.of("feed", f)).orElse(java.util.Map.of()))
                .map((rs, ctx) -> rs.getObject(1, LocalDate.class))
                .findOne()
                .flatMap(Optional::ofNullable));
    }

    /** The gaps stored for one inventory row ({@code data_gaps}). */
    public List<GapTimes> gaps(long inventoryId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT gap_type, start_time, end_time FROM data_gaps WHERE inventory_id = :id ORDER BY id")
                .bind("id", inventoryId)
                .map((rs, ctx) ->
                        new GapTimes(rs.getString("gap_type"), instant(rs, "start_time"), instant(rs, "end_time")))
                .list());
    }

    /** Stores a day's score and its components (JSON) in the inventory rows {@code ids} (one environment's streams). */
    public int storeScore(List<Long> ids, BigDecimal score, String components) {
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbi.withHandle(h -> h.createUpdate("UPDATE data_inventory SET quality_score = :score,"
                        + " quality_components = :components WHERE id IN (<ids>)")
                .bind("score", score)
                .bind("components", components)
                .bindList("ids", ids)
                .execute());
    }

    /** Stores the day's score and its components (JSON) in every raw inventory row of the feed's day. */
    public int storeScore(String feed, LocalDate date, BigDecimal score, String components) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE data_inventory SET quality_score = :score,"
                        + " quality_components = :components WHERE feed = :feed AND date = :date AND data_type ="
                        + " :type")
                .bind("score", score)
                .bind("components", components)
                .bind("feed", feed)
                .bind("date", date)
                .bind("type", RAW)
                .execute());
    }

    private static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
