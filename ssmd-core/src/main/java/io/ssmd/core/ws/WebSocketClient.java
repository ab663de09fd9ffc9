package io.ssmd.core.ws;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgradeResponse;
import org.apache.pekko.io.Inet;
import org.apache.pekko.io.TcpSO;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * ssmd's WebSocket client: a client WebSocket on Pekko Streams' TCP (and TLS, for {@code wss}) that hands over each
 * message as its bytes, with no {@code String} and no sub-stream per message (docs/benchmarks.md: Pekko HTTP's client
 * decodes every text frame to UTF-16 and materializes a sub-stream per message). Chosen by
 * {@code ssmd.shard.websocket-client} ({@link WebSocketClientChoice}).
 */
public final class WebSocketClient {

    /** How long a TCP connect may take, as Pekko HTTP's client {@code connecting-timeout}. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private WebSocketClient() {}

    /** Makes the application's element from a received message: once per message, nothing in between. */
    @FunctionalInterface
    public interface MessageFactory<T> {
        /**
         * @param bytes          the message's bytes, at most the cap
         * @param receivedMicros when the chunk holding its first byte was read, epoch µs
         * @param fullLength     its length on the wire; more than {@code bytes.length} when it was cut to the cap
         */
        T message(byte[] bytes, long receivedMicros, long fullLength);
    }

    /**
     * A WebSocket to {@code uri} ({@code ws} or {@code wss}, the JVM's default {@link SSLContext} with host name
     * verification) as a flow: text frames in, messages out, each cut to {@code cap} bytes with its full length kept.
     * The materialized value completes when the handshake is answered: valid, or refused with the status and the
     * start of the body.
     *
     * @param headers extra headers of the upgrade request (never logged: they may be secret)
     */
    public static <T> Flow<String, T, CompletionStage<WebSocketUpgradeResponse>> flow(
            ActorSystem<?> system, URI uri, Map<String, String> headers, int cap, MessageFactory<T> factory) {
        return flow(system, uri, headers, cap, factory, WebSocketClient::defaultTls);
    }

    /** As above, with the TLS context {@code wss} uses (tests trust their own certificate with it). */
    public static <T> Flow<String, T, CompletionStage<WebSocketUpgradeResponse>> flow(
            ActorSystem<?> system,
            URI uri,
            Map<String, String> headers,
            int cap,
            MessageFactory<T> factory,
            Supplier<SSLContext> tls) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        boolean secure = scheme.equals("wss");
        if (!secure && !scheme.equals("ws")) {
            throw new IllegalArgumentException("a WebSocket URI is ws:// or wss://, got " + uri.getScheme() + "://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the WebSocket URI has no host: " + uri.getScheme() + "://…");
        }
        String host = uri.getHost();
        int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
        // Resolved by Pekko's TCP (its DNS extension), not here: this may run on an actor's thread.
        InetSocketAddress address = InetSocketAddress.createUnresolved(host, port);
        // Subscribes are small and must not wait for Nagle's algorithm.
        List<Inet.SocketOption> options = List.of(TcpSO.tcpNoDelay(true));
        Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> connection = secure
                ? Tcp.get(system)
                        .outgoingConnectionWithTls(
                                address,
                                () -> clientEngine(tls.get(), host, port),
                                Optional.empty(),
                                options,
                                Optional.of(CONNECT_TIMEOUT),
                                Optional.empty(),
                                session -> Optional.empty(),
                                TLSClosing.eagerClose())
                : Tcp.get(system)
                        .outgoingConnection(
                                address,
                                Optional.empty(),
                                options,
                                true,
                                Optional.of(CONNECT_TIMEOUT),
                                Optional.empty());
        return BidiFlow.fromGraph(new WebSocketClientStage<>(uri, headers, cap, factory))
                .join(connection);
    }

    private static SSLEngine clientEngine(SSLContext context, String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return engine;
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }
}
