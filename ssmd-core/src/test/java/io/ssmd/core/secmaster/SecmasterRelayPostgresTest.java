package io.ssmd.core.secmaster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.OutboxEvent;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.settings.SecmasterRelaySettings;
import io.ssmd.core.subject.SecmasterSubjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.core.testkit.StreamContents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outbox relay against a real PostgreSQL and nats-server, in this JVM: the contract of the stream, ids committed
 * out of order, and rows published but not marked. The relay killed with -9 in its own JVM is {@code
 * SecmasterRelayKilledTest} of ssmd-app.
 */
class SecmasterRelayPostgresTest {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    static final ActorTestKit TESTKIT = ActorTestKit.create();

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Instant AT = Instant.parse("2026-12-06T00:00:00Z");

    private final ExecutorService blocking = Executors.newSingleThreadExecutor();
    private Database db;
    private SecurityMaster master;
    private Connection nats;
    private String env;

    @AfterAll
    static void stopTestKit() {
        TESTKIT.shutdownTestKit();
    }

    @BeforeEach
    void open() throws Exception {
        POSTGRES.emptySchema();
        db = Database.open(POSTGRES.settings());
        master = new SecurityMaster(Metadata.of(db));
        nats = NATS.connect();
        env = NatsServerExtension.freshName("relay").toLowerCase();
    }

    private ActorRef<SecmasterRelay.Command> relayActor;

    /** The relay of one test, stopped after it before its executor. */
    private void spawn(Behavior<SecmasterRelay.Command> relay) {
        relayActor = TESTKIT.spawn(relay);
    }

    @AfterEach
    void close() {
        if (relayActor != null) {
            TESTKIT.stop(relayActor);
        }
        blocking.shutdownNow();
        db.close();
    }

    @Test
    void everyRowGoesOutOnceOnTheContractSubjectWithItsIdHeadersAndPayloadThenIsMarked() throws Exception {
        master.upsert(
                "kraken", List.of(market("kraken", "BTC/USD", "active"), market("kraken", "ETH/USD", "active")), AT);
        master.upsert("kalshi", List.of(market("kalshi", "KXETHD-26FEB1217-T1819.99", "active")), AT);
        master.upsert("kraken", List.of(market("kraken", "BTC/USD", "settled")), AT.plusSeconds(60));
        List<OutboxEvent> rows = master.outbox(Optional.empty(), 0);
        assertThat(rows).hasSize(4);
        SecmasterRelayMetrics metrics = SecmasterRelayMetrics.create(new PrometheusRegistry());

        spawn(SecmasterRelay.create(relay(settings(), metrics), settings(), blocking));

        String stream = SecmasterSubjects.streamName(env);
        assertThat(stream).isEqualTo(env.toUpperCase() + "_SECMASTER");
        await().atMost(WAIT).ignoreExceptions().until(() -> StreamContents.count(nats, stream) == 4);
        List<MessageInfo> messages = StreamContents.readAll(nats, stream);
        for (int i = 0; i < rows.size(); i++) {
            OutboxEvent row = rows.get(i);
            MessageInfo m = messages.get(i);
            assertThat(m.getSubject())
                    .isEqualTo(env + ".secmaster." + row.feed() + "." + row.event() + "."
                            + io.ssmd.core.subject.Subjects.token(row.instrument()));
            assertThat(m.getHeaders().getFirst("Nats-Msg-Id")).isEqualTo(Long.toString(row.id()));
            assertThat(SecmasterSubjects.outboxId(m.getHeaders())).hasValue(row.id());
            assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo(row.payload());
        }
        assertThat(messages.get(2).getSubject()).isEqualTo(env + ".secmaster.kalshi.created.KXETHD-26FEB1217-T1819_99");
        assertThat(messages.get(3).getSubject()).isEqualTo(env + ".secmaster.kraken.settled.BTC-USD");
        await().atMost(WAIT)
                .until(() -> master.outbox(Optional.empty(), 0).stream()
                        .allMatch(r -> r.publishedAt().isPresent()));
        await().atMost(WAIT).until(() -> metrics.pendingRows() == 0);
        assertThat(metrics.publishedTotal()).isEqualTo(4);
        assertThat(nats.jetStreamManagement()
                        .getStreamInfo(stream)
                        .getConfiguration()
                        .getDuplicateWindow())
                .isEqualTo(settings().streamDuplicateWindow());
    }

