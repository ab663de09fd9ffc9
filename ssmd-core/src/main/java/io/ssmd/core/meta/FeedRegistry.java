package io.ssmd.core.meta;

import io.ssmd.core.config.FeedDefinition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * The feed registry (DESIGN §14): the feeds ssmd knows, every version of what their feed files said, and their
 * calendars. The feed files in {@code exchanges/feeds/} are the authored source; {@link #register} records a new
 * version only when a file's canonical content changed. Every read of a version takes an as-of instant. Blocking.
 */
public final class FeedRegistry {

    private static final List<String> STATUSES = List.of(Feed.ACTIVE, Feed.DISABLED);

    private static final String VERSION_COLUMNS =
            "feed_name, version, effective_from, effective_to, protocol, endpoint,"
                    + " auth_method, secret_ref, capabilities, max_symbols_per_connection, rate_limit_per_second,"
                    + " parser_config, content_hash, source_file";

    private final Jdbi jdbi;

    public FeedRegistry(Metadata metadata) {
        this.jdbi = metadata.jdbi();
        jdbi.registerRowMapper(ConstructorMapper.factory(Feed.class));
        jdbi.registerRowMapper(ConstructorMapper.factory(FeedVersion.class));
        jdbi.registerRowMapper(ConstructorMapper.factory(FeedCalendar.class));
    }

    /**
     * What {@link #register} did.
     *
     * @param recorded whether a new version was recorded (false: the content equals the version in effect)
     * @param version  the version in effect after the call
     */
    public record Registration(String feed, int version, boolean recorded, String contentHash) {}

    /**
     * Registers a parsed feed file as of {@code at}: creates the feed (and its shipped calendar) on first sight, and
     * records a new version, closing the one in effect, when the canonical content differs from it. A disabled
     * feed stays disabled.
     *
     * @throws IllegalArgumentException when {@code at} is before the start of the version in effect
     */
    public Registration register(FeedDefinition definition, Instant at) {
        FeedContent content = FeedContent.of(definition);
        String name = definition.name();
        return jdbi.inTransaction(h -> {
            if (feedRow(h, name).isEmpty()) {
                h.createUpdate(
                                "INSERT INTO feeds (name, venue, status, created_at) VALUES (:name, :venue, :status, :at)")
                        .bind("name", name)
                        .bind("venue", definition.venue().id())
                        .bind("status", Feed.ACTIVE)
                        .bind("at", at)
                        .execute();
                FeedCalendar.Shipped calendar = FeedCalendar.shipped(definition.venue());
                h.createUpdate("INSERT INTO feed_calendars (feed_name, effective_from, timezone, schedule, source)"
                                + " VALUES (:name, :at, 'UTC', :schedule, :source)")
                        .bind("name", name)
                        .bind("at", at)
                        .bind("schedule", calendar.schedule())
                        .bind("source", calendar.source())
                        .execute();
            }
            Optional<FeedVersion> open = h.createQuery("SELECT " + VERSION_COLUMNS + " FROM feed_versions"
                            + " WHERE feed_name = :name AND effective_to IS NULL")
                    .bind("name", name)
                    .mapTo(FeedVersion.class)
                    .findOne();
            if (open.isPresent() && open.get().contentHash().equals(content.hash())) {
                return new Registration(name, open.get().version(), false, content.hash());
            }
            int next = 1;
            if (open.isPresent()) {
                if (at.isBefore(open.get().effectiveFrom())) {
                    throw new IllegalArgumentException("cannot register feed '" + name + "' as of " + at
                            + ": its version " + open.get().version() + " is in effect from "
                            + open.get().effectiveFrom());
                }
                next = open.get().version() + 1;
                h.createUpdate("UPDATE feed_versions SET effective_to = :at WHERE feed_name = :name AND version = :v")
                        .bind("at", at)
                        .bind("name", name)
                        .bind("v", open.get().version())
                        .execute();
            } else {
                next = h.createQuery("SELECT COALESCE(MAX(version), 0) + 1 FROM feed_versions WHERE feed_name = :name")
                        .bind("name", name)
                        .mapTo(Integer.class)
                        .one();
            }
            h.createUpdate("INSERT INTO feed_versions (" + VERSION_COLUMNS + ") VALUES (:name, :version, :at, NULL,"
                            + " :protocol, :endpoint, :authMethod, :secretRef, :capabilities, :maxSymbols, :rate,"
                            + " :parserConfig, :hash, :sourceFile)")
                    .bind("name", name)
                    .bind("version", next)
                    .bind("at", at)
                    .bind("protocol", content.protocol())
                    .bind("endpoint", content.endpoint())
                    .bind("authMethod", content.authMethod())
                    .bind("secretRef", content.secretRef().orElse(null))
                    .bind("capabilities", content.capabilities())
                    .bind("maxSymbols", content.maxSymbolsPerConnection())
                    .bind("rate", content.rateLimitPerSecond().orElse(null))
                    .bind("parserConfig", content.parserConfig())
                    .bind("hash", content.hash())
                    .bind("sourceFile", definition.file().toString())
                    .execute();
            return new Registration(name, next, true, content.hash());
        });
    }

    /** Every registered feed's name, sorted. */
    public List<String> names() {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM feeds ORDER BY name")
                .mapTo(String.class)
                .list());
    }

    /**
     * The feed.
     *
     * @throws UnknownNameException when no feed of that name is registered
     */
    public Feed feed(String name) {
        return jdbi.withHandle(h -> feedRow(h, name)).orElseThrow(() -> unknown(name));
    }

    /**
     * Every feed (with {@code status} only those), each with the version in effect at {@code asOf} (now when empty).
     *
     * @throws UnknownNameException when {@code status} is neither {@code active} nor {@code disabled}
     */
    public List<Feed.WithVersion> list(Optional<String> status, Optional<Instant> asOf) {
        status.filter(s -> !STATUSES.contains(s)).ifPresent(s -> {
            throw new UnknownNameException("status", s, STATUSES);
        });
        Instant t = AsOf.instant(asOf);
        return jdbi.withHandle(h -> h
                .createQuery("SELECT name, venue, status, created_at, disabled_at FROM feeds"
                        + " WHERE status IN (<statuses>) ORDER BY name")
                .bindList("statuses", status.map(List::of).orElse(STATUSES))
                .mapTo(Feed.class)
                .list()
                .stream()
                .map(f -> new Feed.WithVersion(f, versionAt(h, f.name(), t)))
                .toList());
    }

    /**
     * The version of the feed in effect at {@code asOf} (now when empty); empty when the instant is before its first
     * version.
     *
     * @throws UnknownNameException when no feed of that name is registered
     */
    public Optional<FeedVersion> version(String name, Optional<Instant> asOf) {
        feed(name);
        return jdbi.withHandle(h -> versionAt(h, name, AsOf.instant(asOf)));
    }

    /** Every version of the feed, oldest first. */
    public List<FeedVersion> history(String name) {
        feed(name);
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT " + VERSION_COLUMNS + " FROM feed_versions WHERE feed_name = :name ORDER BY version")
                .bind("name", name)
                .mapTo(FeedVersion.class)
                .list());
    }

    /** The feed's calendar in effect at {@code asOf} (now when empty). */
    public Optional<FeedCalendar> calendar(String name, Optional<Instant> asOf) {
        feed(name);
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT feed_name, effective_from, effective_to, timezone, schedule, source FROM feed_calendars"
                                + " WHERE feed_name = :name AND " + AsOf.condition("effective_from", "effective_to"))
                .bind("name", name)
                .bind("asOf", AsOf.instant(asOf))
                .mapTo(FeedCalendar.class)
                .findOne());
    }

    /**
     * Disables the feed: it stays registered, with its history, but is no longer {@code active}.
     *
     * @return whether it was active before
     * @throws UnknownNameException when no feed of that name is registered
     */
    public boolean disable(String name, Instant at) {
        Feed feed = feed(name);
        if (feed.status().equals(Feed.DISABLED)) {
            return false;
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE feeds SET status = :status, disabled_at = :at WHERE name = :name")
                .bind("status", Feed.DISABLED)
                .bind("at", at)
                .bind("name", name)
                .execute());
        return true;
    }

    /**
     * Enables a disabled feed again: it is {@code active} from now on, with the same history.
     *
     * @return whether it was disabled before
     * @throws UnknownNameException when no feed of that name is registered
     */
    public boolean enable(String name) {
        Feed feed = feed(name);
        if (feed.status().equals(Feed.ACTIVE)) {
            return false;
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE feeds SET status = :status, disabled_at = NULL WHERE name = :name")
                .bind("status", Feed.ACTIVE)
                .bind("name", name)
                .execute());
        return true;
    }

    /** What {@link #register} would do with a feed file, without doing it. */
    public enum Pending {
        /** the feed is not registered: registering creates it with version 1 */
        NEW_FEED,
        /** the content differs from the version in effect: registering records the next version */
        NEW_VERSION,
        /** the content equals the version in effect */
        UNCHANGED
    }

    /**
     * What registering {@code definition} now would record.
     *
     * @param version the version that would be in effect afterwards
     */
    public record Plan(String feed, Pending pending, int version, String contentHash) {}

    /** What {@link #register} would record for {@code definition}; changes nothing. */
    public Plan plan(FeedDefinition definition) {
        String hash = FeedContent.of(definition).hash();
        String name = definition.name();
        return jdbi.withHandle(h -> {
            Optional<FeedVersion> open = h.createQuery("SELECT " + VERSION_COLUMNS + " FROM feed_versions"
                            + " WHERE feed_name = :name AND effective_to IS NULL")
                    .bind("name", name)
                    .mapTo(FeedVersion.class)
                    .findOne();
            if (open.isPresent() && open.get().contentHash().equals(hash)) {
                return new Plan(name, Pending.UNCHANGED, open.get().version(), hash);
            }
            int next = h.createQuery("SELECT COALESCE(MAX(version), 0) + 1 FROM feed_versions WHERE feed_name = :name")
                    .bind("name", name)
                    .mapTo(Integer.class)
                    .one();
            return new Plan(name, feedRow(h, name).isEmpty() ? Pending.NEW_FEED : Pending.NEW_VERSION, next, hash);
        });
    }

    private static Optional<Feed> feedRow(Handle h, String name) {
        return h.createQuery("SELECT name, venue, status, created_at, disabled_at FROM feeds WHERE name = :name")
                .bind("name", name)
                .mapTo(Feed.class)
                .findOne();
    }

    private static Optional<FeedVersion> versionAt(Handle h, String name, Instant t) {
        return h.createQuery("SELECT " + VERSION_COLUMNS + " FROM feed_versions WHERE feed_name = :name AND "
                        + AsOf.condition("effective_from", "effective_to"))
                .bind("name", name)
                .bind("asOf", t)
                .mapTo(FeedVersion.class)
                .findOne();
    }

    private UnknownNameException unknown(String name) {
        return new UnknownNameException("feed", name, names());
    }
}
