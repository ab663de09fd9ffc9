package io.ssmd.core.meta;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;

/**
 * The security master's repository (DESIGN §15): {@code markets}, {@code market_history} and the change-event outbox
 * {@code secmaster_outbox}. A batch of synced markets is one transaction: new markets are inserted with a
 * {@code created} event; every changed tracked field of a known market is one history row and one event
 * ({@code status_changed}, {@code settled} or {@code removed} for the status field, {@code updated} for the others).
 * A market not seen by a complete sync that has not ended is marked {@code removed} ({@link #removeUnseen}).
 * Blocking.
 */
public final class SecurityMaster {

    /** Markets per transaction in {@link #sync}: large enough to be fast, small enough to keep locks short. */
    public static final int BATCH = 500;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String COLUMNS = "id, feed, instrument, " + String.join(", ", MarketRecord.FIELDS)
            + ", created_at, updated_at, last_seen_at";

    private final Jdbi jdbi;

    public SecurityMaster(Metadata metadata) {
        this.jdbi = metadata.jdbi();
    }

    /** The markets' subscribe states (table {@code market_subscriptions}), in the same database. */
    public MarketSubscriptions subscriptions() {
        return new MarketSubscriptions(jdbi);
    }

    /** What a sync did to one feed's markets. */
    public record SyncCounts(String feed, int created, int updated, int unchanged, int removed, int historyRows) {

        public static SyncCounts none(String feed) {
            return new SyncCounts(feed, 0, 0, 0, 0, 0);
        }

        public SyncCounts plus(SyncCounts other) {
            return new SyncCounts(
                    feed,
                    created + other.created,
                    updated + other.updated,
                    unchanged + other.unchanged,
                    removed + other.removed,
                    historyRows + other.historyRows);
        }

        public int seen() {
            return created + updated + unchanged;
        }
    }

    /**
     * Stores a complete sync of one feed: every market in batches of {@link #BATCH} (one transaction each), then, when
     * {@code complete} (every page of the venue was read), marks the feed's markets that were not seen and have not
     * ended as {@code removed}. A sync that failed part-way must not pass {@code complete}.
     */
    public SyncCounts sync(String feed, List<MarketRecord> markets, boolean complete, Instant at) {
        SyncCounts counts = SyncCounts.none(feed);
        for (int from = 0; from < markets.size(); from += BATCH) {
            counts = counts.plus(upsert(feed, markets.subList(from, Math.min(markets.size(), from + BATCH)), at));
        }
        if (complete) {
            counts = counts.plus(removeUnseen(
                    feed, markets.stream().map(MarketRecord::instrument).collect(Collectors.toSet()), at));
        }
        return counts;
    }

