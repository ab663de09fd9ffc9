package io.ssmd.node;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pekko Management's readiness check {@code ssmd-roles} (configured in ssmd-pekko.conf): {@link NodeReadiness}. Pekko
 * Management answers 500 for a check that says false, and its answer carries no detail, so the reason a node is not
 * ready is logged each time it changes.
 */
public final class RolesServingCheck implements Supplier<CompletionStage<Boolean>> {

    private static final Logger log = LoggerFactory.getLogger(RolesServingCheck.class);

    private final NodeReadiness readiness;

    public RolesServingCheck(ActorSystem system) {
        this.readiness = NodeReadiness.get(system);
    }

    @Override
    public CompletionStage<Boolean> get() {
        return readiness.notReady().thenApply(reason -> {
            if (readiness.reasonChanged(reason)) {
                reason.ifPresentOrElse(
                        why -> log.info("not ready (/ready fails): {}", why),
                        () -> log.info("ready: every role of this node serves"));
            }
            return reason.isEmpty();
        });
    }
}
