package io.ssmd.feeds.kalshi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.shard.ConnectTarget;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What the connector sends: batched subscribes, the keepalive, the lifecycle connection, a handshake per connect. */
class KalshiFeedTest {

    private static KalshiSettings settings(int perSubscribe) {
        return new KalshiSettings(
                "kalshi",
                URI.create("ws://127.0.0.1/trade-api/ws/v2"),
                Optional.empty(),
                KalshiSettings.MARKET_CHANNELS,
                true,
                Optional.empty(),
                List.of(),
                List.of(),
                List.of(),
                perSubscribe,
                OptionalInt.empty(),
                Duration.ZERO,
                200,
                3,
                Duration.ZERO);
    }

    @Test
    void marketsAreSubscribedInBatchesOfAtMostTheLimitWithIdsInOrder() {
        KalshiFeed feed = KalshiFeed.create(settings(200), Optional.empty(), t -> null);
        List<String> markets =
                IntStream.range(0, 450).mapToObj(i -> "KXT-" + i + ".5").toList();

        List<JsonNode> frames =
                feed.subscribe(markets).stream().map(KalshiTestServer::parse).toList();

        assertThat(frames).extracting(f -> f.get("id").asInt()).containsExactly(1, 2, 3);
        assertThat(frames)
                .extracting(f -> f.path("params").path("market_tickers").size())
                .containsExactly(200, 200, 50);
        assertThat(frames.get(0).path("params").path("channels").toString())
                .isEqualTo("[\"orderbook_delta\",\"ticker\",\"trade\"]");
        assertThat(frames.get(2).path("params").path("market_tickers").get(49).asText())
                .isEqualTo("KXT-449.5");
        assertThat(feed.subscribe(List.of())).isEmpty();
        assertThatThrownBy(() -> settings(257)).hasMessageContaining("from 1 to 256");
    }

    @Test
    void theLifecycleConnectionSubscribesOnlyTheLifecycleChannelAndBothPingWithListSubscriptions() {
        KalshiFeed feed = KalshiFeed.create(settings(200), Optional.empty(), t -> null);
        assertThat(feed.lifecycleConnector().subscribe(List.of("KXA-1")))
                .containsExactly(
                        "{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"market_lifecycle_v2\"]}}");
        assertThat(feed.keepalive()).hasValue("{\"cmd\":\"list_subscriptions\"}");
        assertThat(feed.venue()).isEqualTo("kalshi");
        // The feed manager runs the lifecycle connection as the companion shard kalshi-lifecycle.
        var companion = feed.companion().orElseThrow();
        assertThat(companion.name()).isEqualTo("lifecycle");
        assertThat(companion.connector().subscribe(List.of()))
                .containsExactly(
                        "{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"market_lifecycle_v2\"]}}");
        assertThat(companion.connector().companion()).isEmpty();
        KalshiSettings noLifecycle = new KalshiSettings(
                "kalshi",
                URI.create("ws://127.0.0.1/trade-api/ws/v2"),
                Optional.empty(),
                KalshiSettings.MARKET_CHANNELS,
                false,
                Optional.empty(),
                List.of(),
                List.of(),
                List.of(),
                200,
                OptionalInt.empty(),
                Duration.ZERO,
                200,
                3,
                Duration.ZERO);
        assertThat(KalshiFeed.create(noLifecycle, Optional.empty(), t -> null).companion())
                .isEmpty();
    }

    @Test
    void everyConnectionIsSignedAnewAndTheTargetNeverShowsTheHeaders() {
        AtomicLong clock = new AtomicLong(1_000);
        KalshiSigner signer =
                KalshiSigner.create("secret-key-id", KalshiTestServer.KEYS.getPrivate(), clock::getAndIncrement);
        KalshiFeed feed = KalshiFeed.create(settings(200), Optional.of(signer), t -> null);

        ConnectTarget first = feed.target();
        ConnectTarget second = feed.target();

        assertThat(first.headers()).containsEntry("KALSHI-ACCESS-TIMESTAMP", "1000");
        assertThat(second.headers()).containsEntry("KALSHI-ACCESS-TIMESTAMP", "1001");
        assertThat(first.headers().get("KALSHI-ACCESS-SIGNATURE"))
                .isNotEqualTo(second.headers().get("KALSHI-ACCESS-SIGNATURE"));
        assertThat(first.toString()).doesNotContain("secret-key-id").endsWith("(+3 headers)");
        assertThat(KalshiFeed.create(settings(200), Optional.empty(), Map.<String, String>of()::get)
                        .target()
                        .headers())
                .isEmpty();
    }
}
