package io.ssmd.core.shard;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A shard's connection renewal under way (DESIGN §17): the new connection, subscribed and holding its books behind its
 * {@link PublishGate} while the open one keeps publishing, and who waits for the outcome. Driven by {@link FeedShard}
 * on its own thread.
 */
final class ShardRenewal {

    /** Renewals are reported in this log's lines; one per renewal, and one per failure. */
    static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShardRenewal.class);

    /**
     * How far ahead of the decision the switch time is set: both connections' gates are set before any frame is
     * received at it, so each frame is read by exactly one of them.
     */
    static final Duration SWITCH_AHEAD = Duration.ofMillis(100);

    final ActorRef<FeedShard.Renewed> replyTo;
    final long startedNanos = System.nanoTime();
    final long oldEpoch;
    final long epoch;
    final ShardContext context;
    final ShardEvents events;
    final PublishGate gate;
    ShardGraph.Running running;
    boolean connected;

    ShardRenewal(
            ActorRef<FeedShard.Renewed> replyTo,
            long oldEpoch,
            long epoch,
            ShardContext context,
            ShardEvents events,
            PublishGate gate) {
        this.replyTo = replyTo;
        this.oldEpoch = oldEpoch;
        this.epoch = epoch;
        this.context = context;
        this.events = events;
        this.gate = gate;
    }

    Duration took() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Ends the new connection (a renewal that failed) and answers. */
    void fail(String shard, String detail) {
        LOG.warn(
                "{}: renewal failed, the connection of epoch {} keeps publishing: {} (new epoch {}, after {} ms)",
                shard,
                oldEpoch,
                detail,
                epoch,
                took().toMillis());
        if (running != null) {
            running.killSwitch().shutdown();
        }
        replyTo.tell(new FeedShard.Renewed(shard, false, oldEpoch, epoch, took(), detail));
    }

    /** Why the venue refused the new connection's handshake, with what it most likely means. */
    static String refused(String reason) {
        String detail = "the venue refused the new connection: " + reason;
        return reason.contains("429")
                ? detail + " (its connection limit, the feed's limits.max-connections: a renewal needs one connection"
                        + " more than the shards hold)"
                : detail;
    }
}
