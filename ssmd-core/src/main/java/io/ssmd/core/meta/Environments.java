package io.ssmd.core.meta;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The environments, their versions and the deployment log (DESIGN §14). Applying a file records a new version only
 * when its canonical content changed, and closes the previous version at the instant the new one starts, so every
 * instant has at most one version in effect. Every call blocks.
 */
public final class Environments {

    private static final String VERSION_COLUMNS = "environment, version, config_yaml, config_hash, source_file,"
            + " deployed_at, deployed_by, git_commit, valid_from, valid_to";

    private final Jdbi jdbi;
    private final Clock clock;

    private Environments(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public static Environments of(Metadata metadata) {
        return of(metadata, Clock.systemUTC());
    }

    public static Environments of(Metadata metadata, Clock clock) {
        return new Environments(metadata.jdbi(), clock);
    }

    /** Every environment's name, sorted. */
    public List<String> names() {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM environments ORDER BY name")
                .mapTo(String.class)
                .list());
    }

    /** Every environment with its current (latest) version. */
    public List<EnvironmentSummary> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT e.name, e.status, e.created_at, e.created_by, v.version,"
                        + " v.config_hash, v.deployed_at, v.deployed_by FROM environments e JOIN environment_versions v"
                        + " ON v.environment = e.name AND v.version = (SELECT MAX(version) FROM environment_versions"
                        + " WHERE environment = e.name) ORDER BY e.name")
                .map((rs, ctx) -> new EnvironmentSummary(
                        rs.getString("name"),
                        rs.getString("status"),
                        instant(rs, "created_at"),
                        rs.getString("created_by"),
                        rs.getInt("version"),
                        rs.getString("config_hash"),
                        instant(rs, "deployed_at"),
                        rs.getString("deployed_by")))
                .list());
    }

    /** Whether an environment of that name is registered. */
    public boolean exists(String name) {
        return jdbi.withHandle(h -> exists(h, name));
    }

    /** What applying {@code config} to {@code name} would do. */
    public EnvironmentPlan plan(String name, CanonicalConfig config) {
        return jdbi.withHandle(h -> plan(h, name, config));
    }

    /**
     * Registers a new environment with {@code config} as version 1 and logs a {@code create}.
     *
     * @throws IllegalStateException when the environment exists already ({@code env apply} changes it)
     */
    public EnvironmentVersion create(String name, CanonicalConfig config, Deployer by) {
        return jdbi.inTransaction(h -> {
            if (exists(h, name)) {
                throw new IllegalStateException(
                        "environment '" + name + "' exists already; use `ssmd env apply FILE` to record a new version");
            }
            return record(h, "create", plan(h, name, config), by);
        });
    }

    /**
     * Records {@code config} as the new version of {@code name} when its content differs from the current version
     * (creating the environment when it is new) and logs it as {@code action}; when the content is the same, records
     * nothing.
     *
     * @return the plan carried out and the version in effect afterwards
     */
    public Applied apply(String name, CanonicalConfig config, Deployer by, String action) {
        try {
            return jdbi.inTransaction(h -> apply(h, name, config, by, action));
        } catch (RuntimeException e) {
            if (!SqlStates.uniqueViolation(e)) {
                throw e;
            }
            // Another writer recorded the environment (or its next version) between this plan and this insert: nodes
            // of a cluster that start together each apply the same file. Plan again, against what it recorded.
            return jdbi.inTransaction(h -> apply(h, name, config, by, action));
        }
    }

    /** {@link #apply} within {@code h}'s transaction. */
    Applied apply(Handle h, String name, CanonicalConfig config, Deployer by, String action) {
        EnvironmentPlan plan = plan(h, name, config);
        if (plan.kind() == EnvironmentPlan.Kind.UNCHANGED) {
            return new Applied(plan, plan.current().orElseThrow());
        }
        return new Applied(plan, record(h, action, plan, by));
    }

    /** What {@link #apply} did: the plan, and the version in effect afterwards. */
    public record Applied(EnvironmentPlan plan, EnvironmentVersion version) {

        public boolean changed() {
            return plan.kind() != EnvironmentPlan.Kind.UNCHANGED;
        }
    }

    /**
     * The version in effect at {@code asOf} (now when empty).
     *
     * @throws UnknownNameException when no environment has that name
     * @throws NoSuchElementException when the environment had no version then (before it was created)
     */
    public EnvironmentVersion show(String name, Optional<Instant> asOf) {
        Instant at = AsOf.instant(asOf);
        return jdbi.withHandle(h -> {
            requireKnown(h, name);
            return h.createQuery("SELECT " + VERSION_COLUMNS + " FROM environment_versions WHERE environment = :name"
                            + " AND " + AsOf.condition("valid_from", "valid_to"))
                    .bind("name", name)
                    .bind("asOf", at.atOffset(ZoneOffset.UTC))
                    .map(VersionMapper.INSTANCE)
                    .findOne()
                    .orElseThrow(() -> new NoSuchElementException("environment '" + name + "' had no version at " + at
                            + "; its first version starts at " + first(h, name).validFrom()));
        });
    }

    /**
     * Version {@code version} of {@code name}.
     *
     * @throws UnknownNameException when no environment has that name
     * @throws NoSuchElementException naming the versions that exist
     */
    public EnvironmentVersion version(String name, int version) {
        return jdbi.withHandle(h -> {
            requireKnown(h, name);
            return h.createQuery("SELECT " + VERSION_COLUMNS + " FROM environment_versions WHERE environment = :name"
                            + " AND version = :version")
                    .bind("name", name)
                    .bind("version", version)
                    .map(VersionMapper.INSTANCE)
                    .findOne()
                    .orElseThrow(() -> new NoSuchElementException("environment '" + name + "' has no version " + version
                            + "; it has versions 1 to " + latest(h, name).version()));
        });
    }

    /** Every version of {@code name}, oldest first. */
    public List<EnvironmentVersion> history(String name) {
        return jdbi.withHandle(h -> {
            requireKnown(h, name);
            return h.createQuery("SELECT " + VERSION_COLUMNS + " FROM environment_versions WHERE environment = :name"
                            + " ORDER BY version")
                    .bind("name", name)
                    .map(VersionMapper.INSTANCE)
                    .list();
        });
    }

    /** The latest version of {@code name}, if it is registered. */
    public Optional<EnvironmentVersion> latest(String name) {
        return jdbi.withHandle(h -> exists(h, name) ? Optional.of(latest(h, name)) : Optional.empty());
    }

    /** What changed from version {@code from} to version {@code to}. */
    public List<ConfigChange> diff(String name, int from, int to) {
        return ConfigChange.between(
                version(name, from).config(), version(name, to).config());
    }

    /** Records a deployment log row; returns it with its id. */
    public Deployment log(Deployment d) {
        return jdbi.withHandle(h -> log(h, d));
    }

    /** The deployment log of {@code name}, oldest first. */
    public List<Deployment> deployments(String name) {
        return jdbi.withHandle(h -> {
            requireKnown(h, name);
            return h.createQuery("SELECT id, environment, version, action, status, started_at, completed_at,"
                            + " error_message, trigger, triggered_by, details FROM deployment_log"
                            + " WHERE environment = :name ORDER BY started_at, id")
                    .bind("name", name)
                    .map(Environments::deployment)
                    .list();
        });
    }

    /** Marks {@code name} torn down: its versions and log stay, for the record. */
    public void markTornDown(String name) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE environments SET status = 'torn_down' WHERE name = :name")
                .bind("name", name)
                .execute());
    }

    private EnvironmentVersion record(Handle h, String action, EnvironmentPlan plan, Deployer by) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Optional<EnvironmentVersion> current = plan.current();
        if (current.isPresent() && !now.isAfter(current.get().validFrom())) {
            // Two versions in one microsecond (or a clock stepped back): the new one still starts after the old.
            now = current.get().validFrom().plus(1, ChronoUnit.MICROS);
        }
        if (current.isEmpty()) {
            h.createUpdate("INSERT INTO environments (name, status, created_at, created_by)"
                            + " VALUES (:name, 'active', :at, :by)")
                    .bind("name", plan.name())
                    .bind("at", now.atOffset(ZoneOffset.UTC))
                    .bind("by", by.who())
                    .execute();
        } else {
            h.createUpdate("UPDATE environment_versions SET valid_to = :at WHERE environment = :name"
                            + " AND version = :version")
                    .bind("at", now.atOffset(ZoneOffset.UTC))
                    .bind("name", plan.name())
                    .bind("version", current.get().version())
                    .execute();
            h.createUpdate("UPDATE environments SET status = 'active' WHERE name = :name")
                    .bind("name", plan.name())
                    .execute();
        }
        int version = plan.nextVersion();
        h.createUpdate("INSERT INTO environment_versions (" + VERSION_COLUMNS + ") VALUES (:name, :version, :yaml,"
                        + " :hash, :file, :at, :by, :git, :at, NULL)")
                .bind("name", plan.name())
                .bind("version", version)
                .bind("yaml", plan.proposed().yaml())
                .bind("hash", plan.proposed().hash())
                .bind("file", by.sourceFile())
                .bind("at", now.atOffset(ZoneOffset.UTC))
                .bind("by", by.who())
                .bind("git", by.gitCommit().orElse(null))
                .execute();
        String details = plan.kind() == EnvironmentPlan.Kind.NEW_ENVIRONMENT
                ? "new environment from " + by.sourceFile()
                : plan.changes().size() + (plan.changes().size() == 1 ? " change" : " changes") + " from "
                        + by.sourceFile();
        log(
                h,
                Deployment.of(
                        plan.name(),
                        Optional.of(version),
                        action,
                        "succeeded",
                        now,
                        by.trigger(),
                        by.who(),
                        Optional.of(details)));
        return latest(h, plan.name());
    }

    private static Deployment log(Handle h, Deployment d) {
        long id = h.createUpdate("INSERT INTO deployment_log (environment, version, action, status, started_at,"
                        + " completed_at, error_message, trigger, triggered_by, details) VALUES (:environment,"
                        + " :version, :action, :status, :startedAt, :completedAt, :error, :trigger, :by, :details)")
                .bind("environment", d.environment())
                .bind("version", d.version().orElse(null))
                .bind("action", d.action())
                .bind("status", d.status())
                .bind("startedAt", d.startedAt().atOffset(ZoneOffset.UTC))
                .bind(
                        "completedAt",
                        d.completedAt().map(t -> t.atOffset(ZoneOffset.UTC)).orElse(null))
                .bind("error", d.errorMessage().orElse(null))
                .bind("trigger", d.trigger())
                .bind("by", d.triggeredBy())
                .bind("details", d.details().orElse(null))
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
        return new Deployment(
                id,
                d.environment(),
                d.version(),
                d.action(),
                d.status(),
                d.startedAt(),
                d.completedAt(),
                d.errorMessage(),
                d.trigger(),
                d.triggeredBy(),
                d.details());
    }

    private static EnvironmentPlan plan(Handle h, String name, CanonicalConfig config) {
        if (!exists(h, name)) {
            return new EnvironmentPlan(name, EnvironmentPlan.Kind.NEW_ENVIRONMENT, Optional.empty(), config, List.of());
        }
        EnvironmentVersion current = latest(h, name);
        if (current.configHash().equals(config.hash())) {
            return new EnvironmentPlan(name, EnvironmentPlan.Kind.UNCHANGED, Optional.of(current), config, List.of());
        }
        return new EnvironmentPlan(
                name,
                EnvironmentPlan.Kind.NEW_VERSION,
                Optional.of(current),
                config,
                ConfigChange.between(current.config(), config));
    }

    private static boolean exists(Handle h, String name) {
        return h.createQuery("SELECT COUNT(*) FROM environments WHERE name = :name")
                        .bind("name", name)
                        .mapTo(Integer.class)
                        .one()
                > 0;
    }

    private static void requireKnown(Handle h, String name) {
        if (!exists(h, name)) {
            throw new UnknownNameException(
                    "environment",
                    name,
                    h.createQuery("SELECT name FROM environments ORDER BY name")
                            .mapTo(String.class)
                            .list());
        }
    }

    private static EnvironmentVersion latest(Handle h, String name) {
        return h.createQuery("SELECT " + VERSION_COLUMNS + " FROM environment_versions WHERE environment = :name"
                        + " ORDER BY version DESC")
                .bind("name", name)
                .setMaxRows(1)
                .map(VersionMapper.INSTANCE)
                .first();
    }

    private static EnvironmentVersion first(Handle h, String name) {
        return h.createQuery("SELECT " + VERSION_COLUMNS + " FROM environment_versions WHERE environment = :name"
                        + " ORDER BY version")
                .bind("name", name)
                .setMaxRows(1)
                .map(VersionMapper.INSTANCE)
                .first();
    }

    private static Deployment deployment(ResultSet rs, StatementContext ctx) throws SQLException {
        int version = rs.getInt("version");
        Optional<Integer> v = rs.wasNull() ? Optional.empty() : Optional.of(version);
        return new Deployment(
                rs.getLong("id"),
                rs.getString("environment"),
                v,
                rs.getString("action"),
                rs.getString("status"),
                instant(rs, "started_at"),
                Optional.ofNullable(instantOrNull(rs, "completed_at")),
                Optional.ofNullable(rs.getString("error_message")),
                rs.getString("trigger"),
                rs.getString("triggered_by"),
                Optional.ofNullable(rs.getString("details")));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Instant t = instantOrNull(rs, column);
        if (t == null) {
            throw new SQLException(column + " is NULL");
        }
        return t;
    }

    private static Instant instantOrNull(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private enum VersionMapper implements RowMapper<EnvironmentVersion> {
        INSTANCE;

        @Override
        public EnvironmentVersion map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new EnvironmentVersion(
                    rs.getString("environment"),
                    rs.getInt("version"),
                    rs.getString("config_yaml"),
                    rs.getString("config_hash"),
                    rs.getString("source_file"),
                    instant(rs, "deployed_at"),
                    rs.getString("deployed_by"),
                    Optional.ofNullable(rs.getString("git_commit")),
                    instant(rs, "valid_from"),
                    Optional.ofNullable(instantOrNull(rs, "valid_to")));
        }
    }
}
