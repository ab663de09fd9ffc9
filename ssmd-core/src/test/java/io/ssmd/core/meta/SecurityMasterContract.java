package io.ssmd.core.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.db.Database;
import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The security master's repository, run against PostgreSQL and H2 by the subclasses. */
abstract class SecurityMasterContract {

    private static final Instant DEC_1 = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant DEC_2 = Instant.parse("2026-12-02T00:00:00Z");
    private static final Instant DEC_3 = Instant.parse("2026-12-03T00:00:00Z");

    @TempDir
    Path dir;

    private Database db;
    private SecurityMaster master;
    private String feed;

    abstract DatabaseSettings settings();

    @BeforeEach
    void open() {
        db = Database.open(settings());
        master = new SecurityMaster(Metadata.of(db));
        feed = "kalshi-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private MarketRecord market(String ticker, String title, String status, Instant close) {
        return new MarketRecord(
                feed,
                ticker,
                "id-" + ticker,
                List.of(ticker.toLowerCase()),
                title,
                "Crypto",
                "KXBTCD",
                "KXBTCD-26AUG2017",
                status,
                status.equals("active") ? "active" : "finalized",
                DEC_1,
                close,
                close.plusSeconds(3600),
                null,
                status.equals("settled") ? "yes" : null,
                status.equals("settled") ? close : null,
                "0.01",
                "1",
                4,
                2,
                "{\"fractional\":true}",
                "{\"ticker\":\"" + ticker + "\"}");
    }

    @Test
    void aFirstSyncCreatesEveryMarketWithOneCreatedEventEach() {
        Instant close = Instant.parse("2026-12-20T21:00:00Z");
        SecurityMaster.SyncCounts counts = master.sync(
                feed,
                List.of(market("A-1", "A one", "active", close), market("A-2", "A two", "active", close)),
                true,
                DEC_1);

        assertThat(counts.created()).isEqualTo(2);
        assertThat(counts.updated() + counts.unchanged() + counts.removed()).isZero();
        List<OutboxEvent> events = master.outbox(Optional.of(feed), 0);
        assertThat(events).extracting(OutboxEvent::event).containsExactly("created", "created");
        assertThat(events.get(0).payload()).contains("\"instrument\":\"A-1\"").contains("\"category\":\"Crypto\"");
        Market a1 = master.show(feed, "A-1");
        assertThat(a1.market()).isEqualTo(market("A-1", "A one", "active", close));
        assertThat(master.show(feed, "id-A-2").instrument()).isEqualTo("A-2");
        assertThat(master.show(feed, "a-2").instrument()).isEqualTo("A-2");
    }

    @Test
    void aResyncWritesOneHistoryRowAndOneEventPerChangedField() {
        Instant close = Instant.parse("2026-12-20T21:00:00Z");
        master.sync(
                feed,
                List.of(market("A-1", "A one", "active", close), market("A-2", "A two", "active", close)),
                true,
                DEC_1);
        long mark = master.outboxHighWater();

        Instant later = close.plusSeconds(7200);
        SecurityMaster.SyncCounts counts = master.sync(
                feed,
                List.of(market("A-1", "A one, renamed", "active", later), market("A-2", "A two", "active", close)),
                true,
                DEC_2);

        assertThat(counts.updated()).isEqualTo(1);
        assertThat(counts.unchanged()).isEqualTo(1);
        Market a1 = master.show(feed, "A-1");
        assertThat(master.history(a1))
                .extracting(MarketChange::field, MarketChange::oldValue, MarketChange::newValue)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("title", "A one", "A one, renamed"),
                        org.assertj.core.groups.Tuple.tuple("close_time", close.toString(), later.toString()),
                        org.assertj.core.groups.Tuple.tuple(
                                "expiration_time",
                                close.plusSeconds(3600).toString(),
                                later.plusSeconds(3600).toString()));
        assertThat(master.outbox(Optional.of(feed), mark))
                .extracting(OutboxEvent::event)
                .containsExactly("updated", "updated", "updated");

        // As of Dec 1st the market had its old title; A-2 is unchanged.
        List<Market> then = master.list(new SecurityMaster.Filter(
                Optional.of(feed), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(DEC_1)));
        assertThat(then).extracting(m -> m.market().title()).containsExactly("A one", "A two");
        assertThat(master.list(new SecurityMaster.Filter(
                        Optional.of(feed),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of("RENAMED"),
                        Optional.empty())))
                .extracting(Market::instrument)
                .containsExactly("A-1");
    }

    @Test
    void settlingIsASettledEventAndAnUnseenOpenMarketIsRemovedButAnUnseenClosedOneStays() {
        Instant close = Instant.parse("2026-12-02T21:00:00Z");
        master.sync(
                feed,
                List.of(
                        market("A-1", "A one", "active", close),
                        market("A-2", "A two", "active", close),
                        market("A-3", "A three", "closed", close)),
                true,
                DEC_1);
        long mark = master.outboxHighWater();

        // A-1 settles, A-2 vanishes while open, A-3 (already closed) ages out of the sync's window.
        SecurityMaster.SyncCounts counts =
                master.sync(feed, List.of(market("A-1", "A one", "settled", close)), true, DEC_3);

        assertThat(counts.updated()).isEqualTo(1);
        assertThat(counts.removed()).isEqualTo(1);
        assertThat(master.outbox(Optional.of(feed), mark))
                .extracting(OutboxEvent::instrument, OutboxEvent::event)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("A-1", "settled"),
                        org.assertj.core.groups.Tuple.tuple("A-1", "updated"),
                        org.assertj.core.groups.Tuple.tuple("A-1", "updated"),
                        org.assertj.core.groups.Tuple.tuple("A-1", "updated"),
                        org.assertj.core.groups.Tuple.tuple("A-2", "removed"));
        assertThat(master.show(feed, "A-2").status()).isEqualTo("removed");
        assertThat(master.show(feed, "A-3").status()).isEqualTo("closed");
        assertThat(master.list(new SecurityMaster.Filter(
                        Optional.of(feed),
                        Optional.of("active"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(DEC_2))))
                .extracting(Market::instrument)
                .containsExactly("A-1", "A-2");
    }

    @Test
    void anIncompleteSyncRemovesNothing() {
        Instant close = Instant.parse("2026-12-20T21:00:00Z");
        master.sync(
                feed,
                List.of(market("A-1", "A one", "active", close), market("A-2", "A two", "active", close)),
                true,
                DEC_1);
        SecurityMaster.SyncCounts counts =
                master.sync(feed, List.of(market("A-1", "A one", "active", close)), false, DEC_2);
        assertThat(counts.removed()).isZero();
        assertThat(master.show(feed, "A-2").status()).isEqualTo("active");
        assertThat(master.removeUnseen(feed, Set.of("A-1", "A-2"), DEC_2).removed())
                .isZero();
    }

    @Test
    void unknownNamesSayWhatExists() {
        master.sync(feed, List.of(market("A-1", "A one", "active", DEC_3)), true, DEC_1);
        assertThatThrownBy(() -> master.show(feed, "A-9"))
                .isInstanceOf(UnknownNameException.class)
                .hasMessageContaining("A-1");
        assertThatThrownBy(() -> master.list(new SecurityMaster.Filter(
                        Optional.of(feed + "x"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty())))
                .isInstanceOf(UnknownNameException.class)
                .hasMessageContaining(feed);
        assertThatThrownBy(() -> master.list(new SecurityMaster.Filter(
                        Optional.empty(), Optional.of("actve"), Optional.empty(), Optional.empty(), Optional.empty())))
                .isInstanceOf(UnknownNameException.class)
                .hasMessageContaining("active");
    }
}
