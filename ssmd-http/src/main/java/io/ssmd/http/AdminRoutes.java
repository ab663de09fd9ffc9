package io.ssmd.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.http.gateway.ApiKeys;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The node's admin routes, which {@code ssmd ops} reaches the cluster through (DESIGN §14, §17):
 *
 * <ul>
 *   <li>{@code GET /v1/admin/ops/status}: the daily cycle's scheduler (state, next scheduled time) and the last cycle
 *       step by step;</li>
 *   <li>{@code POST /v1/admin/ops/{start|stop|cycle}?by=USER[&mode=rolling|teardown]}: start that cycle now; 202 with
 *       its id, 409 while another runs, 400 on a bad request.</li>
 * </ul>
 *
 * <p>Only loopback callers are served (403 for any other: the address is the connection's own, from
 * {@code pekko.http.server.remote-address-attribute}, not a header), and behind the gateway's API keys when they are on
 * (401 without an accepted {@code X-API-Key}).
 */
public final class AdminRoutes extends AllDirectives {

    /** What the routes drive: the node's end of the daily cycle. */
    public interface Ops {
        /** The scheduler's state and the last cycle, as the status route answers it. */
        CompletionStage<ObjectNode> status();

        /** Starts a cycle of {@code mode} now, asked by {@code by}. */
        CompletionStage<Started> run(String mode, String by);
    }

    /** Whether a cycle started: its id, or why not ({@code conflict}: another cycle runs). */
    public record Started(boolean accepted, String cycleId, String reason, boolean conflict) {}

    /** The modes of {@code POST /v1/admin/ops/cycle?mode=}. */
    public static final List<String> CYCLE_MODES = List.of("rolling", "teardown");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Ops ops;
    private final ApiKeys keys;

    public AdminRoutes(Ops ops, ApiKeys keys) {
        this.ops = ops;
        this.keys = keys;
    }

    public Route route() {
        return pathPrefix(
                segment("v1").slash("admin"),
                () -> loopbackOnly(() -> keys.guard(() -> concat(
                        path(segment("ops").slash("status"), () -> get(this::status)),
                        path(segment("ops").slash(segment()), action -> post(() -> run(action)))))));
    }

    private Route loopbackOnly(java.util.function.Supplier<Route> inner) {
        return extractRequest(request -> {
            Optional<RemoteAddress> remote = request.getAttribute(AttributeKeys.remoteAddress);
            boolean loopback = remote.flatMap(RemoteAddress::getAddress)
                    .map(InetAddress::isLoopbackAddress)
                    .orElse(false);
            if (!loopback) {
                return complete(
                        StatusCodes.FORBIDDEN,
                        JsonEntities.error("the admin routes answer callers on this host only (loopback), not "
                                + remote.map(RemoteAddress::toString).orElse("an unknown address")
                                + "; run ssmd ops on the node's host"));
            }
            return inner.get();
        });
    }

    private Route status() {
        return onComplete(
                ops.status(),
                result -> result.isSuccess()
                        ? complete(StatusCodes.OK, JsonEntities.of(result.get()))
                        : unavailable(result.failed().get()));
    }

    /** The scheduler did not answer (its singleton is moving to another node, the database is away): try again. */
    private Route unavailable(Throwable failure) {
        return complete(
                StatusCodes.SERVICE_UNAVAILABLE,
                JsonEntities.error("the daily cycle's scheduler did not answer (" + failure.getMessage()
                        + "); it may be moving to another node: try again shortly"));
    }

    private Route run(String action) {
        return parameterOptional(
                "by",
                by -> parameterOptional("mode", mode -> {
                    Optional<String> resolved = switch (action) {
                        case "start" -> Optional.of("start");
                        case "stop" -> Optional.of("stop");
                        case "cycle" -> mode;
                        default -> Optional.empty();
                    };
                    if (!List.of("start", "stop", "cycle").contains(action)) {
                        return complete(
                                StatusCodes.NOT_FOUND,
                                JsonEntities.error("no such action '" + action + "': start, stop or cycle"));
                    }
                    if (resolved.isEmpty() || (action.equals("cycle") && !CYCLE_MODES.contains(resolved.get()))) {
                        return complete(
                                StatusCodes.BAD_REQUEST,
                                JsonEntities.error(
                                        "mode must be one of " + CYCLE_MODES + ", got '" + mode.orElse("") + "'"));
                    }
                    if (by.isEmpty() || by.get().isBlank()) {
                        return complete(
                                StatusCodes.BAD_REQUEST,
                                JsonEntities.error(
                                        "by is required: who asks for the cycle (the deployment log records it)"));
                    }
                    return onComplete(ops.run(resolved.get(), by.get()), result -> {
                        if (result.isFailure()) {
                            return unavailable(result.failed().get());
                        }
                        Started started = result.get();
                        ObjectNode body = JSON.createObjectNode();
                        if (started.accepted()) {
                            body.put("cycle", started.cycleId()).put("mode", resolved.get());
                            return complete(StatusCodes.ACCEPTED, JsonEntities.of(body));
                        }
                        return complete(
                                started.conflict() ? StatusCodes.CONFLICT : StatusCodes.BAD_REQUEST,
                                JsonEntities.error(started.reason()));
                    });
                }));
    }
}