    @Test
    void anIdCommittedAfterAHigherOneWasPublishedIsPublishedToo() throws Exception {
        spawn(SecmasterRelay.create(relay(settings(), metricsOf()), settings(), blocking));
        String stream = SecmasterSubjects.streamName(env);
        long marketId;
        long lowerId;
        long higherId;
        try (Handle held = Metadata.of(db).jdbi().open()) {
            // A transaction takes the lower outbox id and stays open while another commits a higher one.
            held.begin();
            marketId = held.createUpdate("INSERT INTO markets (feed, instrument, aliases, status, rules, raw,"
                            + " created_at, updated_at, last_seen_at) VALUES ('kraken', 'SOL/USD', '[]', 'active',"
                            + " '{}', '{}', :at, :at, :at)")
                    .bind("at", AT)
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class)
                    .one();
            lowerId = held.createUpdate("INSERT INTO secmaster_outbox (feed, event, market_id, instrument, payload,"
                            + " created_at) VALUES ('kraken', 'created', :m, 'SOL/USD', '{\"late\":true}', :at)")
                    .bind("m", marketId)
                    .bind("at", AT)
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class)
                    .one();
            master.upsert("kraken", List.of(market("kraken", "BTC/USD", "active")), AT);
            higherId = master.outboxHighWater();
            assertThat(higherId).isGreaterThan(lowerId);
            long higher = higherId;
            await().atMost(WAIT)
                    .ignoreExceptions()
                    .until(() -> ids(StreamContents.readAll(nats, stream)).equals(List.of(higher)));
            await().atMost(WAIT).until(() -> published(higher));
            held.commit();
        }
        long lower = lowerId;
        await().atMost(WAIT).until(() -> published(lower));
        List<MessageInfo> messages = StreamContents.readAll(nats, stream);
        assertThat(ids(messages)).containsExactly(higherId, lowerId);
        assertThat(messages.get(1).getSubject()).isEqualTo(env + ".secmaster.kraken.created.SOL-USD");
        assertThat(new String(messages.get(1).getData(), StandardCharsets.UTF_8))
                .isEqualTo("{\"late\":true}");
    }

    @Test
    void rowsOnTheStreamButNotMarkedAreMarkedOnStartInsteadOfPublishedAgain() throws Exception {
        master.sync(
                "kraken",
                IntStream.range(0, 50)
                        .mapToObj(i -> market("kraken", "P" + i + "/USD", "active"))
                        .toList(),
                false,
                AT);
        OutboxRelay first = relay(settings(), metricsOf());
        first.ensureStream();
        assertThat(first.publishPending()).isEqualTo(50);
        // As a relay killed between the PubAck and the mark leaves them:
        int unmarked = Metadata.of(db)
                .jdbi()
                .withHandle(h -> h.createUpdate("UPDATE secmaster_outbox SET published_at = NULL WHERE id % 3 = 0")
                        .execute());
        assertThat(unmarked).isPositive();

        OutboxRelay second = relay(settings(), metricsOf());
        OutboxRelay.Recovery recovery = second.recover();
        assertThat(recovery.marked()).isEqualTo(unmarked);
        assertThat(recovery.lastOnStream()).hasValue(master.outboxHighWater());
        assertThat(second.publishPending()).as("nothing is left to publish").isZero();
        assertThat(second.pending()).isZero();
        List<Long> onStream = ids(StreamContents.readAll(nats, SecmasterSubjects.streamName(env)));
        assertThat(onStream).hasSize(50).doesNotHaveDuplicates();
    }

    @Test
    void withNatsDownNothingIsMarkedAndEverythingGoesOutOnceItIsBack() throws Exception {
        SecmasterRelayMetrics metrics = metricsOf();
        SecmasterRelaySettings settings = settings();
        spawn(SecmasterRelay.create(relay(settings, metrics), settings, blocking));
        String stream = SecmasterSubjects.streamName(env);
        await().atMost(WAIT).ignoreExceptions().until(() -> StreamContents.count(nats, stream) == 0);
        NATS.stop();
        try {
            master.upsert(
                    "kraken",
                    List.of(market("kraken", "ADA/USD", "active"), market("kraken", "DOT/USD", "active")),
                    AT);
            await().atMost(WAIT).until(() -> metrics.pendingRows() == 2);
            assertThat(master.outbox(Optional.empty(), 0))
                    .allMatch(r -> r.publishedAt().isEmpty());
        } finally {
            NATS.start();
        }
        await().atMost(WAIT)
                .until(() -> master.outbox(Optional.empty(), 0).stream()
                        .allMatch(r -> r.publishedAt().isPresent()));
        assertThat(ids(StreamContents.readAll(nats, stream)))
                .containsExactlyElementsOf(master.outbox(Optional.empty(), 0).stream()
                        .map(OutboxEvent::id)
                        .toList());
        await().atMost(WAIT).until(() -> metrics.pendingRows() == 0);
    }

    private boolean published(long id) {
        return master.outbox(Optional.empty(), id - 1).stream()
                .anyMatch(r -> r.id() == id && r.publishedAt().isPresent());
    }

    private static List<Long> ids(List<MessageInfo> messages) {
        List<Long> ids = new ArrayList<>();
        messages.forEach(m -> ids.add(SecmasterSubjects.outboxId(m.getHeaders()).orElseThrow()));
        return ids;
    }

    private OutboxRelay relay(SecmasterRelaySettings settings, SecmasterRelayMetrics metrics) {
        return new OutboxRelay(Metadata.of(db).jdbi(), nats, env, settings, metrics);
    }

    private static SecmasterRelayMetrics metricsOf() {
        return SecmasterRelayMetrics.create(new PrometheusRegistry());
    }

    private static SecmasterRelaySettings settings() {
        return SecmasterRelaySettings.defaults().withBatch(7);
    }

    private static MarketRecord market(String feed, String instrument, String status) {
        return new MarketRecord(
                feed,
                instrument,
                "id-" + instrument,
                List.of(),
                "title of " + instrument,
                null,
                null,
                null,
                status,
                "open",
                AT,
                null,
                null,
                null,
                null,
                null,
                "0.01",
                "1",
                2,
                4,
                "{}",
                "{}");
    }
}
