package io.ssmd.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.NatsServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NatsServerExtension.class)
class NatsServerExtendWithTest {

    @Test
    void theServerIsInjectedAndReportsSsmdsMaxPayload(NatsServerExtension nats) {
        Connection connection = nats.connect();

        assertThat(connection.getConnectedUrl()).endsWith(":" + nats.port());
        assertThat(NatsConnections.maxPayload(connection)).isEqualTo(NatsServerProcess.DEFAULT_MAX_PAYLOAD);
    }
}
