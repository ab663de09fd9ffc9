package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTapeTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void locatesEachValueOfAFrame() {
        JsonTape tape = new JsonTape();
        byte[] frame = bytes(" {\"channel\":\"trade\",\"data\":[{\"price\":62807.0,\"qty\":0.00000000}],"
                + "\"n\":-12,\"e\":\"a\\\"b\",\"ok\":true,\"x\":null} ");
        assertThat(tape.read(frame)).isTrue();
        assertThat(tape.kind(0)).isEqualTo(JsonTape.OBJECT);
        assertThat(tape.next(0)).isEqualTo(tape.size());

        int channel = tape.member(0, JsonTape.ascii("channel"));
        assertThat(tape.text(channel)).isEqualTo("trade");
        int data = tape.member(0, JsonTape.ascii("data"));
        assertThat(tape.kind(data)).isEqualTo(JsonTape.ARRAY);
        int element = data + 1;
        assertThat(new String(frame, tape.start(element), tape.end(element) - tape.start(element)))
                .isEqualTo("{\"price\":62807.0,\"qty\":0.00000000}");
        assertThat(tape.next(element)).isEqualTo(tape.next(data));
        int qty = tape.member(element, JsonTape.ascii("qty"));
        // A number keeps its wire text, trailing zeros and all.
        assertThat(tape.text(qty)).isEqualTo("0.00000000");
        assertThat(tape.integral(qty)).isFalse();

        int n = tape.member(0, JsonTape.ascii("n"));
        assertThat(tape.integral(n)).isTrue();
        assertThat(tape.longValue(n, 99)).isEqualTo(-12);
        assertThat(tape.longValue(qty, 99)).isEqualTo(99);
        assertThat(tape.escaped(tape.member(0, JsonTape.ascii("e")))).isTrue();
        assertThat(tape.escaped(channel)).isFalse();
        assertThat(tape.scalar(tape.member(0, JsonTape.ascii("ok")))).isEqualTo("true");
        assertThat(tape.scalar(tape.member(0, JsonTape.ascii("x")))).isNull();
        assertThat(tape.member(0, JsonTape.ascii("absent"))).isEqualTo(-1);
    }

    @Test
    void findsNamesAndSaysWhenANameIsEscaped() {
        JsonTape tape = new JsonTape();
        JsonTape.Names names = JsonTape.names("type", "sid", "msg");
        assertThat(tape.read(bytes("{\"msg\":1,\"other\":2,\"t\\u0079pe\":3,\"sid\":4}")))
                .isTrue();
        assertThat(tape.field(1, names)).isEqualTo(2);
        assertThat(tape.field(3, names)).isEqualTo(-1);
        assertThat(tape.field(5, names)).isEqualTo(JsonTape.ESCAPED_NAME);
        assertThat(tape.field(7, names)).isEqualTo(1);
    }

    @Test
    void anIdReadAgainIsTheStringReadBefore() {
        JsonTape tape = new JsonTape();
        assertThat(tape.read(bytes("{\"symbol\":\"BTC/USD\"}"))).isTrue();
        String first = tape.cachedText(2);
        assertThat(tape.read(bytes("{\"other\":1,\"symbol\":\"BTC/USD\"}"))).isTrue();
        assertThat(tape.cachedText(4)).isSameAs(first).isEqualTo("BTC/USD");
        assertThat(tape.read(bytes("{\"symbol\":\"ETH/USD\"}"))).isTrue();
        assertThat(tape.cachedText(2)).isEqualTo("ETH/USD");
        // Ids beyond the cache's length are read each time, with the same text.
        String longId = "7".repeat(200);
        assertThat(tape.read(bytes("[\"" + longId + "\"]"))).isTrue();
        assertThat(tape.cachedText(1)).isEqualTo(longId);
    }

    @Test
    void aKeyGivenTwiceIsNoMember() {
        JsonTape tape = new JsonTape();
        assertThat(tape.read(bytes("{\"a\":1,\"a\":2}"))).isTrue();
        assertThat(tape.member(0, JsonTape.ascii("a"))).isEqualTo(-1);
    }

    @Test
    void growsForLargeFrames() {
        JsonTape tape = new JsonTape();
        String frame = "[" + "1,".repeat(9_999) + "1]";
        assertThat(tape.read(bytes(frame))).isTrue();
        assertThat(tape.size()).isEqualTo(10_001);
        assertThat(tape.next(0)).isEqualTo(10_001);
    }

    @Test
    void rejectsWhatIsNotExactlyOneJsonValue() {
        JsonTape tape = new JsonTape();
        List<String> broken = List.of(
                "",
                "{\"a\":1",
                "{\"a\":1}x",
                "{\"a\":1}{\"b\":2}",
                "{a:1}",
                "{\"a\":01}",
                "{\"a\":1.}",
                "{\"a\":-}",
                "{\"a\":1x}",
                "{\"a\":truex}",
                "{\"a\":\"\\x\"}",
                "{\"a\":\"\u0001\"}",
                "{\"a\":[1,]}",
                "{\"a\":1,}",
                "\uFEFF{\"a\":1}",
                "PONG",
                "[".repeat(JsonTape.MAX_DEPTH + 1) + "]".repeat(JsonTape.MAX_DEPTH + 1));
        for (String frame : broken) {
            assertThat(tape.read(bytes(frame))).as(frame).isFalse();
        }
        // Invalid UTF-8 in a string: a lone continuation byte, an overlong slash, a surrogate.
        for (byte[] bad : List.of(
                new byte[] {'"', (byte) 0x80, '"'},
                new byte[] {'"', (byte) 0xc0, (byte) 0xaf, '"'},
                new byte[] {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'})) {
            assertThat(tape.read(bad)).isFalse();
        }
        assertThat(tape.read(bytes("[" + "1".repeat(JsonTape.MAX_NUMBER_LENGTH + 1) + "]")))
                .isFalse();
        assertThat(tape.read(bytes("\"é ✓ 😀\""))).isTrue();
    }
}
