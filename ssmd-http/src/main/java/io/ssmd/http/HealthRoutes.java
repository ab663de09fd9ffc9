package io.ssmd.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /v1/health}: 200 when every check passes, 503 otherwise, with each check's detail so an operator sees
 * which part is down. A check that does not answer within the timeout counts as failed.
 */
public final class HealthRoutes extends AllDirectives {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String node;
    private final String version;
    private final Instant startedAt;
    private final List<HealthCheck> checks;
    private final Duration timeout;

    public HealthRoutes(String node, String version, Instant startedAt, List<HealthCheck> checks, Duration timeout) {
        this.node = node;
        this.version = version;
        this.startedAt = startedAt;
        this.checks = List.copyOf(checks);
        this.timeout = timeout;
    }

    public Route route() {
        return path(
                segment("v1").slash("health"),
                () -> get(() -> onSuccess(
                        this::evaluate,
                        body -> complete(
                                body.path("status").asText().equals("ok")
                                        ? StatusCodes.OK
                                        : StatusCodes.SERVICE_UNAVAILABLE,
                                JsonEntities.of(body)))));
    }

    private CompletableFuture<ObjectNode> evaluate() {
        List<CompletableFuture<HealthCheck.Result>> results = new ArrayList<>();
        for (HealthCheck check : checks) {
            results.add(check.check()
                    .toCompletableFuture()
                    .completeOnTimeout(
                            HealthCheck.Result.failed("no answer within " + timeout.toMillis() + " ms"),
                            timeout.toMillis(),
                            TimeUnit.MILLISECONDS)
                    .exceptionally(e -> HealthCheck.Result.failed(e.toString())));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    ObjectNode body = JSON.createObjectNode();
                    ObjectNode checksNode = JSON.createObjectNode();
                    boolean ok = true;
                    for (int i = 0; i < checks.size(); i++) {
                        HealthCheck.Result result = results.get(i).join();
                        ok &= result.ok();
                        checksNode
                                .putObject(checks.get(i).name())
                                .put("ok", result.ok())
                                .put("detail", result.detail());
                    }
                    body.put("status", ok ? "ok" : "degraded");
                    body.put("node", node);
                    body.put("version", version);
                    body.put("startedAt", startedAt.toString());
                    body.put(
                            "uptimeSeconds",
                            Duration.between(startedAt, Instant.now()).toSeconds());
                    body.set("checks", checksNode);
                    return body;
                });
    }
}
