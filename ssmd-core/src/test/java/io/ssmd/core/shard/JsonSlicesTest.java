package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonSlicesTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void eachElementKeepsTheEnvelopeAndItsExactNumberText() {
        byte[] frame =
                bytes("{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"qty\":0.00000000},"
                        + " {\"symbol\":\"ETH/USD\",\"bids\":[{\"price\":1e-5}]}],\"tail\":1}");
        JsonSlices.Layout layout = JsonSlices.arrayField(frame, "data").orElseThrow();
        assertThat(layout.size()).isEqualTo(2);
        assertThat(text(layout.withOnly(frame, 0)))
                .isEqualTo(
                        "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"qty\":0.00000000}],\"tail\":1}");
        assertThat(text(layout.withOnly(frame, 1)))
                .isEqualTo(
                        "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"ETH/USD\",\"bids\":[{\"price\":1e-5}]}],\"tail\":1}");
        assertThat(text(layout.element(frame, 1))).isEqualTo("{\"symbol\":\"ETH/USD\",\"bids\":[{\"price\":1e-5}]}");
    }

    @Test
    void multiByteTextIsSlicedOnByteOffsets() {
        byte[] frame = bytes("[{\"q\":\"Will it rain in São Paulo?\"},{\"q\":\"東京\"}]");
        JsonSlices.Layout layout = JsonSlices.rootArray(frame).orElseThrow();
        assertThat(text(layout.element(frame, 0))).isEqualTo("{\"q\":\"Will it rain in São Paulo?\"}");
        assertThat(text(layout.element(frame, 1))).isEqualTo("{\"q\":\"東京\"}");
    }

    @Test
    void notAnArrayOrNotJsonGivesNothing() {
        assertThat(JsonSlices.arrayField(bytes("{\"channel\":\"heartbeat\"}"), "data"))
                .isEmpty();
        assertThat(JsonSlices.arrayField(bytes("{\"data\":{\"a\":1}}"), "data")).isEmpty();
        assertThat(JsonSlices.arrayField(bytes("{\"data\":[1,2"), "data")).isEmpty();
        assertThat(JsonSlices.rootArray(bytes("PONG"))).isEmpty();
        assertThat(JsonSlices.arrayField(bytes("{\"data\":[]}"), "data")
                        .orElseThrow()
                        .size())
                .isZero();
    }

    @Test
    void scalarElementsAreSlicedToo() {
        byte[] frame = bytes("{\"data\":[1, \"two\", null]}");
        JsonSlices.Layout layout = JsonSlices.arrayField(frame, "data").orElseThrow();
        assertThat(text(layout.element(frame, 0))).isEqualTo("1");
        assertThat(text(layout.element(frame, 1))).isEqualTo("\"two\"");
        assertThat(text(layout.withOnly(frame, 2))).isEqualTo("{\"data\":[null]}");
    }
}
