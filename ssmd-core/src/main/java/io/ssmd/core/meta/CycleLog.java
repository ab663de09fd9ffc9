package io.ssmd.core.meta;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The daily cycle's rows of {@code deployment_log} (DESIGN §17): the cycle itself (action {@code cycle-rolling},
 * {@code cycle-teardown}, {@code cycle-start}, {@code cycle-stop}) and one row per step ({@code sync}, {@code renew},
 * {@code verify}, {@code health}...), all carrying the cycle's id (migration V8). A step is recorded {@code running}
 * when it begins and finished with its outcome; a step whose node died stays {@code running} until the scheduler,
 * resumed on another node, marks it {@code interrupted} and records the step again.
 */
public final class CycleLog {

    /** A step that ran to its end. */
    public static final String SUCCEEDED = "succeeded";
    /** A step that ended with an error. */
    public static final String FAILED = "failed";
    /** A step under way. */
    public static final String RUNNING = "running";
    /** A step whose node was lost while it ran: it was run again, on another node. */
    public static final String INTERRUPTED = "interrupted";

    private static final String COLUMNS = "id, environment, cycle_id, action, status, started_at, completed_at,"
            + " error_message, trigger, triggered_by, details";

    private final Jdbi jdbi;

    private CycleLog(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public static CycleLog of(Metadata metadata) {
        return new CycleLog(metadata.jdbi());
    }

    /**
     * A row of a cycle.
     *
     * @param trigger {@code scheduled} or {@code manual}
     */
    public record Row(
            long id,
            String environment,
            String cycleId,
            String action,
            String status,
            Instant startedAt,
            Optional<Instant> completedAt,
            Optional<String> error,
            String trigger,
            String triggeredBy,
            Optional<String> details) {}

    /** A cycle: its own row and its steps' rows, in the order they started. */
    public record Cycle(Row cycle, List<Row> steps) {}

    /** Records a row {@code running} from {@code at}; returns its id. */
    public long begin(
            String environment,
            String cycleId,
            String action,
            Instant at,
            String trigger,
            String triggeredBy,
            Optional<String> details) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO deployment_log (environment, cycle_id, action, status,"
                        + " started_at, trigger, triggered_by, details) VALUES (:environment, :cycle, :action,"
                        + " 'running', :at, :trigger, :by, :details)")
                .bind("environment", environment)
                .bind("cycle", cycleId)
                .bind("action", action)
                .bind("at", utc(at))
                .bind("trigger", trigger)
                .bind("by", triggeredBy)
                .bind("details", details.orElse(null))
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
    }

    /**
     * Ends the running row of {@code action} in {@code cycleId} (the latest one, if it ran again); {@code details} are
     * added to those it began with (where it ran).
     */
    public void finish(
            String cycleId,
            String action,
            String status,
            Instant at,
            Optional<String> error,
            Optional<String> details) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE deployment_log SET status = :status, completed_at = :at,"
                        + " error_message = :error, details = COALESCE(details || '; ' || :details, :details, details)"
                        + " WHERE cycle_id = :cycle"
                        + " AND action = :action AND status = 'running'")
                .bind("status", status)
                .bind("at", utc(at))
                .bind("error", error.orElse(null))
                .bind("details", details.orElse(null))
                .bind("cycle", cycleId)
                .bind("action", action)
                .execute());
    }

    /**
     * Marks the rows of {@code action} in {@code cycleId} still {@code running} as {@code interrupted} at {@code at}:
     * their node was lost. Returns how many there were.
     */
    public int interrupt(String cycleId, String action, Instant at, String why) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE deployment_log SET status = 'interrupted', completed_at ="
                        + " :at, error_message = :why WHERE cycle_id = :cycle AND action = :action AND status ="
                        + " 'running'")
                .bind("at", utc(at))
                .bind("why", why)
                .bind("cycle", cycleId)
                .bind("action", action)
                .execute());
    }

    /** The latest {@code limit} cycles of {@code environment}, newest first, each with its steps. */
    public List<Cycle> cycles(String environment, int limit) {
        return jdbi.withHandle(h -> {
            List<Row> heads = h.createQuery("SELECT " + COLUMNS + " FROM deployment_log WHERE environment = :env AND"
                            + " cycle_id IS NOT NULL AND action LIKE 'cycle-%' ORDER BY started_at DESC, id DESC")
                    .bind("env", environment)
                    .setMaxRows(limit)
                    .map((rs, ctx) -> row(rs))
                    .list();
            Map<String, List<Row>> steps = new LinkedHashMap<>();
            heads.forEach(c -> steps.put(c.cycleId(), new ArrayList<>()));
            if (!heads.isEmpty()) {
                h.createQuery("SELECT " + COLUMNS + " FROM deployment_log WHERE cycle_id IN (<cycles>) AND action NOT"
                                + " LIKE 'cycle-%' ORDER BY started_at, id")
                        .bindList("cycles", List.copyOf(steps.keySet()))
                        .map((rs, ctx) -> row(rs))
                        .forEach(r -> steps.get(r.cycleId()).add(r));
            }
            return heads.stream()
                    .map(c -> new Cycle(c, List.copyOf(steps.get(c.cycleId()))))
                    .toList();
        });
    }

    private static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Row(
                rs.getLong("id"),
                rs.getString("environment"),
                rs.getString("cycle_id"),
                rs.getString("action"),
                rs.getString("status"),
                rs.getObject("started_at", OffsetDateTime.class).toInstant(),
                Optional.ofNullable(rs.getObject("completed_at", OffsetDateTime.class))
                        .map(OffsetDateTime::toInstant),
                Optional.ofNullable(rs.getString("error_message")),
                rs.getString("trigger"),
                rs.getString("triggered_by"),
                Optional.ofNullable(rs.getString("details")));
    }

    private static OffsetDateTime utc(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }
}
