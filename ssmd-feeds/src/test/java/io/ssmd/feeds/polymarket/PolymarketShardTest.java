package io.ssmd.feeds.polymarket;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.config.Environment;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.polymarket.replay.PolymarketMarket;
import io.ssmd.feeds.polymarket.replay.PolymarketReplayServer;
import io.ssmd.feeds.polymarket.replay.PolymarketUniverse;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.shard.ShardRig;
import io.ssmd.feeds.shard.TestFeeds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Polymarket connector in real shards against the Polymarket replay server and a real nats-server: events on
 * their markets' subjects, initial dumps split into one message per book, PONGs counted, and a book the venue
 * contradicts resynchronized.
 */
class PolymarketShardTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("polymarket-replay");
    private static final Set<String> TYPES = Set.of("book", "price_change", "last_trade_price", "tick_size_change");

    @TempDir
    Path dir;

    private ServerBinding binding;
    private ShardRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
        if (binding != null) {
            binding.unbind().toCompletableFuture().join();
        }
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    /** Shards of at most {@code perShard} assets against a replay server with these settings. */
    private void start(ReplaySettings settings, List<String> assets, int perShard) {
        ReplayServer server =
                ReplayServer.create(SERVERS.system(), PolymarketReplayServer.create(settings), settings, new Faults());
        binding = server.bind().toCompletableFuture().join();
        Environment environment = TestFeeds.environment(
                dir,
                NatsServerExtension.freshName("p").toLowerCase(),
                "polymarket",
                "ws://127.0.0.1:" + binding.localAddress().getPort() + "/ws/market",
                assets.stream().map(a -> "\"" + a + "\"").toList(),
                Map.of(
                        "max-instruments-per-connection: 500", "max-instruments-per-connection: " + perShard,
                        "ping-interval: 10s", "ping-interval: 300ms",
                        "min-backoff: 1s", "min-backoff: 100ms",
                        "max-backoff: 60s", "max-backoff: 1s"));
        rig = ShardRig.start(NATS.connect(), environment, PolymarketFeed::create);
        rig.startShards(1.0);
    }

    private List<ShardRig.Published> on(String type, String condition) {
        String subject = ".polymarket.json." + type + "." + condition;
        return rig.published(s -> s.endsWith(subject));
    }

    @Test
    void eventsArePublishedOnTheirMarketsSubjectsAndInitialDumpsAreSplit() {
        List<String> assets = PolymarketReplayServer.defaultInstruments();
        start(ReplaySettings.synthetic("polymarket", 0, 40, 5), assets, 4);
        PolymarketUniverse universe = PolymarketUniverse.defaults();
        List<String> conditions =
                universe.markets().stream().map(PolymarketMarket::conditionId).toList();

        await().atMost(WAIT)
                .until(() ->
                        conditions.stream().allMatch(c -> on("price_change", c).size() > 5));
        await().atMost(WAIT)
                .until(() -> rig.health().stream().allMatch(h -> h.messages().getOrDefault("pong", 0L) > 0));

        assertThat(rig.health())
                .extracting(ShardHealth::shard)
                .containsExactlyInAnyOrder("polymarket-0", "polymarket-1");
        for (ShardRig.Published p : rig.published(s -> s.contains(".json."))) {
            String[] parts = p.subject().split("\\.");
            assertThat(TYPES).as(p.subject()).contains(parts[3]);
            assertThat(conditions).as(p.subject()).contains(parts[4]);
            String text = new String(p.data(), StandardCharsets.UTF_8);
            assertThat(text).startsWith("{\"event_type\":\"" + parts[3] + "\"").contains("\"market\":\"" + parts[4]);
        }
        // Each shard's initial dump was one frame (frame 1) of four books, two markets' outcomes: elements 0 to 3.
        for (String shard : List.of("polymarket-0", "polymarket-1")) {
            List<String> elements = rig.published(s -> s.contains(".json.book.")).stream()
                    .map(p -> p.headers().getFirst("Nats-Msg-Id"))
                    .filter(id -> id.startsWith(shard + ":"))
                    .map(id -> id.split(":"))
                    .filter(id -> id[2].equals("1"))
                    .map(id -> id[3])
                    .toList();
            assertThat(elements).as(shard).containsExactlyInAnyOrder("0", "1", "2", "3");
        }
        assertThat(rig.counter("ssmd_connector_resyncs")).isZero();
        assertThat(rig.counter("ssmd_connector_parse_errors")).isZero();
    }

    @Test
    void aBookTheVenueContradictsIsResynchronizedAndCheckedAgainAfterItsNextBook() throws IOException {
        PolymarketMarket market = PolymarketUniverse.defaults().markets().get(0);
        String asset = market.yesToken();
        String condition = market.conditionId();
        // A recording played in a loop: a book, a change that agrees with it, then one whose best_bid does not.
        String book = "{\"event_type\":\"book\",\"asset_id\":\"" + asset + "\",\"market\":\"" + condition
                + "\",\"bids\":[{\"price\":\"0.48\",\"size\":\"30\"},{\"price\":\"0.5\",\"size\":\"15\"}],"
                + "\"asks\":[{\"price\":\"0.53\",\"size\":\"60\"},{\"price\":\"0.52\",\"size\":\"25\"}],"
                + "\"timestamp\":\"1\",\"hash\":\"h\"}";
        String agrees = priceChange(asset, condition, "0.49", "0.5");
        String lies = priceChange(asset, condition, "0.47", "0.49");
        Path recording = Files.writeString(dir.resolve("lying-book.jsonl"), book + "\n" + agrees + "\n" + lies + "\n");
        ReplaySettings settings =
                ReplaySettings.synthetic("polymarket", 0, 20, 1).withRecording(recording, 1, true);
        start(settings, market.tokens(), 500);

        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.RESYNC, "polymarket-0").size() >= 2);

        ControlEvent resync = rig.control(ControlEvent.RESYNC, "polymarket-0").get(0);
        assertThat(resync.instruments()).containsExactly(asset);
        assertThat(resync.reason())
                .isEqualTo("best_bid mismatch: Polymarket 0.49, local book 0.5 (market " + condition + ")");
        assertThat(on("price_change", condition)).isNotEmpty();
        assertThat(rig.control(ControlEvent.DISCONNECTED, "polymarket-0")).isEmpty();
    }

    private static String priceChange(String asset, String condition, String price, String bestBid) {
        return "{\"event_type\":\"price_change\",\"market\":\"" + condition + "\",\"price_changes\":[{\"asset_id\":\""
                + asset + "\",\"price\":\"" + price + "\",\"size\":\"10\",\"side\":\"BUY\",\"hash\":\"o\","
                + "\"best_bid\":\"" + bestBid + "\",\"best_ask\":\"0.52\"}],\"timestamp\":\"2\"}";
    }
}
