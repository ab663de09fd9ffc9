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

    @Test
    void aConnectedCarriesItsSsmdVersionLastAndReadsBack() throws Exception {
        ControlEvent connected =
                ControlEvent.connected("kraken", "kraken-0", 20L, 30L, List.of("BTC/USD"), 10L, "1.4.2");

        JsonNode json = JSON.readTree(connected.toJson());

        assertThat(json.fieldNames())
                .toIterable()
                .containsExactly("event", "feed", "shard", "epoch", "ts", "reason", "instruments", "since", "version");
        assertThat(json.get("version").asText()).isEqualTo("1.4.2");
        ControlEvent read = ControlEvent.fromJson(connected.toJson());
        assertThat(read).isEqualTo(connected);
        assertThat(read.event()).isEqualTo(ControlEvent.CONNECTED);
        assertThat(read.version()).isEqualTo("1.4.2");
    }

    @Test
    void aConnectedWithoutVersionOmitsItAndAnOlderSsmdsJsonStillReads() throws Exception {
        ControlEvent unversioned = ControlEvent.connected("kraken", "kraken-0", 20L, 30L, List.of(), null, null);
        assertThat(JSON.readTree(unversioned.toJson()).has("version")).isFalse();
        assertThat(ControlEvent.fromJson(unversioned.toJson())).isEqualTo(unversioned);

        // What an ssmd before the field published.
        byte[] old = ("{\"event\":\"connected\",\"feed\":\"kraken\",\"shard\":\"kraken-0\",\"epoch\":20,"
                        + "\"ts\":30,\"reason\":\"\",\"instruments\":[\"BTC/USD\"],\"since\":10}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ControlEvent read = ControlEvent.fromJson(old);
        assertThat(read.version()).isNull();
        assertThat(read.sinceMicros()).contains(10L);
        assertThat(read.instruments()).containsExactly("BTC/USD");
    }

    @Test
    void theSsmdVersionIsDevOutsideAVersionedJar() {
        // Tests run from classes: no jar manifest names a version.
        assertThat(io.ssmd.core.SsmdVersion.current()).isEqualTo(io.ssmd.core.SsmdVersion.DEV);
    }
}
