package io.ssmd.feeds;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.settings.SecmasterSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class VenueRestTest {

    @Test
    void aRefusedConnectionIsReportedAsSuchNotAsNull() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        VenueRest rest = new VenueRest(
                HttpClient.newHttpClient(),
                SecmasterSettings.defaults().withRetry(2, Duration.ofMillis(1), Duration.ZERO),
                d -> {},
                RandomGenerator.getDefault());

        assertThatThrownBy(() -> rest.get(URI.create("http://127.0.0.1:" + port + "/markets")))
                .isInstanceOf(VenueRest.RestException.class)
                .hasMessageStartingWith("GET http://127.0.0.1:" + port + "/markets failed 2 times: ")
                .hasMessageNotContaining("null")
                .hasMessageContaining("Connect");
    }
}
