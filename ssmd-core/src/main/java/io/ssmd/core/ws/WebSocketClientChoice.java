package io.ssmd.core.ws;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ssmd.core.config.ClosestKey;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Which WebSocket client a node's shards connect with, {@code ssmd.shard.websocket-client}: read once per actor
 * system (an extension, so that {@code ShardGraph.run}'s signature stays as it is) and checked when the node's shard
 * host starts, so a bad value stops the node before any shard connects.
 */
public final class WebSocketClientChoice implements Extension {

    public static final String KEY = "ssmd.shard.websocket-client";

    /** The clients there are. */
    public enum Client {
        /** {@link WebSocketClient}: bytes straight from TCP/TLS, no sub-stream or String per message. */
        SSMD("ssmd"),
        /** Pekko HTTP's {@code webSocketClientFlow}, as before: kept to compare and to fall back to. */
        PEKKO_HTTP("pekko-http");

        private final String value;

        Client(String value) {
            this.value = value;
        }

        /** The value as written in configuration. */
        public String value() {
            return value;
        }

        /**
         * @throws ConfigException.BadValue naming {@link #KEY}, what is allowed and the closest value
         */
        public static Client parse(String value) {
            for (Client client : values()) {
                if (client.value.equals(value.trim())) {
                    return client;
                }
            }
            List<String> known = Arrays.stream(values()).map(Client::value).toList();
            String hint = ClosestKey.to(value.trim(), known)
                    .map(close -> "; did you mean " + close + "?")
                    .orElse("");
            throw new ConfigException.BadValue(
                    KEY, "expected " + String.join(" or ", known) + ", got '" + value + "'" + hint);
        }
    }

    private static final ExtensionId<WebSocketClientChoice> ID = new ExtensionId<>() {
        @Override
        public WebSocketClientChoice createExtension(ActorSystem<?> system) {
            return new WebSocketClientChoice(read(system.settings().config()));
        }
    };

    private final Client client;

    private WebSocketClientChoice(Client client) {
        this.client = client;
    }

    /** The system's choice, read from its configuration the first time it is asked for. */
    public static WebSocketClientChoice get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    public static Client read(Config config) {
        return Client.parse(config.getString(KEY));
    }

    public Client client() {
        return client;
    }
}
