package io.ssmd.feeds;

import io.nats.client.Connection;
import io.ssmd.core.shard.FeedManager;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What runs beside a feed's manager and changes its instruments live (Kalshi's lifecycle watcher): started once the
 * manager is, with the manager's address.
 */
@FunctionalInterface
public interface LiveInstruments {
    void start(ActorSystem<?> system, String env, Connection nats, ActorRef<FeedManager.Command> manager);
}
