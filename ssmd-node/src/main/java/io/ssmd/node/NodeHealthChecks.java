package io.ssmd.node;

import io.nats.client.Connection;
import io.ssmd.archive.ArchiveStorage;
import io.ssmd.core.Secrets;
import io.ssmd.core.db.Database;
import io.ssmd.core.nats.NatsServerProcess;
import io.ssmd.http.HealthCheck;
import io.ssmd.http.gateway.Gateway;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/** The health checks of a node's own parts. /v1/health needs no key: nothing here may show a credential. */
final class NodeHealthChecks {

    private NodeHealthChecks() {}

    static HealthCheck nats(Connection connection) {
        return HealthCheck.of("nats", () -> {
            Connection.Status status = connection.getStatus();
            String detail = status.name().toLowerCase() + " to " + Secrets.redactUrl(connection.getConnectedUrl());
            return CompletableFuture.completedFuture(
                    status == Connection.Status.CONNECTED
                            ? HealthCheck.Result.ok(detail)
                            : HealthCheck.Result.failed(detail));
        });
    }

    /** JDBC blocks, so the probe runs on the blocking dispatcher. */
    static HealthCheck database(Database db, Executor blocking) {
        return HealthCheck.of(
                "database",
                () -> CompletableFuture.supplyAsync(
                        () -> db.isReachable(2)
                                ? HealthCheck.Result.ok("reachable: " + db.url())
                                : HealthCheck.Result.failed("unreachable: " + db.url()),
                        blocking));
    }

    static HealthCheck embeddedNats(NatsServerProcess server) {
        return HealthCheck.of(
                "embedded-nats",
                () -> CompletableFuture.completedFuture(server.pid()
                        .map(pid -> HealthCheck.Result.ok("nats-server pid " + pid + " on port " + server.port()))
                        .orElseGet(() ->
                                HealthCheck.Result.failed("nats-server is not running; see " + server.logFile()))));
    }

    /**
     * Degraded while an archiver of this node cannot write its directory (a full disk, an unwritable directory): it
     * has stopped consuming that stream, which keeps the messages until its limits drop them.
     */
    static HealthCheck archiveStorage(ArchiveStorage storage) {
        return HealthCheck.of("archive-storage", () -> {
            Map<String, String> failing = storage.failing();
            if (failing.isEmpty()) {
                return CompletableFuture.completedFuture(HealthCheck.Result.ok(
                        storage.streams() + " archived streams on this node can write their directories"));
            }
            String detail = failing.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue())
                    .collect(Collectors.joining("; "));
            return CompletableFuture.completedFuture(HealthCheck.Result.failed(detail));
        });
    }

    /** Not ready while the gateway replays the streams' history: its books would be incomplete. */
    static HealthCheck gateway(Gateway gateway) {
        return HealthCheck.of(
                "gateway",
                () -> CompletableFuture.completedFuture(
                        gateway.warmedUp().isDone()
                                ? HealthCheck.Result.ok(gateway.core().clientCount() + " clients connected")
                                : HealthCheck.Result.failed("replaying the feed streams' history to rebuild books")));
    }
}