    /**
     * Upserts a batch of one feed's markets in one transaction (see the class comment). A market named twice keeps
     * its last record.
     *
     * @throws IllegalArgumentException when a record is of another feed
     */
    public SyncCounts upsert(String feed, List<MarketRecord> batch, Instant at) {
        Map<String, MarketRecord> wanted = new LinkedHashMap<>();
        for (MarketRecord m : batch) {
            if (!m.feed().equals(feed)) {
                throw new IllegalArgumentException(
                        "market " + m.instrument() + " is of feed " + m.feed() + ", not " + feed);
            }
            wanted.put(m.instrument(), m);
        }
        if (wanted.isEmpty()) {
            return SyncCounts.none(feed);
        }
        return jdbi.inTransaction(h -> {
            Map<String, Market> existing = new HashMap<>();
            h.createQuery("SELECT " + COLUMNS + ", raw FROM markets WHERE feed = :feed AND instrument IN (<ids>)")
                    .bind("feed", feed)
                    .bindList("ids", new ArrayList<>(wanted.keySet()))
                    .map((rs, ctx) -> market(rs, true))
                    .forEach(m -> existing.put(m.instrument(), m));
            int created = 0;
            int updated = 0;
            int unchanged = 0;
            int history = 0;
            List<String> seenOnly = new ArrayList<>();
            for (MarketRecord m : wanted.values()) {
                Market old = existing.get(m.instrument());
                if (old == null) {
                    long id = insert(h, m, at);
                    outbox(h, feed, OutboxEvent.CREATED, id, m, null, null, null, at);
                    created++;
                    continue;
                }
                Map<String, String> before = old.market().fields();
                Map<String, String> after = m.fields();
                List<String> changed = MarketRecord.FIELDS.stream()
                        .filter(f -> !Objects.equals(before.get(f), after.get(f)))
                        .toList();
                if (changed.isEmpty()) {
                    if (old.market().raw().equals(m.raw())) {
                        seenOnly.add(m.instrument());
                    } else {
                        h.createUpdate("UPDATE markets SET raw = :raw, last_seen_at = :at WHERE id = :id")
                                .bind("raw", m.raw())
                                .bind("at", at)
                                .bind("id", old.id())
                                .execute();
                    }
                    unchanged++;
                    continue;
                }
                update(h, old.id(), m, at);
                for (String field : changed) {
                    change(h, old.id(), m, field, before.get(field), after.get(field), at);
                    history++;
                }
                updated++;
            }
            if (!seenOnly.isEmpty()) {
                h.createUpdate("UPDATE markets SET last_seen_at = :at WHERE feed = :feed AND instrument IN (<ids>)")
                        .bind("at", at)
                        .bind("feed", feed)
                        .bindList("ids", seenOnly)
                        .execute();
            }
            return new SyncCounts(feed, created, updated, unchanged, 0, history);
        });
    }

    /**
     * Marks {@code removed} every market of {@code feed} that has not ended ({@code upcoming}, {@code active},
     * {@code halted}) and is not in {@code seen}: the venue no longer lists it although a sync covers every open
     * market. Ended markets are left alone: a sync covers only those closed within its window, so an old closed market
     * missing from it is expected. One transaction.
     */
    public SyncCounts removeUnseen(String feed, Set<String> seen, Instant at) {
        return jdbi.inTransaction(h -> {
            List<Market> live = h.createQuery("SELECT " + COLUMNS + " FROM markets WHERE feed = :feed"
                            + " AND status NOT IN ('closed', 'settled', 'removed')")
                    .bind("feed", feed)
                    .map((rs, ctx) -> market(rs, false))
                    .list();
            int removed = 0;
            for (Market m : live) {
                if (seen.contains(m.instrument())) {
                    continue;
                }
                MarketRecord gone = m.market().withStatus(MarketRecord.REMOVED);
                h.createUpdate("UPDATE markets SET status = :status, updated_at = :at WHERE id = :id")
                        .bind("status", MarketRecord.REMOVED)
                        .bind("at", at)
                        .bind("id", m.id())
                        .execute();
                change(h, m.id(), gone, "status", m.status(), MarketRecord.REMOVED, at);
                removed++;
            }
            return new SyncCounts(feed, 0, 0, 0, removed, removed);
        });
    }

