package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A shard's new instance reads the last epoch it published from its stream (DESIGN §13), against a real nats-server:
 * the highest among the last event of each kind, only its own; nothing when it published nothing; and, with NATS
 * gone, an answer within the bound that says it could not look.
 */
class EpochFloorTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ExecutorService BLOCKING = Executors.newCachedThreadPool();
    private static final long E1 = 1_700_000_000_000_000L;
    private static final long E2 = E1 + 60_000_000L;

    @AfterAll
    static void shutdown() {
        BLOCKING.shutdownNow();
    }

    @Test
    void theFloorIsTheHighestEpochAmongTheShardsLastEventsOfEachKind() throws Exception {
        String env = NatsServerExtension.freshName("f").toLowerCase();
        Connection nats = NATS.connect();
        JetStream js = stream(nats, env);
        publish(js, env, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-0", E1, E1, "", List.of()));
        publish(js, env, ControlEvent.of(ControlEvent.DISCONNECTED, "kraken", "kraken-0", E1, E1 + 5, "x", List.of()));
        publish(js, env, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-0", E2, E2, "", List.of()));
        // The last alive is a late one of the replaced connection: the connected of E2 still counts.
        publish(js, env, ControlEvent.of(ControlEvent.ALIVE, "kraken", "kraken-0", E1, E2 + 9, "", List.of()));
        // Another shard's epoch is no concern of this one.
        publish(js, env, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-1", E2 * 2, E2, "", List.of()));

        EpochFloor.Found found = read(nats, env, "kraken-0", Duration.ofSeconds(10));

        assertThat(found.problem()).isEmpty();
        assertThat(found.lastEpoch()).isEqualTo(E2);
    }

    @Test
    void aShardIsStoppedWhenItsNewestConnectionEventIsATeardownsDisconnected() throws Exception {
        String env = NatsServerExtension.freshName("f").toLowerCase();
        Connection nats = NATS.connect();
        JetStream js = stream(nats, env);
        String teardown = ControlEvent.REASON_SCHEDULED_TEARDOWN;
        // kraken-0: paused in place on a node since lost.
        publish(js, env, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-0", E1, E1, "", List.of()));
        publish(js, env, ControlEvent.of(ControlEvent.DISCONNECTED, "kraken", "kraken-0", E1, E1 + 5, teardown, null));
        // kraken-1: paused, then resumed (a new epoch's connected): not stopped.
        publish(js, env, ControlEvent.of(ControlEvent.DISCONNECTED, "kraken", "kraken-1", E1, E1 + 5, teardown, null));
        publish(js, env, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-1", E2, E2, "", List.of()));
        // kraken-2: paused; a connected of an older connection comes late (its node's queue flushed after NATS came
        // back), later in the stream and in ts (another host's clock): the epoch says it is the older event.
        publish(js, env, ControlEvent.of(ControlEvent.DISCONNECTED, "kraken", "kraken-2", E2, E2 + 5, teardown, null));
        publish(js, env, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-2", E1, E2 + 9, "", List.of()));
        // kraken-3: a renewal's new connection, paused right after the switch: its handover's ts (the switch time, set
        // ahead) is later than its disconnected's, which still ends the connection.
        publish(js, env, ControlEvent.of(ControlEvent.HANDOVER, "kraken", "kraken-3", E2, E2 + 9, "", List.of()));
        publish(js, env, ControlEvent.of(ControlEvent.DISCONNECTED, "kraken", "kraken-3", E2, E2 + 5, teardown, null));
        // kraken-4: an ordinary hand-off: not stopped.
        publish(js, env, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-4", E1, E1, "", List.of()));
        publish(js, env, ControlEvent.of(ControlEvent.DISCONNECTED, "kraken", "kraken-4", E1, E1 + 5, "handoff", null));

        assertThat(read(nats, env, "kraken-0", Duration.ofSeconds(10)).stopped())
                .contains(teardown);
        assertThat(read(nats, env, "kraken-1", Duration.ofSeconds(10)).stopped())
                .isEmpty();
        assertThat(read(nats, env, "kraken-2", Duration.ofSeconds(10)).stopped())
                .contains(teardown);
        assertThat(read(nats, env, "kraken-3", Duration.ofSeconds(10)).stopped())
                .contains(teardown);
        assertThat(read(nats, env, "kraken-4", Duration.ofSeconds(10)).stopped())
                .isEmpty();
    }

    @Test
    void aShardThatPublishedNothingTakesTheClock() throws Exception {
        String env = NatsServerExtension.freshName("f").toLowerCase();
        Connection nats = NATS.connect();
        JetStream js = stream(nats, env);
        publish(js, env, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-1", E2, E2, "", List.of()));

        EpochFloor.Found found = read(nats, env, "kraken-0", Duration.ofSeconds(10));

        assertThat(found.problem()).isEmpty();
        assertThat(found.lastEpoch()).isZero();
        assertThat(found.stopped()).isEmpty();
    }

    @Test
    void withNatsGoneTheReadGivesUpWithinItsBoundAndSaysWhy() throws Exception {
        String env = NatsServerExtension.freshName("f").toLowerCase();
        Connection nats = NATS.connect();
        stream(nats, env);
        NATS.stop();

        // The bound is the caller's: the future answers by then, whatever the NATS client's own request timeouts.
        EpochFloor.Found found = EpochFloor.read(
                        nats.jetStream(), env, "kraken", "kraken-0", Duration.ofSeconds(1), BLOCKING)
                .toCompletableFuture()
                .get(20, TimeUnit.SECONDS);

        assertThat(found.problem()).isPresent();
        assertThat(found.lastEpoch()).isZero();
    }

    private static EpochFloor.Found read(Connection nats, String env, String shard, Duration within) throws Exception {
        return EpochFloor.read(nats.jetStream(), env, "kraken", shard, within, BLOCKING)
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    private static JetStream stream(Connection nats, String env) throws Exception {
        nats.jetStreamManagement()
                .addStream(StreamConfiguration.builder()
                        .name(Subjects.streamName(env, "kraken"))
                        .subjects(Subjects.streamSubjects(env, "kraken"))
                        .storageType(StorageType.File)
                        .build());
        return nats.jetStream();
    }

    private static void publish(JetStream js, String env, ControlEvent event) throws Exception {
        js.publish(Subjects.control(env, event.feed(), event.event(), event.shard()), event.toJson());
    }
}
