package io.ssmd.feeds.polymarket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.feeds.polymarket.replay.PolymarketReplayServer;
import io.ssmd.feeds.shard.TestFeeds;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped feed file as the connector reads it, and the exact frames it sends. */
class PolymarketFeedTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private EnabledFeed feed(List<String> instruments, Map<String, String> replacements) {
        // Asset ids look like numbers to YAML: quoted, as an environment file must write them.
        Environment environment = TestFeeds.environment(
                dir,
                "test",
                "polymarket",
                "ws://127.0.0.1:1/ws/market",
                instruments.stream().map(i -> "\"" + i + "\"").toList(),
                replacements);
        return TestFeeds.feed(environment, "polymarket");
    }

    @Test
    void theShippedFeedFileGivesAPingingConnectorWithoutCustomFeatures() {
        List<String> assets = PolymarketReplayServer.defaultInstruments();
        PolymarketFeed feed = PolymarketFeed.create(feed(assets, Map.of()));

        assertThat(feed.venue()).isEqualTo("polymarket");
        assertThat(feed.target().uri().toString()).isEqualTo("ws://127.0.0.1:1/ws/market");
        assertThat(feed.keepalive()).contains("PING");
        assertThat(feed.settings().customFeatures()).isFalse();
        assertThat(feed.settings().discovery())
                .hasValueSatisfying(uri -> assertThat(uri.toString()).isEqualTo("https://gamma-api.polymarket.com"));
        assertThat(feed.subscribe(List.of(assets.get(0), assets.get(1))))
                .containsExactly("{\"assets_ids\":[\"" + assets.get(0) + "\",\"" + assets.get(1)
                        + "\"],\"type\":\"market\",\"initial_dump\":true,\"custom_feature_enabled\":false}");
        assertThat(feed.subscribe(List.of())).isEmpty();
    }

    @Test
    void customFeaturesAreASettingOfTheirOwn() {
        PolymarketSettings settings =
                PolymarketSettings.create(feed(List.of("1"), Map.of())).withCustomFeatures(true);
        PolymarketFeed feed = PolymarketFeed.create(settings, Map.of());
        assertThat(feed.subscribe(List.of("1")))
                .containsExactly(
                        "{\"assets_ids\":[\"1\"],\"type\":\"market\",\"initial_dump\":true,\"custom_feature_enabled\":true}");
        assertThat(feed.addAssets(List.of("2")))
                .containsExactly("{\"operation\":\"subscribe\",\"assets_ids\":[\"2\"],\"initial_dump\":true,"
                        + "\"custom_feature_enabled\":true}");
        assertThat(feed.removeAssets(List.of("2")))
                .containsExactly("{\"operation\":\"unsubscribe\",\"assets_ids\":[\"2\"]}");
    }

    @Test
    void moreThanFiveHundredAssetsGoOutInDynamicSubscribesOfFiveHundred() throws Exception {
        List<String> assets = PolymarketReplayServer.syntheticInstruments(1_200);
        List<String> frames =
                PolymarketFeed.create(feed(List.of("1"), Map.of())).subscribe(assets);

        assertThat(frames).hasSize(3);
        JsonNode first = JSON.readTree(frames.get(0));
        assertThat(first.get("type").asText()).isEqualTo("market");
        assertThat(first.get("initial_dump").asBoolean()).isTrue();
        assertThat(first.get("assets_ids")).hasSize(500);
        assertThat(JSON.readTree(frames.get(1)).get("operation").asText()).isEqualTo("subscribe");
        assertThat(JSON.readTree(frames.get(2)).get("assets_ids")).hasSize(200);
        // The replay server's own client helper names the same ids in the same frames.
        List<String> serverSide = PolymarketReplayServer.subscribeMessages(assets);
        for (int i = 0; i < 3; i++) {
            assertThat(JSON.readTree(frames.get(i)).get("assets_ids"))
                    .isEqualTo(JSON.readTree(serverSide.get(i)).get("assets_ids"));
        }
    }

    @Test
    void whatTheConnectorCannotRunIsRefusedNamingTheFileAndKey() {
        assertThatThrownBy(() -> PolymarketSettings.create(feed(List.of("0x311d0c4b"), Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feeds.polymarket.instruments")
                .hasMessageContaining("not a Polymarket asset id");
        assertThatThrownBy(() -> PolymarketSettings.create(
                        feed(List.of("1"), Map.of("channels: [market]", "channels: [market, user]"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("polymarket.yaml: channels: 'user'");
    }
}
