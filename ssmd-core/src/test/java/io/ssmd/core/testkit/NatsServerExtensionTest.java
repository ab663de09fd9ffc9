package io.ssmd.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NatsServerExtensionTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @Test
    void restartKeepsThePortAndTheStoredMessages() throws Exception {
        String stream = NatsServerExtension.freshName("RESTART");
        String subject = stream.toLowerCase() + ".data";
        Connection connection = NATS.connect();
        connection
                .jetStreamManagement()
                .addStream(StreamConfiguration.builder()
                        .name(stream)
                        .subjects(subject)
                        .storageType(StorageType.File)
                        .build());
        JetStream js = connection.jetStream();
        for (int i = 0; i < 3; i++) {
            js.publish(subject, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        int port = NATS.port();

        NATS.restart();

        assertThat(NATS.port()).isEqualTo(port);
        await().atMost(Duration.ofSeconds(30)).until(() -> connection.getStatus() == Connection.Status.CONNECTED);
        List<MessageInfo> stored = StreamContents.readAll(connection, stream);
        assertThat(stored)
                .extracting(m -> new String(m.getData(), StandardCharsets.UTF_8))
                .containsExactly("m0", "m1", "m2");
    }

    @Test
    void aStoppedServerIsRunningAgainForTheNextTest() {
        NATS.stop();
        assertThat(NATS.server().isRunning()).isFalse();
        NATS.start();
        assertThat(NATS.server().isRunning()).isTrue();
    }
}
