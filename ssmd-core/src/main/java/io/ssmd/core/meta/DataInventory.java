package io.ssmd.core.meta;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;

/**
 * The {@code data_inventory} and {@code data_gaps} tables (DESIGN §14): what the archive holds per environment, feed,
 * stream, data type and UTC day, and the typed holes in it. The archiver writes a day's row after each segment it
 * commits; {@code ssmd data inventory --rebuild} writes the same rows from the manifests. The row of a day may be
 * created first by whoever scores it ({@code ssmd dq daily}): every write is an update, else an insert, and on a unique
 * violation (the other writer inserted it meanwhile) an update again. {@link #record} never touches the quality
 * columns, which belong to the scorer.
 *
 * <p>Every method blocks: call it from the blocking dispatcher.
 */
public final class DataInventory {

    public static final String RAW = "raw";
    public static final String NORMALIZED = "normalized";

    public static final String PROCESSING = "processing";
    public static final String COMPLETE = "complete";
    public static final String PARTIAL = "partial";
    public static final String FAILED = "failed";

    /** Every status, in the order a day goes through them. */
    public static final List<String> STATUSES = List.of(PROCESSING, COMPLETE, PARTIAL, FAILED);

    private static final String COLUMNS =
            "id, environment, feed, stream, data_type, date, storage_path, schema_version,"
                    + " symbol_count, record_count, byte_size, file_count, first_timestamp, last_timestamp, status, gap_count,"
                    + " quality_score, quality_components, connector_version, processor_version, processed_at";

    private static final String GAP_COLUMNS = "id, inventory_id, gap_type, start_time, end_time, from_seq, to_seq,"
            + " shard, reason, instruments, messages, file, resolved";

    private final Metadata metadata;
    private final Jdbi jdbi;

    public DataInventory(Metadata metadata) {
        this.metadata = metadata;
        this.jdbi = metadata.jdbi();
    }

    /**
     * What a reader asking for days the inventory has no row for is told, the same from the CLI and the REST API: "No
     * data inventory for kalshi on 2025-12-20 — latest available: 2025-12-14" ("none" when there is no row at all).
     *
     * @param when " on D", " from D1 to D2" or empty
     */
    public static String nothingFor(String feed, String when, Optional<LocalDate> latest) {
        return "No data inventory for " + feed + when + " — latest available: "
                + latest.map(LocalDate::toString).orElse("none");
    }

    /** {@link #nothingFor(String, String, Optional)} with the feed's latest row. */
    public String nothingFor(String feed, String when) {
        return nothingFor(feed, when, latestDate(feed));
    }

    /**
     * Refuses a feed that is neither registered nor in any row, with "Did you mean" among those that are.
     *
     * @throws UnknownNameException naming the closest known feeds
     */
    public void requireFeed(String feed) {
        java.util.TreeSet<String> known = new java.util.TreeSet<>(new FeedRegistry(metadata).names());
        known.addAll(feeds());
        if (!known.contains(feed)) {
            throw new UnknownNameException("feed", feed, known);
        }
    }

    /** Identifies a day's row: the table's unique key. */
    public record Key(String environment, String feed, String stream, String dataType, LocalDate date) {
        public Key {
            Objects.requireNonNull(environment, "environment");
            Objects.requireNonNull(feed, "feed");
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(dataType, "dataType");
            Objects.requireNonNull(date, "date");
        }
    }

    /**
     * A day as the archive describes it: what {@link #record} writes.
     *
     * @param storagePath where the day's files are (the date directory, or its URL in the bucket)
     * @param firstTimestamp the earliest receive time of the day's files; null when it has none
     */
    public record Day(
            Key key,
            String storagePath,
            String schemaVersion,
            int symbolCount,
            long recordCount,
            long byteSize,
            int fileCount,
            Instant firstTimestamp,
            Instant lastTimestamp,
            String status,
            String connectorVersion,
            String processorVersion) {}

    /** A row of {@code data_inventory}. */
    public record Row(
            long id,
            String environment,
            String feed,
            String stream,
            String dataType,
            LocalDate date,
            String storagePath,
            String schemaVersion,
            int symbolCount,
            long recordCount,
            long byteSize,
            int fileCount,
            Instant firstTimestamp,
            Instant lastTimestamp,
            String status,
            int gapCount,
            BigDecimal qualityScore,
            String qualityComponents,
            String connectorVersion,
            String processorVersion,
            Instant processedAt) {

        public Key key() {
            return new Key(environment, feed, stream, dataType, date);
        }
    }

