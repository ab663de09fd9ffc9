package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A frame reaches the decoder byte for byte however the WebSocket delivered it: strict or in streamed parts. */
class FrameCollectorTest {

    static final ActorTestKit TESTKIT = ActorTestKit.create();
    static final String FRAME =
            "{\"channel\":\"trade\",\"data\":[{\"symbol\":\"BTC/USD\",\"price\":97000.1,\"q\":\"é€\"}]}";

    @AfterAll
    static void stop() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void strictTextAndBinaryKeepTheirBytes() throws Exception {
        byte[] bytes = FRAME.getBytes(StandardCharsets.UTF_8);
        assertThat(collect(TextMessage.create(FRAME), 1 << 20).bytes()).isEqualTo(bytes);
        assertThat(collect(BinaryMessage.create(ByteString.fromArray(bytes)), 1 << 20)
                        .bytes())
                .isEqualTo(bytes);
    }

    @Test
    void aFrameSplitAcrossStreamedPartsIsWhole() throws Exception {
        byte[] bytes = FRAME.getBytes(StandardCharsets.UTF_8);
        List<String> parts = List.of(FRAME.substring(0, 10), FRAME.substring(10, 70), FRAME.substring(70));
        assertThat(collect(TextMessage.create(Source.from(parts)), 1 << 20).bytes())
                .isEqualTo(bytes);
        List<ByteString> chunks = List.of(
                ByteString.fromArray(bytes, 0, 7),
                ByteString.fromArray(bytes, 7, 60),
                ByteString.fromArray(bytes, 67, bytes.length - 67));
        assertThat(collect(BinaryMessage.create(Source.from(chunks)), 1 << 20).bytes())
                .isEqualTo(bytes);
    }

    /** Several messages in a row, streamed and strict mixed, each one frame, in order. */
    @Test
    void messagesInARowStayApartAndInOrder() throws Exception {
        List<Message> messages = List.of(
                TextMessage.create("{\"a\":1}"),
                TextMessage.create(Source.from(List.of("{\"b\"", ":2}"))),
                BinaryMessage.create(ByteString.fromString("{\"c\":3}")),
                BinaryMessage.create(
                        Source.from(List.of(ByteString.fromString("{\"d\""), ByteString.fromString(":4}")))),
                TextMessage.create("{\"e\":5}"));
        List<String> frames = Source.from(messages)
                .via(new FrameCollector(1 << 20))
                .map(f -> new String(f.bytes(), StandardCharsets.UTF_8))
                .runWith(Sink.seq(), TESTKIT.system())
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(frames).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}", "{\"d\":4}", "{\"e\":5}");
    }

    @Test
    void anOversizedFrameKeepsItsHeadAndItsSize() throws Exception {
        byte[] bytes = FRAME.getBytes(StandardCharsets.UTF_8);
        for (Message message : List.of(
                TextMessage.create(FRAME),
                BinaryMessage.create(ByteString.fromArray(bytes)),
                TextMessage.create(Source.from(List.of(FRAME.substring(0, 5), FRAME.substring(5)))))) {
            ShardGraph.Frame frame = collect(message, 16);
            assertThat(frame.truncated()).isTrue();
            assertThat(frame.fullLength()).isEqualTo(bytes.length);
            assertThat(frame.bytes()).isEqualTo(java.util.Arrays.copyOf(bytes, 16));
        }
    }

    private static ShardGraph.Frame collect(Message message, int cap) throws Exception {
        List<ShardGraph.Frame> frames = Source.single(message)
                .via(new FrameCollector(cap))
                .runWith(Sink.seq(), TESTKIT.system())
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(frames).hasSize(1);
        return frames.get(0);
    }
}
