package io.ssmd.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pekko Management's liveness check {@code ssmd-node} (configured in ssmd-pekko.conf): alive while starting and serving;
 * not once the start failed or the NATS connection closed for good (jnats reconnects forever, so only a shutdown or a
 * fatal error closes it). A node that is merely degraded stays alive: restarting it would not help.
 */
public final class NodeAliveCheck implements Supplier<CompletionStage<Boolean>> {

    private static final Logger log = LoggerFactory.getLogger(NodeAliveCheck.class);

    private final NodeReadiness readiness;

    public NodeAliveCheck(ActorSystem system) {
        this.readiness = NodeReadiness.get(system);
    }

    @Override
    public CompletionStage<Boolean> get() {
        return CompletableFuture.completedFuture(readiness
                .notAlive()
                .map(reason -> {
                    log.warn("not alive (/alive fails): {}", reason);
                    return false;
                })
                .orElse(true));
    }
}