    /**
     * A typed hole of a day, as the manifest's gap log records it. Its identity within the day is
     * {@code (type, fromSeq, start, shard)}.
     *
     * @param instruments the JSON array of the instruments it concerns, or null
     * @param resolved whether the hole has ended ({@code end} known)
     */
    public record GapRecord(
            String type,
            Instant start,
            Instant end,
            Long fromSeq,
            Long toSeq,
            String shard,
            String reason,
            String instruments,
            Long messages,
            String file,
            boolean resolved) {

        Identity identity() {
            return new Identity(type, fromSeq, start, shard);
        }
    }

    private record Identity(String type, Long fromSeq, Instant start, String shard) {}

    /** A row of {@code data_gaps}. */
    public record GapRow(long id, long inventoryId, GapRecord gap) {}

    /** A row of {@code data_quality_issues} (written by the quality checks; read here for the day's report). */
    public record QualityIssue(
            long id,
            long inventoryId,
            String issueType,
            String severity,
            long count,
            String sample,
            Instant firstSeen,
            Instant lastSeen) {}

    /** Which rows {@link #list} returns; each part empty for any. */
    public record Filter(
            Optional<String> feed,
            Optional<LocalDate> from,
            Optional<LocalDate> to,
            Optional<String> status,
            Optional<String> environment) {

        public static Filter all() {
            return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /**
     * Writes a day's row and makes its gaps exactly {@code gaps}: each gap is updated by its identity or inserted, and
     * rows of gaps no longer in the log (a rewritten segment drops and carries its gaps again) are deleted, so a
     * rewrite never duplicates one. The quality columns are left as they are. One transaction.
     *
     * @return the row's id
     */
    public long record(Day day, List<GapRecord> gaps, Instant processedAt) {
        return jdbi.inTransaction(h -> {
            long id = upsertDay(h, day, gaps.size(), processedAt);
            syncGaps(h, id, gaps);
            return id;
        });
    }

    /**
     * The id of the row of {@code key}, creating an empty {@code processing} row when there is none yet (for a writer
     * that must attach to a day the archiver has not written yet); the archiver's next write fills it.
     */
    public long findOrCreate(Key key, String storagePath, Instant processedAt) {
        Optional<Long> found = find(key);
        if (found.isPresent()) {
            return found.get();
        }
        try {
            return jdbi.withHandle(h -> h.createUpdate("INSERT INTO data_inventory (environment, feed, stream,"
                            + " data_type, date, storage_path, symbol_count, record_count, byte_size, file_count,"
                            + " status, gap_count, processed_at) VALUES (:environment, :feed, :stream, :dataType,"
                            + " :date, :storagePath, 0, 0, 0, 0, :status, 0, :processedAt)")
                    .bindMethods(key)
                    .bind("storagePath", storagePath)
                    .bind("status", PROCESSING)
                    .bind("processedAt", processedAt)
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class)
                    .one());
        } catch (RuntimeException e) {
            if (!SqlStates.uniqueViolation(e)) {
                throw e;
            }
            return find(key).orElseThrow(() -> e);
        }
    }

    /** The id of the row of {@code key}, if there is one. */
    public Optional<Long> find(Key key) {
        return jdbi.withHandle(h -> findId(h, key));
    }

    /** The row of {@code key}, if there is one. */
    public Optional<Row> row(Key key) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM data_inventory WHERE environment ="
                        + " :environment AND feed = :feed AND stream = :stream AND data_type = :dataType AND date ="
                        + " :date")
                .bindMethods(key)
                .map((rs, ctx) -> row(rs))
                .findOne());
    }

    /** The rows that match {@code filter}, by date, feed, stream, data type. */
    public List<Row> list(Filter filter) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM data_inventory WHERE 1 = 1");
        filter.feed().ifPresent(f -> sql.append(" AND feed = :feed"));
        filter.from().ifPresent(f -> sql.append(" AND date >= :from"));
        filter.to().ifPresent(f -> sql.append(" AND date <= :to"));
        filter.status().ifPresent(f -> sql.append(" AND status = :status"));
        filter.environment().ifPresent(f -> sql.append(" AND environment = :environment"));
        sql.append(" ORDER BY date, feed, stream, data_type, environment");
        return jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString());
            filter.feed().ifPresent(f -> q.bind("feed", f));
            filter.from().ifPresent(f -> q.bind("from", f));
            filter.to().ifPresent(f -> q.bind("to", f));
            filter.status().ifPresent(f -> q.bind("status", f));
            filter.environment().ifPresent(f -> q.bind("environment", f));
            return q.map((rs, ctx) -> row(rs)).list();
        });
    }

    /** The latest date with a row of {@code feed}, if any. */
    public Optional<LocalDate> latestDate(String feed) {
        return jdbi.withHandle(h -> h.createQuery("SELECT MAX(date) FROM data_inventory WHERE feed = :feed")
                .bind("feed", feed)
                .mapTo(LocalDate.class)
                .findOne());
    }

    /** The feeds with any row, sorted. */
    public List<String> feeds() {
        return jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT feed FROM data_inventory ORDER BY feed")
                .mapTo(String.class)
                .list());
    }

    /** The gaps of the rows {@code inventoryIds}, by row, then start time. */
    public List<GapRow> gaps(List<Long> inventoryIds) {
        if (inventoryIds.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT " + GAP_COLUMNS
                        + " FROM data_gaps WHERE inventory_id IN (<ids>) ORDER BY inventory_id, start_time, from_seq,"
                        + " id")
                .bindList("ids", inventoryIds)
                .map((rs, ctx) -> gapRow(rs))
                .list());
    }

    /** The quality issues of the rows {@code inventoryIds}, by row, then type. */
    public List<QualityIssue> qualityIssues(List<Long> inventoryIds) {
        if (inventoryIds.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT id, inventory_id, issue_type, severity, issue_count, sample,"
                        + " first_seen, last_seen FROM data_quality_issues WHERE inventory_id IN (<ids>)"
                        + " ORDER BY inventory_id, issue_type")
                .bindList("ids", inventoryIds)
                .map((rs, ctx) -> new QualityIssue(
                        rs.getLong("id"),
                        rs.getLong("inventory_id"),
                        rs.getString("issue_type"),
                        rs.getString("severity"),
                        rs.getLong("issue_count"),
                        rs.getString("sample"),
                        instant(rs, "first_seen"),
                        instant(rs, "last_seen")))
                .list());
    }

    private static Optional<Long> findId(Handle h, Key key) {
        return h.createQuery("SELECT id FROM data_inventory WHERE environment = :environment AND feed = :feed"
                        + " AND stream = :stream AND data_type = :dataType AND date = :date")
                .bindMethods(key)
                .mapTo(Long.class)
                .findOne();
    }

    private static long upsertDay(Handle h, Day day, int gapCount, Instant processedAt) {
        Optional<Long> id = updateDay(h, day, gapCount, processedAt);
        if (id.isPresent()) {
            return id.get();
        }
        // Another writer may insert the row between the update and the insert: a savepoint keeps the transaction
        // usable after the unique violation (PostgreSQL aborts a transaction on any error), then update again.
        h.savepoint("inventory_insert");
        try {
            long inserted = bindDay(
                            h.createUpdate("INSERT INTO data_inventory (environment, feed, stream, data_type, date,"
                                    + " storage_path, schema_version, symbol_count, record_count, byte_size,"
                                    + " file_count, first_timestamp, last_timestamp, status, gap_count,"
                                    + " connector_version, processor_version, processed_at) VALUES (:environment,"
                                    + " :feed, :stream, :dataType, :date, :storagePath, :schemaVersion, :symbolCount,"
                                    + " :recordCount, :byteSize, :fileCount, :firstTimestamp, :lastTimestamp, :status,"
                                    + " :gapCount, :connectorVersion, :processorVersion, :processedAt)"),
                            day,
                            gapCount,
                            processedAt)
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class)
                    .one();
            h.release("inventory_insert");
            return inserted;
        } catch (RuntimeException e) {
            if (!SqlStates.uniqueViolation(e)) {
                throw e;
            }
            h.rollbackToSavepoint("inventory_insert");
            return updateDay(h, day, gapCount, processedAt).orElseThrow(() -> e);
        }
    }

    private static Optional<Long> updateDay(Handle h, Day day, int gapCount, Instant processedAt) {
        int updated = bindDay(
                        h.createUpdate("UPDATE data_inventory SET storage_path = :storagePath, schema_version ="
                                + " :schemaVersion, symbol_count = :symbolCount, record_count = :recordCount,"
                                + " byte_size = :byteSize, file_count = :fileCount, first_timestamp ="
                                + " :firstTimestamp, last_timestamp = :lastTimestamp, status = :status, gap_count ="
                                + " :gapCount, connector_version = :connectorVersion, processor_version ="
                                + " :processorVersion, processed_at = :processedAt WHERE environment = :environment"
                                + " AND feed = :feed AND stream = :stream AND data_type = :dataType AND date = :date"),
                        day,
                        gapCount,
                        processedAt)
                .execute();
        return updated == 0 ? Optional.empty() : findId(h, day.key());
    }

    private static Update bindDay(Update u, Day day, int gapCount, Instant processedAt) {
        return u.bindMethods(day.key())
                .bind("storagePath", day.storagePath())
                .bind("schemaVersion", day.schemaVersion())
                .bind("symbolCount", day.symbolCount())
                .bind("recordCount", day.recordCount())
                .bind("byteSize", day.byteSize())
                .bind("fileCount", day.fileCount())
                .bindByType("firstTimestamp", day.firstTimestamp(), Instant.class)
                .bindByType("lastTimestamp", day.lastTimestamp(), Instant.class)
                .bind("status", day.status())
                .bind("gapCount", gapCount)
                .bind("connectorVersion", day.connectorVersion())
                .bind("processorVersion", day.processorVersion())
                .bind("processedAt", processedAt);
    }

    private static void syncGaps(Handle h, long inventoryId, List<GapRecord> gaps) {
        // Rows by identity, oldest first: a log that holds one identity twice has two rows for it, matched in order.
        Map<Identity, ArrayDeque<Long>> unseen = new HashMap<>();
        h.createQuery("SELECT " + GAP_COLUMNS + " FROM data_gaps WHERE inventory_id = :id ORDER BY id")
                .bind("id", inventoryId)
                .map((rs, ctx) -> gapRow(rs))
                .forEach(g -> unseen.computeIfAbsent(g.gap().identity(), k -> new ArrayDeque<>())
                        .add(g.id()));
        for (GapRecord gap : gaps) {
            ArrayDeque<Long> rows = unseen.get(gap.identity());
            Long id = rows == null ? null : rows.poll();
            Update u = id == null
                    ? h.createUpdate("INSERT INTO data_gaps (inventory_id, gap_type, start_time, end_time, from_seq,"
                            + " to_seq, shard, reason, instruments, messages, file, resolved) VALUES (:inventoryId,"
                            + " :type, :start, :end, :fromSeq, :toSeq, :shard, :reason, :instruments, :messages, :file,"
                            + " :resolved)")
                    : h.createUpdate("UPDATE data_gaps SET end_time = :end, to_seq = :toSeq, reason = :reason,"
                                    + " instruments = :instruments, messages = :messages, file = :file, resolved ="
                                    + " :resolved WHERE id = :id")
                            .bind("id", id);
            u.bind("inventoryId", inventoryId)
                    .bind("type", gap.type())
                    .bindByType("start", gap.start(), Instant.class)
                    .bindByType("end", gap.end(), Instant.class)
                    .bindByType("fromSeq", gap.fromSeq(), Long.class)
                    .bindByType("toSeq", gap.toSeq(), Long.class)
                    .bind("shard", gap.shard())
                    .bind("reason", gap.reason())
                    .bind("instruments", gap.instruments())
                    .bindByType("messages", gap.messages(), Long.class)
                    .bind("file", gap.file())
                    .bind("resolved", gap.resolved())
                    .execute();
        }
        List<Long> stale = unseen.values().stream().flatMap(ArrayDeque::stream).toList();
        if (!stale.isEmpty()) {
            h.createUpdate("DELETE FROM data_gaps WHERE id IN (<ids>)")
                    .bindList("ids", stale)
                    .execute();
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(
                rs.getLong("id"),
                rs.getString("environment"),
                rs.getString("feed"),
                rs.getString("stream"),
                rs.getString("data_type"),
                rs.getObject("date", LocalDate.class),
                rs.getString("storage_path"),
                rs.getString("schema_version"),
                rs.getInt("symbol_count"),
                rs.getLong("record_count"),
                rs.getLong("byte_size"),
                rs.getInt("file_count"),
                instant(rs, "first_timestamp"),
                instant(rs, "last_timestamp"),
                rs.getString("status"),
                rs.getInt("gap_count"),
                rs.getBigDecimal("quality_score"),
                rs.getString("quality_components"),
                rs.getString("connector_version"),
                rs.getString("processor_version"),
                instant(rs, "processed_at"));
    }

    private static GapRow gapRow(ResultSet rs) throws SQLException {
        return new GapRow(
                rs.getLong("id"),
                rs.getLong("inventory_id"),
                new GapRecord(
                        rs.getString("gap_type"),
                        instant(rs, "start_time"),
                        instant(rs, "end_time"),
                        rs.getObject("from_seq", Long.class),
                        rs.getObject("to_seq", Long.class),
                        rs.getString("shard"),
                        rs.getString("reason"),
                        rs.getString("instruments"),
                        rs.getObject("messages", Long.class),
                        rs.getString("file"),
                        rs.getBoolean("resolved")));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
