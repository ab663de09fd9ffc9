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
        List<String> symbols = IntStream.range(0, 200).mapToObj(i -> String.format("S%03d/USD", i)).toList();
        Environment environment = TestFeeds.environment(dir, "pack", "kraken", "ws://127.0.0.1:1/v2", symbols, Map.of());
        FeedConnector feed = new FeedConnector(environment.feeds().get(0), new WholeFrameConnector(environment.feeds().get(0)));

        List<FeedShard.Start> shards = FeedManager.pack(feed, 0.8);

        // Kraken's feed file allows 100 instruments a connection: 80 a shard leaves room for live additions.
        assertThat(shards).extracting(s -> s.instruments().size()).containsExactly(80, 80, 40);
        assertThat(shards).extracting(FeedShard.Start::index).containsExactly(0, 1, 2);
        assertThat(shards.get(1).instruments().get(0)).isEqualTo("S080/USD");
        assertThat(shards).allMatch(s -> s.feed().equals("kraken"));
        assertThat(FeedManager.pack(feed, 0.8)).isEqualTo(shards);
        assertThat(FeedManager.pack(feed, 0.001)).hasSize(200);
    }
}
