package io.ssmd.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.http.HealthCheck;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class NodeReadinessTest {

    private static Optional<String> notReady(NodeReadiness readiness) {
        return readiness.notReady().toCompletableFuture().join();
    }

    @Test
    void notReadyWhileStartingThenReadyWhileEveryServingCheckPasses() {
        NodeReadiness readiness = new NodeReadiness();
        readiness.starting("starting the archivers");
        assertThat(notReady(readiness)).contains("starting: starting the archivers");

        AtomicBoolean connected = new AtomicBoolean(false);
        readiness.serving(List.of(HealthCheck.of(
                "nats",
                () -> CompletableFuture.completedFuture(
                        connected.get()
                                ? HealthCheck.Result.ok("connected")
                                : HealthCheck.Result.failed("reconnecting to nats://127.0.0.1:4222")))));
        assertThat(notReady(readiness)).contains("nats: reconnecting to nats://127.0.0.1:4222");
        connected.set(true);
        assertThat(notReady(readiness)).isEmpty();
        assertThat(readiness.notAlive()).isEmpty();

        readiness.stopping();
        assertThat(notReady(readiness)).contains("shutting down");
    }

    @Test
    void aFailedStartOrAClosedNatsConnectionIsNeitherAliveNorReady() {
        NodeReadiness failed = new NodeReadiness();
        failed.failed("HTTP on 127.0.0.1:8080 failed: address in use");
        assertThat(failed.notAlive()).contains("start failed: HTTP on 127.0.0.1:8080 failed: address in use");
        assertThat(notReady(failed)).isEqualTo(failed.notAlive());

        NodeReadiness closed = new NodeReadiness();
        closed.serving(List.of());
        AtomicBoolean open = new AtomicBoolean(true);
        closed.deadWhen(() -> open.get() ? Optional.empty() : Optional.of("the NATS connection is closed"));
        assertThat(closed.notAlive()).isEmpty();
        open.set(false);
        assertThat(closed.notAlive()).contains("the NATS connection is closed");
        assertThat(notReady(closed)).contains("the NATS connection is closed");
    }
}
