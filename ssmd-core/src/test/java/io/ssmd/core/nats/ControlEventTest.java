package io.ssmd.core.nats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlEventTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void serializesTheDesignFieldsInOrderWithoutSinceWhenAbsent() throws Exception {
        ControlEvent event = ControlEvent.of(
                "disconnected",
                "kraken",
                "kraken-0",
                1_700_000_000_000_000L,
                1_700_000_000_123_456L,
                "socket closed",
                List.of("BTC/USD", "ETH/USD"));

        JsonNode json = JSON.readTree(event.toJson());

        assertThat(json.fieldNames())
                .toIterable()
                .containsExactly("event", "feed", "shard", "epoch", "ts", "reason", "instruments");
        assertThat(json.get("epoch").asLong()).isEqualTo(1_700_000_000_000_000L);
        assertThat(json.get("ts").asLong()).isEqualTo(1_700_000_000_123_456L);
        assertThat(json.get("instruments").get(1).asText()).isEqualTo("ETH/USD");
        assertThat(ControlEvent.fromJson(event.toJson())).isEqualTo(event);
    }

    @Test
    void carriesSinceAfterAnOutage() throws Exception {
        ControlEvent event = new ControlEvent("connected", "kalshi", "kalshi-3", 20L, 30L, "", List.of(), 10L);

        JsonNode json = JSON.readTree(event.toJson());

        assertThat(json.get("since").asLong()).isEqualTo(10L);
        assertThat(ControlEvent.fromJson(event.toJson()).sinceMicros()).contains(10L);
    }

    @Test
    void aPublishFailedCarriesItsRangeAndOtherEventsDoNot() throws Exception {
        ControlEvent range = ControlEvent.publishFailed(
                "kraken", "kraken-0", 20L, 90L, "timeout", List.of("BTC-USD"), 3, 40L, 80L, 7L);

        JsonNode json = JSON.readTree(range.toJson());

        assertThat(json.fieldNames())
                .toIterable()
                .containsExactly(
                        "event",
                        "feed",
                        "shard",
                        "epoch",
                        "ts",
                        "reason",
                        "instruments",
                        "first",
                        "last",
                        "count",
                        "instrumentCount");
        assertThat(ControlEvent.fromJson(range.toJson())).isEqualTo(range);
        assertThat(JSON.readTree(ControlEvent.of("alive", "kraken", "kraken-0", 20L, 30L, "", List.of())
                                .toJson())
                        .has("count"))
                .isFalse();
    }
}
