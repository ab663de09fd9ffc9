package io.ssmd.core.shard;

import io.ssmd.core.nats.EpochMicros;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * A WebSocket message's bytes as one {@link ShardGraph.Frame}, whether it arrived whole or streamed (DESIGN §11:
 * never handle {@code Strict} only), up to {@code cap} bytes; the rest of an oversized message is read and counted,
 * not kept.
 *
 * <p>A strict message becomes its frame inline, with no stream of its own. (With {@code flatMapConcat}, Pekko 1.2
 * materialized a source per message, strict ones included: 8 % of a Kraken shard's CPU samples.) A streamed message's
 * parts are read into this stage directly, without a fold stage and a sub-graph around them.
 *
 * <p>Only with {@code ssmd.shard.websocket-client = pekko-http}: ssmd's own client
 * ({@link io.ssmd.core.ws.WebSocketClient}) reads frames into bytes itself.
 */
final class FrameCollector extends GraphStage<FlowShape<Message, ShardGraph.Frame>> {

    private final Inlet<Message> in = Inlet.create("FrameCollector.in");
    private final Outlet<ShardGraph.Frame> out = Outlet.create("FrameCollector.out");
    private final FlowShape<Message, ShardGraph.Frame> shape = FlowShape.of(in, out);
    private final int cap;

    FrameCollector(int cap) {
        this.cap = cap;
    }

    @Override
    public FlowShape<Message, ShardGraph.Frame> shape() {
        return shape;
    }

    /** A whole message's frame: its bytes up to the cap, and its full length. */
    static ShardGraph.Frame capped(byte[] bytes, int cap, long received) {
        if (bytes.length <= cap) {
            return new ShardGraph.Frame(bytes, received, bytes.length);
        }
        byte[] kept = new byte[cap];
        System.arraycopy(bytes, 0, kept, 0, cap);
        return new ShardGraph.Frame(kept, received, bytes.length);
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
        return new GraphStageLogic(shape) {
            /** The streamed message being read, if any. */
            private boolean streaming;

            private SubSinkInlet<?> current;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        take(grab(in));
                    }

                    @Override
                    public void onUpstreamFinish() {
                        if (!streaming) {
                            completeStage();
                        }
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        pull(in);
                    }
                });
            }

            private void take(Message message) {
                long received = EpochMicros.now();
                if (message.isText()) {
                    TextMessage text = message.asTextMessage();
                    if (text.isStrict()) {
                        push(out, capped(text.getStrictText().getBytes(StandardCharsets.UTF_8), cap, received));
                    } else {
                        stream(
                                text.getStreamedText(),
                                part -> ByteString.fromString(part, StandardCharsets.UTF_8),
                                received);
                    }
                    return;
                }
                BinaryMessage binary = message.asBinaryMessage();
                if (binary.isStrict()) {
                    push(out, capped(binary.getStrictData().toArray(), cap, received));
                } else {
                    stream(binary.getStreamedData(), Function.identity(), received);
                }
            }

            private <T> void stream(Source<T, ?> parts, Function<T, ByteString> bytes, long received) {
                streaming = true;
                Collector collector = new Collector(cap);
                SubSinkInlet<T> part = new SubSinkInlet<>("FrameCollector.part");
                current = part;
                part.setHandler(new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        collector.add(bytes.apply(part.grab()));
                        part.pull();
                    }

                    @Override
                    public void onUpstreamFinish() {
                        streaming = false;
                        current = null;
                        push(out, collector.frame(received));
                        if (isClosed(in)) {
                            completeStage();
                        }
                    }

                    @Override
                    public void onUpstreamFailure(Throwable cause) {
                        failStage(cause);
                    }
                });
                parts.runWith(part.sink(), subFusingMaterializer());
                part.pull();
            }

            @Override
            public void postStop() {
                // The connection ended inside a streamed message: its parts are not wanted any more.
                if (current != null && !current.isClosed()) {
                    current.cancel();
                }
            }
        };
    }

    /** Accumulates a streamed message up to the cap, counting the rest. */
    private static final class Collector {
        private final int cap;
        private ByteString kept = ByteString.emptyByteString();
        private long length;

        Collector(int cap) {
            this.cap = cap;
        }

        void add(ByteString chunk) {
            length += chunk.size();
            if (kept.size() < cap) {
                kept = kept.concat(chunk.take(cap - kept.size()));
            }
        }

        ShardGraph.Frame frame(long received) {
            return new ShardGraph.Frame(kept.toArray(), received, length);
        }
    }
}
