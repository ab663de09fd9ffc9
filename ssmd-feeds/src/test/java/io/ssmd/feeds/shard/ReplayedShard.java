package io.ssmd.feeds.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.shard.RenewSettings;
import io.ssmd.core.shard.ShardRuntime;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.VenueServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * One shard of a feed against the venue's replay server and a real nats-server, told to renew its connection (DESIGN
 * §17) and read back by connection epoch: the rig of the venues' renewal tests and of the epoch tests. The shard runs
 * in a {@link ShardRig}; backoffs are short (100 ms to 1 s) so reconnects do not slow a test.
 */
public final class ReplayedShard implements AutoCloseable {

    private final ShardRig rig;
    private final String shard;
    /** The replay server and its binding; null around a rig whose venue the test runs itself. */
    private final ReplayServer server;

    private final ServerBinding binding;

    private ReplayedShard(ShardRig rig, String shard, ReplayServer server, ServerBinding binding) {
        this.rig = rig;
        this.shard = shard;
        this.server = server;
        this.binding = binding;
    }

    /**
     * A replay server of {@code settings} (its venue, rate and seed) in {@code servers}, and a shard rig on
     * {@code nats} for the feed's {@code instruments} (as the environment file lists them), connecting with
     * {@code connector} and renewing as {@code renew} says. Its shard, {@code {venue}-0}, starts with
     * {@link #startShard()}: a test may publish to the feed's stream before.
     */
    public static ReplayedShard start(
            ActorSystem<?> servers,
            Connection nats,
            Path dir,
            ReplaySettings settings,
            List<String> instruments,
            Function<EnabledFeed, VenueConnector> connector,
            RenewSettings renew) {
        VenueServer venue = Venues.byId(settings.venue()).replayServer(settings);
        ReplayServer server = ReplayServer.create(servers, venue, settings, new Faults());
        ServerBinding binding = server.bind().toCompletableFuture().join();
        ShardRig rig = at(
                        nats,
                        dir,
                        settings.venue(),
                        "ws://127.0.0.1:" + binding.localAddress().getPort() + venue.websocketPath(),
                        instruments,
                        connector,
                        renew)
                .rig;
        return new ReplayedShard(rig, settings.venue() + "-0", server, binding);
    }

    /** As {@link #start}, against {@code websocket} rather than a replay server (one where nothing listens, say). */
    public static ReplayedShard at(
            Connection nats,
            Path dir,
            String venue,
            String websocket,
            List<String> instruments,
            Function<EnabledFeed, VenueConnector> connector,
            RenewSettings renew) {
        Environment environment = TestFeeds.environment(
                dir,
                NatsServerExtension.freshName("r").toLowerCase(),
                venue,
                websocket,
                instruments,
                Map.of("min-backoff: 1s", "min-backoff: 100ms", "max-backoff: 60s", "max-backoff: 1s"));
        return new ReplayedShard(
                ShardRig.start(nats, environment, connector, ShardRuntime.DEFAULT_BOOK_SNAPSHOT_INTERVAL, renew),
                venue + "-0",
                null,
                null);
    }

    /** Around a rig whose venue and shards the test started itself (Kalshi's signed handshakes). */
    public static ReplayedShard around(ShardRig rig, String shard) {
        return new ReplayedShard(rig, shard, null, null);
    }

    /** Starts the feed's shards, as its feed manager would: one, this rig's. */
    public ReplayedShard startShard() {
        assertThat(rig.startShards(1.0)).hasSize(1);
        return this;
    }

    /** Asks the shard to renew its connection; its answer within {@code within}. */
    public FeedShard.Renewed renew(Duration within) {
        return renew(shard, within);
    }

    /** Asks {@code other} (a companion of the rig's feed) to renew its connection; its answer within {@code within}. */
    public FeedShard.Renewed renew(String other, Duration within) {
        TestProbe<FeedShard.Renewed> probe = TestProbe.create(rig.system());
        FeedShard.ref(rig.system(), other).tell(new FeedShard.Renew(probe.ref()));
        return probe.expectMessageClass(FeedShard.Renewed.class, within);
    }

