package io.ssmd.node;

import io.ssmd.http.HealthCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Whether this node serves what its roles promise, for Pekko Management's {@code /ready} and {@code /alive} (the
 * probes of docs/deploy.md). {@link Ssmd#start} says what it is starting, then hands over the checks that must pass
 * while it serves: NATS connected and, on a gateway, books rebuilt. Until then a node is not ready: its connector side
 * has not started its shard region and feed managers, its archivers' singleton proxies are not up, its HTTP is not
 * bound. A node is not alive once its start failed or its NATS connection closed for good.
 */
public final class NodeReadiness implements Extension {

    private static final Id ID = new Id();

    private volatile String phase = "not started";
    private volatile Optional<List<HealthCheck>> serving = Optional.empty();
    private volatile Optional<String> dead = Optional.empty();
    private volatile Supplier<Optional<String>> deadWhen = Optional::empty;
    private final java.util.concurrent.atomic.AtomicReference<Optional<String>> lastReason =
            new java.util.concurrent.atomic.AtomicReference<>(Optional.of(""));

    public static NodeReadiness get(ActorSystem<?> system) {
        return ID.get(Adapter.toClassic(system));
    }

    static NodeReadiness get(org.apache.pekko.actor.ActorSystem system) {
        return ID.get(system);
    }

    /** What the node is starting now; not ready meanwhile. */
    void starting(String what) {
        phase = what;
    }

    /** Every role has started: ready while each of {@code checks} passes. */
    void serving(List<HealthCheck> checks) {
        serving = Optional.of(List.copyOf(checks));
    }

    /** Coordinated shutdown has begun: not ready, so no new client is sent here. */
    void stopping() {
        serving = Optional.empty();
        phase = "shutting down";
    }

    /** The node could not start: neither ready nor alive. */
    void failed(String why) {
        dead = Optional.of("start failed: " + why);
    }

    /** A condition after which only a restart helps (a NATS connection closed for good), checked on each probe. */
    void deadWhen(Supplier<Optional<String>> condition) {
        deadWhen = condition;
    }

    /** Why the node is not ready, or empty when it is. Never a secret: the probes need no key. */
    public CompletionStage<Optional<String>> notReady() {
        Optional<String> gone = notAlive();
        if (gone.isPresent()) {
            return CompletableFuture.completedFuture(gone);
        }
        if (serving.isEmpty()) {
            return CompletableFuture.completedFuture(
                    Optional.of(phase.equals("shutting down") ? phase : "starting: " + phase));
        }
        List<CompletableFuture<HealthCheck.Result>> results = new ArrayList<>();
        for (HealthCheck check : serving.get()) {
            results.add(check.check()
                    .thenApply(r -> r.ok() ? r : HealthCheck.Result.failed(check.name() + ": " + r.detail()))
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(v -> results.stream()
                        .map(CompletableFuture::join)
                        .filter(r -> !r.ok())
                        .map(HealthCheck.Result::detail)
                        .reduce((a, b) -> a + "; " + b));
    }

    /** Whether {@code reason} (why not ready, or empty) differs from the one the previous probe saw. */
    boolean reasonChanged(Optional<String> reason) {
        return !lastReason.getAndSet(reason).equals(reason);
    }

    /** Why the node is beyond help, or empty while it is alive (also while it starts). */
    public Optional<String> notAlive() {
        return dead.isPresent() ? dead : deadWhen.get();
    }

    private static final class Id extends AbstractExtensionId<NodeReadiness> {
        @Override
        public NodeReadiness createExtension(ExtendedActorSystem system) {
            return new NodeReadiness();
        }
    }
}
