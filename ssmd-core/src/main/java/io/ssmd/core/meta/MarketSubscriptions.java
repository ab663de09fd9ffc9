package io.ssmd.core.meta;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Table {@code market_subscriptions} (migration V6): whether each market a feed manager wants is subscribed, as the
 * manager last saw it (DESIGN §15). The manager writes it on the blocking dispatcher; {@code ssmd market show} and
 * {@code /v1/markets/{feed}/{id}} read it. Blocking.
 */
public final class MarketSubscriptions {

    /** A shard runs the market and the venue took it. */
    public static final String SUBSCRIBED = "subscribed";
    /** Refused (by the shard or the venue); the manager retries it with backoff. */
    public static final String PENDING = "pending";
    /** Still refused after its retries: counted in {@code ssmd_secmaster_markets_dropped_total}, retried on. */
    public static final String DROPPED = "dropped";

    /**
     * One market's subscribe state.
     *
     * @param shard     the shard it was last placed on, or null
     * @param attempts  refusals since it was last subscribed
     * @param lastError the last refusal's reason, or null
     */
    public record Subscription(
            String feed,
            String instrument,
            String state,
            String shard,
            int attempts,
            String lastError,
            Instant updatedAt) {}

    private final Jdbi jdbi;

    public MarketSubscriptions(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Writes {@code states} (replacing what each market had) and deletes the rows of {@code ended}, in one transaction. */
    public void apply(String feed, Collection<Subscription> states, Collection<String> ended) {
        if (states.isEmpty() && ended.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            // Delete then insert: portable between PostgreSQL and H2, whose upserts differ.
            var delete = h.prepareBatch("DELETE FROM market_subscriptions WHERE feed = :feed AND instrument = :id");
            for (String instrument : ended) {
                delete.bind("feed", feed).bind("id", instrument).add();
            }
            for (Subscription s : states) {
                delete.bind("feed", feed).bind("id", s.instrument()).add();
            }
            delete.execute();
            if (states.isEmpty()) {
                return;
            }
            var insert = h.prepareBatch("INSERT INTO market_subscriptions"
                    + " (feed, instrument, state, shard, attempts, last_error, updated_at)"
                    + " VALUES (:feed, :id, :state, :shard, :attempts, :error, :at)");
            for (Subscription s : states) {
                insert.bind("feed", feed)
                        .bind("id", s.instrument())
                        .bind("state", s.state())
                        .bind("shard", s.shard())
                        .bind("attempts", s.attempts())
                        .bind("error", s.lastError())
                        .bind("at", s.updatedAt())
                        .add();
            }
            insert.execute();
        });
    }

    /** The market's subscribe state, empty when no feed manager has placed it (or it ended). */
    public Optional<Subscription> find(String feed, String instrument) {
        return jdbi.withHandle(h -> h.createQuery("SELECT feed, instrument, state, shard, attempts, last_error,"
                        + " updated_at FROM market_subscriptions WHERE feed = :feed AND instrument = :id")
                .bind("feed", feed)
                .bind("id", instrument)
                .map((rs, ctx) -> new Subscription(
                        rs.getString("feed"),
                        rs.getString("instrument"),
                        rs.getString("state"),
                        rs.getString("shard"),
                        rs.getInt("attempts"),
                        rs.getString("last_error"),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant()))
                .findOne());
    }

    /** The feed's rows, by instrument. */
    public List<Subscription> list(String feed) {
        return jdbi.withHandle(h -> h.createQuery("SELECT feed, instrument, state, shard, attempts, last_error,"
                        + " updated_at FROM market_subscriptions WHERE feed = :feed ORDER BY instrument")
                .bind("feed", feed)
                .map((rs, ctx) -> new Subscription(
                        rs.getString("feed"),
                        rs.getString("instrument"),
                        rs.getString("state"),
                        rs.getString("shard"),
                        rs.getInt("attempts"),
                        rs.getString("last_error"),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant()))
                .list());
    }
}