    /** What {@link #list} keeps; empty filters keep everything. {@code search} matches id, title, aliases, event. */
    public record Filter(
            Optional<String> feed,
            Optional<String> status,
            Optional<String> category,
            Optional<String> search,
            Optional<Instant> asOf) {

        public static Filter all() {
            return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /**
     * The markets passing the filter, by feed and instrument. With an as-of instant: the markets created by then, each
     * with the values it had then (the current row with every later {@code market_history} change undone).
     *
     * @throws UnknownNameException for a feed the security master holds no market of, or an unknown status
     */
    public List<Market> list(Filter filter) {
        filter.feed().ifPresent(this::requireFeed);
        filter.status().ifPresent(s -> {
            if (!MarketRecord.STATUSES.contains(s)) {
                throw new UnknownNameException("status", s, MarketRecord.STATUSES);
            }
        });
        return jdbi.withHandle(h -> {
            org.jdbi.v3.core.statement.Query query = h.createQuery("SELECT " + COLUMNS + " FROM markets"
                    + (filter.feed().isPresent() ? " WHERE feed = :feed" : "")
                    + " ORDER BY feed, instrument");
            filter.feed().ifPresent(f -> query.bind("feed", f));
            List<Market> rows = query.map((rs, ctx) -> market(rs, false)).list();
            if (filter.asOf().isPresent()) {
                rows = asOf(h, rows, filter.asOf().get());
            }
            String search = filter.search().map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
            String category =
                    filter.category().map(c -> c.toLowerCase(Locale.ROOT)).orElse(null);
            return rows.stream()
                    .filter(m -> filter.status().map(s -> s.equals(m.status())).orElse(true))
                    .filter(m -> category == null
                            || category.equals(
                                    Objects.toString(m.market().category(), "").toLowerCase(Locale.ROOT)))
                    .filter(m -> search == null || matches(m.market(), search))
                    .toList();
        });
    }

    /** The categories of a feed's markets (all feeds when empty), sorted: for "did you mean". */
    public List<String> categories(Optional<String> feed) {
        return jdbi.withHandle(h -> {
            org.jdbi.v3.core.statement.Query query =
                    h.createQuery("SELECT DISTINCT category FROM markets WHERE category IS NOT NULL"
                            + (feed.isPresent() ? " AND feed = :feed" : "") + " ORDER BY category");
            feed.ifPresent(f -> query.bind("feed", f));
            return query.mapTo(String.class).list();
        });
    }

    /** The feeds the security master holds markets of, sorted. */
    public List<String> feeds() {
        return jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT feed FROM markets ORDER BY feed")
                .mapTo(String.class)
                .list());
    }

    /** @throws UnknownNameException naming the feeds it holds */
    public void requireFeed(String feed) {
        List<String> feeds = feeds();
        if (!feeds.contains(feed)) {
            throw new UnknownNameException("feed", feed, feeds);
        }
    }

    /**
     * One market, with its raw metadata; an instrument is also found by its venue id or an alias.
     *
     * @throws UnknownNameException for an unknown feed or market (naming the closest instruments)
     */
    public Market show(String feed, String instrument) {
        requireFeed(feed);
        return jdbi.withHandle(h -> {
            Optional<Market> exact = h.createQuery(
                            "SELECT " + COLUMNS + ", raw FROM markets" + " WHERE feed = :feed AND instrument = :id")
                    .bind("feed", feed)
                    .bind("id", instrument)
                    .map((rs, ctx) -> market(rs, true))
                    .findOne();
            if (exact.isPresent()) {
                return exact.get();
            }
            List<Market> all = h.createQuery("SELECT " + COLUMNS + ", raw FROM markets WHERE feed = :feed")
                    .bind("feed", feed)
                    .map((rs, ctx) -> market(rs, true))
                    .list();
            return all.stream()
                    .filter(m -> instrument.equals(m.market().venueId())
                            || m.market().aliases().contains(instrument))
                    .findFirst()
                    .orElseThrow(() -> new UnknownNameException(
                            "market of feed " + feed + " (the closest shown; ssmd market list --feed " + feed
                                    + " --search TEXT finds others)",
                            instrument,
                            closest(
                                    instrument,
                                    all.stream().map(Market::instrument).toList(),
                                    5)));
        });
    }

    /** One market by the id it is stored under, with its raw metadata; empty when the security master lacks it. */
    public Optional<Market> find(String feed, String instrument) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT " + COLUMNS + ", raw FROM markets WHERE feed = :feed AND instrument = :id")
                        .bind("feed", feed)
                        .bind("id", instrument)
                        .map((rs, ctx) -> market(rs, true))
                        .findOne());
    }

    /**
     * Which of {@code symbols} name a market of one of {@code feeds} that has not ended, by its instrument id or its
     * venue id (a Polymarket condition id names both its tokens): feed → the symbols found. One query; what a gateway
     * asks before any data of a market arrived.
     */
    public Map<String, Set<String>> liveSymbols(Collection<String> feeds, Collection<String> symbols) {
        if (feeds.isEmpty() || symbols.isEmpty()) {
            return Map.of();
        }
        Set<String> wanted = Set.copyOf(symbols);
        Map<String, Set<String>> found = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT feed, instrument, venue_id FROM markets WHERE feed IN (<feeds>)"
                        + " AND (instrument IN (<symbols>) OR venue_id IN (<symbols>))"
                        + " AND status NOT IN ('closed', 'settled', 'removed')")
                .bindList("feeds", List.copyOf(feeds))
                .bindList("symbols", List.copyOf(wanted))
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
                .forEach(r -> {
                    Set<String> of = found.computeIfAbsent(r[0], f -> new java.util.TreeSet<>());
                    if (wanted.contains(r[1])) {
                        of.add(r[1]);
                    }
                    if (r[2] != null && wanted.contains(r[2])) {
                        of.add(r[2]);
                    }
                }));
        return found;
    }

    /** The {@code n} names sharing the longest prefix with {@code name}, case-insensitively. */
    static List<String> closest(String name, List<String> names, int n) {
        String lower = name.toLowerCase(Locale.ROOT);
        return names.stream()
                .sorted(Comparator.comparingInt((String s) -> -commonPrefix(lower, s.toLowerCase(Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(n)
                .toList();
    }

    private static int commonPrefix(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    /** Every change of a market, oldest first. */
    public List<MarketChange> history(Market market) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, field, old_value, new_value, changed_at"
                        + " FROM market_history WHERE market_id = :id ORDER BY changed_at, id")
                .bind("id", market.id())
                .map((rs, ctx) -> new MarketChange(
                        rs.getLong("id"),
                        market.feed(),
                        market.instrument(),
                        rs.getString("field"),
                        rs.getString("old_value"),
                        rs.getString("new_value"),
                        instant(rs, "changed_at")))
                .list());
    }

    /** Outbox events with an id above {@code afterId}, in id order (all feeds when {@code feed} is empty). */
    public List<OutboxEvent> outbox(Optional<String> feed, long afterId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, feed, event, market_id, instrument, payload, created_at,"
                        + " published_at FROM secmaster_outbox WHERE id > :after"
                        + (feed.isPresent() ? " AND feed = :feed" : "") + " ORDER BY id")
                .bind("after", afterId)
                .bindMap(feed.isPresent() ? Map.of("feed", feed.get()) : Map.of())
                .map((rs, ctx) -> new OutboxEvent(
                        rs.getLong("id"),
                        rs.getString("feed"),
                        rs.getString("event"),
                        rs.getLong("market_id"),
                        rs.getString("instrument"),
                        rs.getString("payload"),
                        instant(rs, "created_at"),
                        Optional.ofNullable(instant(rs, "published_at"))))
                .list());
    }

    /**
     * A market and the id of its latest outbox event (0 when it has none): the version a consumer of the events has
     * applied once it has this row.
     */
    public record VersionedMarket(Market market, long version) {}

    /**
     * Every market of a feed with its version, and the outbox high-water mark, read in one statement (one snapshot in
     * PostgreSQL: a market's row, its events and the mark agree). What a FeedManager starts from: it then applies an
     * event only when its id is above the market's version, which neither misses an event whose id committed after a
     * higher one (out of order, below the mark) nor applies one twice.
     */
    public record FeedState(List<VersionedMarket> markets, long highWater) {
        public FeedState {
            markets = List.copyOf(markets);
        }
    }

    /** See {@link FeedState}; markets in id order (the order they were first synced). */
    public FeedState feedState(String feed) {
        long[] high = {0};
        List<VersionedMarket> markets = jdbi.withHandle(h -> h.createQuery("SELECT " + prefixed("m") + ","
                        + " COALESCE(o.version, 0) AS version,"
                        + " (SELECT COALESCE(MAX(id), 0) FROM secmaster_outbox) AS high_water"
                        + " FROM markets m LEFT JOIN (SELECT market_id, MAX(id) AS version FROM secmaster_outbox"
                        + " WHERE feed = :feed GROUP BY market_id) o ON o.market_id = m.id"
                        + " WHERE m.feed = :feed ORDER BY m.id")
                .bind("feed", feed)
                .map((rs, ctx) -> {
                    high[0] = rs.getLong("high_water");
                    return new VersionedMarket(market(rs, false), rs.getLong("version"));
                })
                .list());
        return new FeedState(markets, markets.isEmpty() ? outboxHighWater() : high[0]);
    }

    private static String prefixed(String alias) {
        return java.util.Arrays.stream(COLUMNS.split(", "))
                .map(c -> alias + "." + c)
                .collect(Collectors.joining(", "));
    }

    /** The highest outbox id (0 when empty): a FeedManager loads the markets, then consumes events after it. */
    public long outboxHighWater() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(id), 0) FROM secmaster_outbox")
                .mapTo(Long.class)
                .one());
    }

    private static boolean matches(MarketRecord m, String search) {
        return contains(m.instrument(), search)
                || contains(m.title(), search)
                || contains(m.venueId(), search)
                || contains(m.event(), search)
                || contains(m.series(), search)
                || m.aliases().stream().anyMatch(a -> contains(a, search));
    }

    private static boolean contains(String text, String lowerNeedle) {
        return text != null && text.toLowerCase(Locale.ROOT).contains(lowerNeedle);
    }

    /** Rows as they were at {@code t}: only those created by then, every change after it undone, newest first. */
    private static List<Market> asOf(Handle h, List<Market> rows, Instant t) {
        Map<Long, List<String[]>> later = new HashMap<>();
        h.createQuery("SELECT market_id, field, old_value FROM market_history WHERE changed_at > :t"
                        + " ORDER BY changed_at DESC, id DESC")
                .bind("t", t)
                .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)})
                .forEach(r -> later.computeIfAbsent((Long) r[0], k -> new ArrayList<>())
                        .add(new String[] {(String) r[1], (String) r[2]}));
        List<Market> out = new ArrayList<>();
        for (Market m : rows) {
            if (m.createdAt().isAfter(t)) {
                continue;
            }
            List<String[]> undo = later.get(m.id());
            if (undo == null) {
                out.add(m);
                continue;
            }
            Map<String, String> f = m.market().fields();
            for (String[] change : undo) {
                f.put(change[0], change[1]);
            }
            out.add(new Market(
                    m.id(),
                    MarketRecord.of(m.feed(), m.instrument(), f, m.market().raw()),
                    m.createdAt(),
                    m.updatedAt(),
                    m.lastSeenAt()));
        }
        out.sort(Comparator.comparing(Market::feed).thenComparing(Market::instrument));
        return out;
    }

    private static long insert(Handle h, MarketRecord m, Instant at) {
        Update insert = h.createUpdate("INSERT INTO markets (feed, instrument, "
                        + String.join(", ", MarketRecord.FIELDS) + ", raw, created_at, updated_at, last_seen_at)"
                        + " VALUES (:feed, :instrument, "
                        + MarketRecord.FIELDS.stream().map(f -> ":" + f).collect(Collectors.joining(", "))
                        + ", :raw, :at, :at, :at)")
                .bind("feed", m.feed())
                .bind("instrument", m.instrument())
                .bind("raw", m.raw())
                .bind("at", at);
        bindFields(insert, m.fields());
        return insert.executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    private static void update(Handle h, long id, MarketRecord m, Instant at) {
        Update update = h.createUpdate("UPDATE markets SET "
                        + MarketRecord.FIELDS.stream().map(f -> f + " = :" + f).collect(Collectors.joining(", "))
                        + ", raw = :raw, updated_at = :at, last_seen_at = :at WHERE id = :id")
                .bind("raw", m.raw())
                .bind("at", at)
                .bind("id", id);
        bindFields(update, m.fields());
        update.execute();
    }

    private static void bindFields(Update update, Map<String, String> fields) {
        fields.forEach((field, text) -> {
            if (MarketRecord.TIME_FIELDS.contains(field)) {
                update.bindByType(field, text == null ? null : Instant.parse(text), Instant.class);
            } else if (MarketRecord.INT_FIELDS.contains(field)) {
                update.bindByType(field, text == null ? null : Integer.valueOf(text), Integer.class);
            } else {
                update.bindByType(field, text, String.class);
            }
        });
    }

    /** One history row and its outbox event. */
    private static void change(
            Handle h, long id, MarketRecord now, String field, String old, String value, Instant at) {
        h.createUpdate("INSERT INTO market_history (market_id, field, old_value, new_value, changed_at)"
                        + " VALUES (:id, :field, :old, :new, :at)")
                .bind("id", id)
                .bind("field", field)
                .bindByType("old", old, String.class)
                .bindByType("new", value, String.class)
                .bind("at", at)
                .execute();
        outbox(h, now.feed(), event(field, value), id, now, field, old, value, at);
    }

    /** The event of one changed field. */
    static String event(String field, String value) {
        if (!field.equals("status")) {
            return OutboxEvent.UPDATED;
        }
        return switch (value) {
            case MarketRecord.SETTLED -> OutboxEvent.SETTLED;
            case MarketRecord.REMOVED -> OutboxEvent.REMOVED;
            default -> OutboxEvent.STATUS_CHANGED;
        };
    }

    /**
     * An outbox row. Its payload: {@code {"feed","instrument","event","field","old","new","market":{tracked fields}}}
     * ({@code field}, {@code old} and {@code new} only for a change), so that a consumer needs no database.
     */
    private static void outbox(
            Handle h,
            String feed,
            String event,
            long id,
            MarketRecord now,
            String field,
            String old,
            String value,
            Instant at) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("feed", feed).put("instrument", now.instrument()).put("event", event);
        if (field != null) {
            payload.put("field", field).put("old", old).put("new", value);
        }
        ObjectNode market = payload.putObject("market");
        now.fields().forEach(market::put);
        h.createUpdate("INSERT INTO secmaster_outbox (feed, event, market_id, instrument, payload, created_at)"
                        + " VALUES (:feed, :event, :id, :instrument, :payload, :at)")
                .bind("feed", feed)
                .bind("event", event)
                .bind("id", id)
                .bind("instrument", now.instrument())
                .bind("payload", payload.toString())
                .bind("at", at)
                .execute();
    }

    private static Market market(ResultSet rs, boolean withRaw) throws SQLException {
        Map<String, String> f = new LinkedHashMap<>();
        for (String field : MarketRecord.FIELDS) {
            if (MarketRecord.TIME_FIELDS.contains(field)) {
                Instant t = instant(rs, field);
                f.put(field, t == null ? null : t.toString());
            } else if (MarketRecord.INT_FIELDS.contains(field)) {
                int v = rs.getInt(field);
                f.put(field, rs.wasNull() ? null : Integer.toString(v));
            } else {
                f.put(field, rs.getString(field));
            }
        }
        return new Market(
                rs.getLong("id"),
                MarketRecord.of(
                        rs.getString("feed"), rs.getString("instrument"), f, withRaw ? rs.getString("raw") : "{}"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                instant(rs, "last_seen_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** Names, for messages. */
    static String names(Collection<String> names) {
        return String.join(", ", names);
    }
}
