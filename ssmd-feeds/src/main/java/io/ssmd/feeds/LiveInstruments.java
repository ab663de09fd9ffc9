package io.ssmd.feeds;

import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.shard.FeedManager;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What runs beside a feed's manager and changes its instruments live (Kalshi's lifecycle watcher): started once the
 * manager is, with the manager's address, and the security master it also updates when the node has one (counting
 * in the node's metrics the markets it could not store).
 */
@FunctionalInterface
public interface LiveInstruments {
    void start(
            ActorSystem<?> system,
            String env,
            Connection nats,
            ActorRef<FeedManager.Command> manager,
            Optional<SecurityMaster> secmaster,
            ConnectorMetrics metrics);

    /**
     * Started without a security master: the manager alone hears of the changes. Nothing is counted then (markets
     * dropped are the security master's producers'), so the metrics are a registry of their own.
     */
    default void start(ActorSystem<?> system, String env, Connection nats, ActorRef<FeedManager.Command> manager) {
        start(system, env, nats, manager, Optional.empty(), ConnectorMetrics.create(new PrometheusRegistry()));
    }
}
