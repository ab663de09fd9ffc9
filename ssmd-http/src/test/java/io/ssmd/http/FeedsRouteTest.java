package io.ssmd.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.shard.ShardHealth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeedsRouteTest {

    @Test
    void eachShardCarriesItsCountsAndTheTimeOfItsReport() {
        ShardHealth streaming = new ShardHealth(
                "kraken",
                "kraken-0",
                "node-a",
                ShardHealth.STREAMING,
                1_763_700_000_000L,
                12,
                Map.of("ticker", 40L, "trade", 2L),
                1,
                List.of("BTC/USD"),
                Map.of(),
                "",
                1_763_700_005_000L);
        ShardHealth backoff = new ShardHealth(
                "kalshi",
                "kalshi-0",
                "node-b",
                ShardHealth.BACKOFF,
                0,
                -1,
                Map.of(),
                3,
                List.of(),
                Map.of("KXNONE", "market not found"),
                "connection refused",
                1_763_700_006_000L);

        JsonNode feeds = FeedsRoute.render(List.of("kraken", "polymarket"), List.of(streaming, backoff))
                .path("feeds");

        assertThat(feeds).extracting(f -> f.path("feed").asText()).containsExactly("kraken", "polymarket", "kalshi");
        JsonNode kraken = feeds.get(0).path("shards").get(0);
        assertThat(kraken.path("messages").path("ticker").asLong()).isEqualTo(40);
        assertThat(kraken.path("reportedAt").asLong()).isEqualTo(1_763_700_005_000L);
        assertThat(kraken.path("connectedSince").asLong()).isEqualTo(1_763_700_000_000L);
        assertThat(feeds.get(1).path("shards")).isEmpty();
        JsonNode kalshi = feeds.get(2).path("shards").get(0);
        assertThat(kalshi.path("connectedSince").isNull()).isTrue();
        assertThat(kalshi.path("lastMessageAgeMs").isNull()).isTrue();
        assertThat(kalshi.path("rejected").path("KXNONE").asText()).isEqualTo("market not found");
        assertThat(kalshi.path("lastError").asText()).isEqualTo("connection refused");
        assertThat(kalshi.path("reportedAt").asLong()).isEqualTo(1_763_700_006_000L);
    }

    @Test
    void aShardsLastErrorNeverShowsCredentialsOfAUrl() {
        ShardHealth failed = new ShardHealth(
                "kraken",
                "kraken-0",
                "node-a",
                ShardHealth.BACKOFF,
                0,
                -1,
                Map.of(),
                1,
                List.of(),
                Map.of(),
                "handshake with wss://ops:hunter2@ws.example.com/v2?token=abc123 failed: 401",
                1_763_700_006_000L);

        String lastError = FeedsRoute.render(List.of("kraken"), List.of(failed))
                .path("feeds")
                .get(0)
                .path("shards")
                .get(0)
                .path("lastError")
                .asText();

        assertThat(lastError)
                .isEqualTo("handshake with wss://ops:***@ws.example.com/v2?token=*** failed: 401")
                .doesNotContain("hunter2")
                .doesNotContain("abc123");
    }
}
