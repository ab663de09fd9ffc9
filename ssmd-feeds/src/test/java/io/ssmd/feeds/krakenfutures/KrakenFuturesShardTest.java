package io.ssmd.feeds.krakenfutures;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.config.Environment;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.shard.ReplayedFeed;
import io.ssmd.feeds.shard.ShardRig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Kraken Futures connector in a shard: data on its subjects, and a sequence gap resynchronizes that book. */
class KrakenFuturesShardTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("futures-replay");

    @TempDir
    Path dir;

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    @Test
    void streamsEveryTypeAndASeqGapResynchronizesTheBook() {
        try (ReplayedFeed feed = ReplayedFeed.start(
                SERVERS.system(),
                NATS.connect(),
                dir,
                "kraken-futures",
                60,
                5,
                List.of("PF_XBTUSD", "PF_ETHUSD"),
                Map.of(),
                KrakenFuturesFeed::create)) {
            ShardRig rig = feed.rig();
            Environment environment = feed.environment();
            rig.startShards(0.8);
            String prefix = environment.name() + ".kraken-futures.json.";
            await().atMost(WAIT)
                    .until(() -> !rig.published(s -> s.equals(prefix + "orderbook.PF_XBTUSD"))
                                    .isEmpty()
                            && !rig.published(s -> s.equals(prefix + "trade.PF_ETHUSD"))
                                    .isEmpty()
                            && !rig.published(s -> s.equals(prefix + "ticker.PF_XBTUSD"))
                                    .isEmpty());
            assertThat(rig.published(s -> s.startsWith(prefix + "system.kraken-futures-0")))
                    .isNotEmpty();

            feed.faults().skipSeq().add(1);
            await().atMost(WAIT)
                    .until(() ->
                            rig.control(ControlEvent.RESYNC, "kraken-futures-0").size() == 1);
            ControlEvent resync =
                    rig.control(ControlEvent.RESYNC, "kraken-futures-0").get(0);
            assertThat(resync.instruments()).hasSize(1).allMatch(List.of("PF_XBTUSD", "PF_ETHUSD")::contains);
            int before = rig.published(s -> s.equals(
                            prefix + "orderbook." + resync.instruments().get(0)))
                    .size();
            await().atMost(WAIT)
                    .until(() -> rig.published(s -> s.equals(prefix + "orderbook."
                                            + resync.instruments().get(0)))
                                    .size()
                            > before + 20);
            assertThat(rig.control(ControlEvent.RESYNC, "kraken-futures-0")).hasSize(1);
            assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-futures-0"))
                    .isEmpty();
        }
    }
}
