package io.ssmd.core.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NatsServerProcessTest {

    @TempDir
    Path dir;

    @Test
    void aMissingBinarySaysHowToInstallItOrUseAnExternalServer() {
        Path nowhere = dir.resolve("bin/nats-server");
        assertThatThrownBy(() ->
                        NatsServerProcess.create(Optional.of(nowhere), dir, 0, 1024 * 1024, Duration.ofSeconds(5)))
                .isInstanceOf(NatsServerMissingException.class)
                .hasMessageContaining(nowhere.toString())
                .hasMessageContaining("apt-get install nats-server")
                .hasMessageContaining("SSMD_NATS_URL");
    }

    @Test
    void aTakenPortFallsBackToAFreeOne() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                NatsServerProcess server = NatsServerProcess.create(
                        Optional.empty(),
                        dir,
                        taken.getLocalPort(),
                        NatsServerProcess.DEFAULT_MAX_PAYLOAD,
                        Duration.ofSeconds(30))) {
            assertThat(server.port()).isNotEqualTo(taken.getLocalPort());
            server.start();
            assertThat(server.isRunning()).isTrue();
        }
    }

    @Test
    void stopEndsTheProcessAndRemovesThePidFile() {
        NatsServerProcess server = NatsServerProcess.create(dir);
        server.start();
        long pid = server.pid().orElseThrow();
        assertThat(dir.resolve("nats-server.pid")).hasContent(Long.toString(pid));

        server.stop();

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        assertThat(dir.resolve("nats-server.pid")).doesNotExist();
        assertThat(server.isStopRequested()).isTrue();
    }

    @Test
    void aServerLeftByAKilledNodeIsStoppedBeforeANewOneStarts() throws IOException {
        NatsServerProcess first = NatsServerProcess.create(dir);
        first.start();
        long orphan = first.pid().orElseThrow();
        // The node died without stopping its child: the pid file stays, the process runs on.
        assertThat(dir.resolve("nats-server.pid")).exists();

        try (NatsServerProcess second = NatsServerProcess.create(dir)) {
            second.start();
            assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse();
            assertThat(second.pid()).isPresent().isNotEqualTo(Optional.of(orphan));
            assertThat(Files.readString(dir.resolve("nats-server.pid")))
                    .isEqualTo(second.pid().orElseThrow().toString());
        }
    }
}