    /**
     * Publishes {@code event} on its shard's control subject as the control-event publisher of another node (one lost
     * or left since) sent it: what the stream holds before this shard's new instance starts.
     */
    public void publishAsOldNode(ControlEvent event) throws Exception {
        Headers headers = new Headers()
                .put(PublishHeaders.MSG_ID, "control:" + event.shard() + ":" + event.epoch() + ":" + event.event())
                .put(PublishHeaders.RECEIVED_AT, Long.toString(event.ts()))
                .put(PublishHeaders.SHARD, event.shard());
        rig.nats()
                .jetStream()
                .publish(
                        Subjects.control(rig.env(), event.feed(), event.event(), event.shard()),
                        headers,
                        event.toJson());
    }

    /**
     * An old connection of epoch {@code epoch} in the stream, as its node left it: its {@code connected}, and a second
     * later its {@code disconnected} with {@code reason}.
     */
    public void oldConnectionEnded(long epoch, List<String> instruments, String reason) throws Exception {
        String feed = shard.substring(0, shard.lastIndexOf('-'));
        publishAsOldNode(ControlEvent.connected(feed, shard, epoch, epoch, instruments, null, "1.0.0"));
        publishAsOldNode(
                ControlEvent.of(ControlEvent.DISCONNECTED, feed, shard, epoch, epoch + 1_000_000, reason, instruments));
    }

    /** Every market-data, system and unparsed message the tap saw, each publish attempt. */
    public List<ShardRig.Published> market() {
        return rig.published(s -> s.contains(".json."));
    }

    /** The messages of {@code epoch}, each once. */
    public int countOfEpoch(long epoch) {
        return (int) once(market()).stream().filter(p -> epochOf(p) == epoch).count();
    }

    public ShardRig rig() {
        return rig;
    }

    public String shard() {
        return shard;
    }

    /** The replay server (its faults, its refused connections). */
    public ReplayServer server() {
        return server;
    }

    /** Each message once, as the stream stores it: the tap sees every publish attempt, a retry under the same id. */
    public static List<ShardRig.Published> once(List<ShardRig.Published> published) {
        Set<String> seen = new HashSet<>();
        List<ShardRig.Published> kept = new ArrayList<>();
        for (ShardRig.Published p : published) {
            if (seen.add(msgId(p))) {
                kept.add(p);
            }
        }
        return kept;
    }

    /** Messages by the epoch of their id, in the order seen. */
    public static Map<Long, List<ShardRig.Published>> byEpoch(List<ShardRig.Published> published) {
        Map<Long, List<ShardRig.Published>> by = new LinkedHashMap<>();
        published.forEach(
                p -> by.computeIfAbsent(epochOf(p), e -> new ArrayList<>()).add(p));
        return by;
    }

    public static String msgId(ShardRig.Published p) {
        return p.headers().getFirst(PublishHeaders.MSG_ID);
    }

    /** {@code {shard}:{epoch}:{frame}:{element}}. */
    public static long epochOf(ShardRig.Published p) {
        return Long.parseLong(msgId(p).split(":")[1]);
    }

    public static long receivedAt(ShardRig.Published p) {
        return Long.parseLong(p.headers().getFirst(PublishHeaders.RECEIVED_AT));
    }

    /**
     * Stops the rig, deletes the streams (each case's stream reserves its max-bytes on the class's one nats-server:
     * freed for the next case) and the replay server's binding.
     */
    @Override
    public void close() throws Exception {
        rig.close();
        var streams = rig.nats().jetStreamManagement();
        for (String stream : streams.getStreamNames()) {
            streams.deleteStream(stream);
        }
        if (binding != null) {
            binding.unbind().toCompletableFuture().join();
        }
    }
}
