package io.ssmd.core.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** {@code ssmd.shard.websocket-client}: ssmd's client by default, pekko-http on request, anything else an error. */
class WebSocketClientChoiceTest {

    @Test
    void theDefaultIsSsmdsClientAndPekkoHttpCanBeChosen() {
        assertThat(WebSocketClientChoice.read(ConfigFactory.load())).isEqualTo(WebSocketClientChoice.Client.SSMD);
        assertThat(WebSocketClientChoice.read(ConfigFactory.parseString(WebSocketClientChoice.KEY + " = pekko-http")
                        .withFallback(ConfigFactory.load())))
                .isEqualTo(WebSocketClientChoice.Client.PEKKO_HTTP);
    }

    @Test
    void anUnknownClientNamesTheKeyAndTheClosestValue() {
        assertThatThrownBy(() -> WebSocketClientChoice.Client.parse("pekko_http"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("ssmd.shard.websocket-client")
                .hasMessageContaining("expected ssmd or pekko-http, got 'pekko_http'")
                .hasMessageContaining("did you mean pekko-http?");
        assertThatThrownBy(() -> WebSocketClientChoice.Client.parse("netty"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageNotContaining("did you mean");
    }
}
