package io.ssmd.core.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ServerInfo;
import io.ssmd.core.Secrets;
import io.ssmd.core.settings.NatsAuth;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the NATS connections ssmd uses. A connection reconnects forever: a market-data node that gives up on its bus
 * would stop capturing for good, while waiting only makes it lag (the publisher backpressures the venue sockets and
 * control events queue up). Every state change and every error the client reports is logged, with any credentials
 * in the server URL hidden ({@link Secrets#redactUrl}).
 */
public final class NatsConnections {

    /** Wait between reconnect attempts unless told otherwise. */
    public static final Duration DEFAULT_RECONNECT_WAIT = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(NatsConnections.class);

    private NatsConnections() {}

    /** Connects to {@code url} as {@code name}, reconnecting forever every {@link #DEFAULT_RECONNECT_WAIT}. */
    public static Connection connect(String url, String name) throws IOException, InterruptedException {
        return connect(url, name, DEFAULT_RECONNECT_WAIT);
    }

    /**
     * Connects to {@code url} as {@code name}, reconnecting forever every {@code reconnectWait}.
     *
     * @throws IOException when the first connection cannot be made (only later losses are retried)
     */
    public static Connection connect(String url, String name, Duration reconnectWait)
            throws IOException, InterruptedException {
        return Nats.connect(options(url, name, reconnectWait).build());
    }

    /**
     * Connects to {@code url} as {@code name} with {@code auth}, reconnecting forever every {@link
     * #DEFAULT_RECONNECT_WAIT}.
     *
     * @throws IOException when the first connection cannot be made; its message never holds a credential
     */
    public static Connection connect(String url, NatsAuth auth, String name) throws IOException, InterruptedException {
        return Nats.connect(options(url, auth, name, DEFAULT_RECONNECT_WAIT).build());
    }

    /** The options {@link #connect} uses, for callers that add their own settings before connecting. */
    public static Options.Builder options(String url, String name, Duration reconnectWait) {
        return options(url, NatsAuth.None.INSTANCE, name, reconnectWait);
    }

    /** The options {@link #connect} uses, authenticating with {@code auth}. */
    public static Options.Builder options(String url, NatsAuth auth, String name, Duration reconnectWait) {
        Options.Builder builder = new Options.Builder()
                .server(url)
                .connectionName(name)
                .maxReconnects(-1)
                .reconnectWait(reconnectWait)
                // While NATS is away a publish is refused at once, never held by the client and sent on reconnect:
                // a held message could be stored after the publisher had given it up, and its publish_failed gap
                // would then count a message the stream holds. The publisher retries (Publisher), the control
                // publisher queues, the consumers recreate themselves.
                .reconnectBufferSize(0)
                .connectionListener(new LoggingConnectionListener(name))
                .errorListener(new LoggingErrorListener(name));
        if (auth instanceof NatsAuth.Token token) {
            builder.token(token.token());
        } else if (auth instanceof NatsAuth.UserPassword up) {
            builder.userInfo(up.user().toCharArray(), up.password());
        } else if (auth instanceof NatsAuth.NKeySeed seed) {
            // No JWT: the server knows the user by the seed's public key alone.
            builder.authHandler(Nats.staticCredentials(null, seed.seed()));
        } else if (auth instanceof NatsAuth.CredsFile creds) {
            builder.authHandler(Nats.credentials(creds.file().toString()));
        }
        return builder;
    }

    /**
     * The largest message the connected server accepts ({@code max_payload} from its INFO); a venue whose frames may be
     * larger cannot be captured through it.
     */
    public static long maxPayload(Connection connection) {
        ServerInfo info = connection.getServerInfo();
        if (info == null) {
            throw new IllegalStateException("the NATS connection has not received the server's INFO yet");
        }
        return info.getMaxPayload();
    }

    /** Logs each change of state once: the client reports DISCONNECTED again after every failed reconnect attempt. */
    private static final class LoggingConnectionListener implements ConnectionListener {
        private final String name;
        private final AtomicBoolean down = new AtomicBoolean();

        LoggingConnectionListener(String name) {
            this.name = name;
        }

        @Override
        public void connectionEvent(Connection connection, Events event) {
            switch (event) {
                case DISCONNECTED -> {
                    if (down.compareAndSet(false, true)) {
                        log.warn("NATS connection '{}' lost, reconnecting", name);
                    }
                }
                case CONNECTED, RECONNECTED -> {
                    down.set(false);
                    log.info(
                            "NATS connection '{}' {} ({})",
                            name,
                            event.getEvent(),
                            Secrets.redactUrl(connection.getConnectedUrl()));
                }
                // CLOSED only follows close(): a deliberate end, not a fault.
                case CLOSED -> log.info("NATS connection '{}' {}", name, event.getEvent());
                case LAME_DUCK -> log.warn("NATS connection '{}' {}", name, event.getEvent());
                default -> log.debug("NATS connection '{}' {}", name, event.getEvent());
            }
        }
    }

    private record LoggingErrorListener(String name) implements ErrorListener {
        @Override
        public void errorOccurred(Connection connection, String error) {
            log.warn("NATS connection '{}': server error: {}", name, Secrets.redactUrl(error));
        }

        @Override
        public void exceptionOccurred(Connection connection, Exception exception) {
            // While reconnecting every refused attempt is an exception; the lost connection was logged once already.
            if (connection.getStatus() == Connection.Status.CONNECTED) {
                log.warn("NATS connection '{}': {}", name, Secrets.redactUrl(exception.toString()));
            } else {
                log.debug("NATS connection '{}' (not connected): {}", name, Secrets.redactUrl(exception.toString()));
            }
        }

        @Override
        public void slowConsumerDetected(Connection connection, Consumer consumer) {
            log.warn("NATS connection '{}': slow consumer, messages are being dropped by the client", name);
        }
    }
}
