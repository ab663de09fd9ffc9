package io.ssmd.feeds.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.config.Environment;
import io.ssmd.core.shard.FeedConnector;
import io.ssmd.core.shard.FeedManager;
import io.ssmd.core.shard.FeedShard;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedManagerPackTest {

    @TempDir
    Path dir;

    @Test
    void shardsAreFilledToTheFillRatioOfTheVenuesCapacityInTheConfiguredOrder() {
        List<String> symbols = IntStream.range(0, 200)
                .mapToObj(i -> String.format("S%03d/USD", i))
                .toList();
        Environment environment =
                TestFeeds.environment(dir, "pack", "kraken", "ws://127.0.0.1:1/v2", symbols, Map.of());
        FeedConnector feed = new FeedConnector(
                environment.feeds().get(0),
                new WholeFrameConnector(environment.feeds().get(0)));

        List<FeedShard.Start> shards = FeedManager.pack(feed, 0.8);

        // Kraken's feed file allows 100 instruments a connection: 80 a shard leaves room for live additions.
        assertThat(shards).extracting(s -> s.instruments().size()).containsExactly(80, 80, 40);
        assertThat(shards).extracting(FeedShard.Start::index).containsExactly(0, 1, 2);
        assertThat(shards.get(1).instruments().get(0)).isEqualTo("S080/USD");
        assertThat(shards).allMatch(s -> s.feed().equals("kraken"));
        assertThat(FeedManager.pack(feed, 0.8)).isEqualTo(shards);
        assertThat(FeedManager.pack(feed, 0.001)).hasSize(200);
    }

    @Test
    void repackingKeepsInstrumentsInTheirShardsAndFillsRoomBeforeOpeningShards() {
        List<FeedShard.Start> before = FeedManager.repack("f", List.of(), List.of("a", "b", "c", "d", "e"), 2);
        assertThat(before)
                .extracting(FeedShard.Start::instruments)
                .containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e"));

        List<FeedShard.Start> after = FeedManager.repack("f", before, List.of("b", "c", "d", "e", "x", "y", "z"), 2);

        // "a" left shard 0; "x" fills its room, "y" the room in shard 2, "z" opens shard 3; nobody else moved.
        assertThat(after)
                .extracting(FeedShard.Start::instruments)
                .containsExactly(List.of("b", "x"), List.of("c", "d"), List.of("e", "y"), List.of("z"));
        assertThat(after.get(1)).isEqualTo(before.get(1));

        assertThat(FeedManager.repack("f", after, List.of("c"), 2))
                .extracting(FeedShard.Start::instruments)
                .containsExactly(List.of(), List.of("c"), List.of(), List.of());
    }
}
