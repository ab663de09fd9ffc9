package io.ssmd.core.ws;

import io.ssmd.core.nats.EpochMicros;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgradeResponse;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * One client WebSocket over a byte connection (TCP, or TLS over TCP): the opening handshake, then frames read straight
 * from the connection's chunks into messages of bytes ({@link WebSocketFrameReader}), and the application's text
 * frames written masked. Pings are answered with pongs and a close frame with a close frame, inside the stage:
 * the application sees messages only (as with Pekko HTTP, so liveness stays app-level traffic, DESIGN §11).
 *
 * <pre>
 *   text ──▶ [ masked text frames ] ──▶ bytes to the socket
 *   messages ◀── [ handshake, frame reader ] ◀── bytes from the socket
 * </pre>
 *
 * <p>Materializes the handshake's outcome as Pekko HTTP's {@link WebSocketUpgradeResponse}, so the shard treats both
 * clients alike. A refused handshake completes it as invalid with the status and the start of the body, and fails the
 * stream with the same reason. The venue's close with 1000 (or no code) completes the messages; any other code, a
 * connection closed without a close frame, and an invalid frame fail them with a {@link WebSocketException} that
 * says which. When the application cancels (the shard's kill switch), a close frame (1000) is sent before the
 * connection is closed.
 *
 * @param <T> the application's message: made once per message from its bytes, so no wrapper is allocated between
 */
final class WebSocketClientStage<T>
        extends AbstractGraphStageWithMaterializedValue<
                BidiShape<String, ByteString, ByteString, T>, CompletionStage<WebSocketUpgradeResponse>> {

    /** How much of a refusing response's body its reason quotes. */
    static final int BODY_START_BYTES = 200;

    private final Inlet<String> textIn = Inlet.create("WebSocketClient.textIn");
    private final Outlet<ByteString> bytesOut = Outlet.create("WebSocketClient.bytesOut");
    private final Inlet<ByteString> bytesIn = Inlet.create("WebSocketClient.bytesIn");
    private final Outlet<T> messagesOut = Outlet.create("WebSocketClient.messagesOut");
    private final BidiShape<String, ByteString, ByteString, T> shape =
            BidiShape.of(textIn, bytesOut, bytesIn, messagesOut);

    private final URI uri;
    private final Map<String, String> headers;
    private final int cap;
    private final WebSocketClient.MessageFactory<T> factory;

    WebSocketClientStage(URI uri, Map<String, String> headers, int cap, WebSocketClient.MessageFactory<T> factory) {
        this.uri = uri;
        this.headers = Map.copyOf(headers);
        this.cap = cap;
        this.factory = factory;
    }

    @Override
    public BidiShape<String, ByteString, ByteString, T> shape() {
        return shape;
    }

    @Override
    public Pair<GraphStageLogic, CompletionStage<WebSocketUpgradeResponse>> createLogicAndMaterializedValuePair(
            Attributes attributes) {
        CompletableFuture<WebSocketUpgradeResponse> upgrade = new CompletableFuture<>();
        return Pair.create(new Logic(upgrade), upgrade);
    }

    private final class Logic extends GraphStageLogic implements WebSocketFrameReader.Listener {

        private final CompletableFuture<WebSocketUpgradeResponse> upgrade;
        private final SecureRandom random = new SecureRandom();
        private final WebSocketFrameWriter writer = new WebSocketFrameWriter(random);
        private final WebSocketFrameReader reader = new WebSocketFrameReader(cap, this);
        private final String key = WebSocketHandshake.newKey(random);

        /** Frames waiting for the socket's demand: the request, pongs, the close; text goes through when empty. */
        private final ArrayDeque<ByteString> writes = new ArrayDeque<>();

        /** Messages of the last chunk waiting for the application's demand; the socket is read when empty. */
        private final ArrayDeque<T> ready = new ArrayDeque<>();

        private ByteString head = ByteString.emptyByteString();
        private boolean open;
        private WebSocketHandshake.Response refused;
        private boolean closeSent;
        private WebSocketException endWith;
        private boolean ending;
        private boolean finished;

        Logic(CompletableFuture<WebSocketUpgradeResponse> upgrade) {
            super(shape);
            this.upgrade = upgrade;
            setHandler(textIn, new AbstractInHandler() {
                @Override
                public void onPush() {
                    write(writer.text(grab(textIn)));
                }

                @Override
                public void onUpstreamFinish() {
                    // The application has nothing more to send; the venue may still have plenty to say.
                }
            });
            setHandler(bytesOut, new AbstractOutHandler() {
                @Override
                public void onPull() {
                    flush();
                }

                @Override
                public void onDownstreamFinish(Throwable cause) {
                    if (!open) {
                        failStage(cause);
                    } else {
                        cancel(textIn);
                    }
                }
            });
            setHandler(bytesIn, new AbstractInHandler() {
                @Override
                public void onPush() {
                    ByteString chunk = grab(bytesIn);
                    if (open) {
                        read(chunk);
                    } else {
                        handshake(chunk);
                    }
                }

                @Override
                public void onUpstreamFinish() {
                    socketEnded();
                }

                @Override
                public void onUpstreamFailure(Throwable cause) {
                    if (!upgrade.isDone()) {
                        upgrade.completeExceptionally(cause);
                    }
                    failStage(cause);
                }
            });
            setHandler(messagesOut, new AbstractOutHandler() {
                @Override
                public void onPull() {
                    deliver();
                }

                @Override
                public void onDownstreamFinish(Throwable cause) {
                    applicationEnded(cause);
                }
            });
        }

        @Override
        public void preStart() {
            writes.add(WebSocketHandshake.request(uri, headers, key));
            pull(bytesIn);
        }

        @Override
        public void postStop() {
            if (!upgrade.isDone()) {
                upgrade.completeExceptionally(new WebSocketException(
                        "the connection to " + where() + " ended before its WebSocket handshake"));
            }
        }

        // --- handshake

        private void handshake(ByteString chunk) {
            head = head.concat(chunk);
            if (refused != null) {
                refuseOnceBodyStarts(false);
                return;
            }
            Optional<WebSocketHandshake.Response> response;
            try {
                response = WebSocketHandshake.parse(head);
            } catch (WebSocketException e) {
                upgrade.complete(UpgradeResponse.refused(-1, "", e.getMessage(), ByteString.emptyByteString()));
                failStage(e);
                return;
            }
            if (response.isEmpty()) {
                pull(bytesIn);
                return;
            }
            Optional<String> refusal = WebSocketHandshake.refusal(response.get(), key);
            if (refusal.isPresent()) {
                refused = response.get();
                refuseOnceBodyStarts(false);
                return;
            }
            open = true;
            ByteString rest = head.drop(response.get().headLength());
            head = null;
            upgrade.complete(UpgradeResponse.accepted());
            if (isAvailable(bytesOut)) {
                flush();
            }
            if (rest.isEmpty()) {
                pull(bytesIn);
            } else {
                read(rest);
            }
        }

        /**
         * A refusal quotes the start of the body (a venue says why there): waits for it when the response says it is
         * coming, up to {@link #BODY_START_BYTES}, then fails.
         */
        private void refuseOnceBodyStarts(boolean socketClosed) {
            ByteString body = head.drop(refused.headLength());
            long wanted = Math.min(BODY_START_BYTES, refused.contentLength().orElse(0L));
            if (body.size() < wanted && !socketClosed) {
                pull(bytesIn);
                return;
            }
            ByteString start = body.take(BODY_START_BYTES);
            String reason = WebSocketHandshake.refusal(refused, key).orElseThrow();
            String quoted = start.isEmpty()
                    ? ""
                    : "; body: "
                            + WebSocketHandshake.printable(start.decodeString(StandardCharsets.UTF_8))
                            + (body.size() > BODY_START_BYTES
                                            || refused.contentLength().orElse(0L) > BODY_START_BYTES
                                    ? "…"
                                    : "");
            UpgradeResponse response =
                    UpgradeResponse.refused(refused.status(), refused.reasonPhrase(), reason + quoted, start);
            upgrade.complete(response);
            failStage(new WebSocketException("handshake refused: " + reason + quoted));
        }

        // --- reading

        private void read(ByteString chunk) {
            try {
                reader.read(chunk, EpochMicros.now());
            } catch (WebSocketException e) {
                failStage(e);
                return;
            }
            deliver();
        }

        @Override
        public void message(byte[] bytes, long fullLength, long receivedMicros) {
            ready.add(factory.message(bytes, receivedMicros, fullLength));
        }

        @Override
        public void ping(byte[] payload) {
            if (!closeSent) {
                write(writer.pong(payload));
            }
        }

        @Override
        public void close(int code, String reason) {
            if (!closeSent) {
                closeSent = true;
                write(writer.close(code == WebSocketFrameReader.NO_STATUS ? 1000 : code));
            }
            if (code != 1000 && code != WebSocketFrameReader.NO_STATUS) {
                endWith = new WebSocketException("the venue closed the WebSocket with code " + code
                        + (reason.isEmpty() ? "" : " (" + WebSocketHandshake.printable(reason) + ")"));
            }
            ending = true;
        }

        /** Passes on what is ready; when nothing is, reads the socket again, or ends the stream after a close. */
        private void deliver() {
            if (ready.isEmpty()) {
                if (ending) {
                    finish();
                } else if (open && !hasBeenPulled(bytesIn) && !isClosed(bytesIn)) {
                    pull(bytesIn);
                }
                return;
            }
            if (isAvailable(messagesOut)) {
                push(messagesOut, ready.poll());
                if (ready.isEmpty() && ending) {
                    finish();
                } else if (ready.isEmpty() && !hasBeenPulled(bytesIn) && !isClosed(bytesIn)) {
                    pull(bytesIn);
                }
            }
        }

        /** Ends the messages; the connection closes once the close frame (if one is owed) is written. */
        private void finish() {
            if (finished) {
                return;
            }
            finished = true;
            if (endWith != null) {
                fail(messagesOut, endWith);
            } else {
                complete(messagesOut);
            }
            cancel(textIn);
            if (writes.isEmpty()) {
                completeStage();
            }
        }

        private void socketEnded() {
            if (!open) {
                if (refused != null) {
                    refuseOnceBodyStarts(true);
                    return;
                }
                WebSocketException e = new WebSocketException(
                        "the connection to " + where() + " closed during the WebSocket handshake");
                upgrade.completeExceptionally(e);
                failStage(e);
                return;
            }
            if (!ending) {
                ending = true;
                endWith = reader.closed()
                        ? endWith
                        : new WebSocketException("the venue closed the connection without a WebSocket close frame");
            }
            deliver();
        }

        /** The shard's kill switch or its end: a close frame (1000) is written before the connection closes. */
        private void applicationEnded(Throwable cause) {
            cancel(textIn);
            if (open && !closeSent) {
                closeSent = true;
                write(writer.close(1000));
            }
            if (writes.isEmpty() || isClosed(bytesOut)) {
                completeStage();
            }
        }

        private String where() {
            return uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        }

        // --- writing

        private void write(ByteString frame) {
            if (isClosed(bytesOut)) {
                return;
            }
            writes.add(frame);
            if (isAvailable(bytesOut)) {
                flush();
            }
        }

        private void flush() {
            if (!writes.isEmpty()) {
                push(bytesOut, writes.poll());
                if (writes.isEmpty() && isClosed(messagesOut)) {
                    completeStage();
                }
                return;
            }
            if (open && !closeSent && !isClosed(textIn) && !hasBeenPulled(textIn)) {
                pull(textIn);
            }
        }
    }
}
