package io.ssmd.feeds.shard;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.shard.ConnectTarget;
import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.FrameDecoder;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.replay.Faults;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decoder's replies to the venue (a resubscribe after a broken book) must reach it: one that cannot be queued for the
 * socket reconnects the shard, whose new connection subscribes everything anew, rather than being dropped.
 */
class VenueRepliesTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("replay-servers");

    /** Far more than the outbound queue holds (1,024), offered at once: the socket cannot take them as fast. */
    private static final int REPLIES = 20_000;

    @TempDir
    Path dir;

    private ReplayedFeed feed;

    @AfterEach
    void stop() {
        feed.close();
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    @Test
    void aReplyThatCannotBeQueuedReconnectsTheShard() {
        feed = ReplayedFeed.start(
                SERVERS.system(),
                NATS.connect(),
                dir,
                "kraken",
                50,
                11,
                List.of("BTC/USD"),
                Map.of("min-backoff: 1s", "min-backoff: 100ms"),
                ReplyingConnector::new);
        ShardRig rig = feed.rig();
        Faults faults = feed.faults();
        rig.startShards(0.8);
        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.CONNECTED, "kraken-0").size() == 1);

        faults.oversizedBytes(200);
        faults.oversized().add(1);

        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.CONNECTED, "kraken-0").size() == 2);
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-0"))
                .singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("could not send the decoder's reply"));
        int before = rig.published(s -> s.endsWith(".BTC-USD")).size();
        await().atMost(WAIT)
                .until(() -> rig.published(s -> s.endsWith(".BTC-USD")).size() > before + 5);
    }

    /** {@link WholeFrameConnector}, whose decoder answers a fault frame with a flood of replies (pings). */
    private static final class ReplyingConnector implements VenueConnector {
        private final WholeFrameConnector whole;

        ReplyingConnector(EnabledFeed feed) {
            this.whole = new WholeFrameConnector(feed);
        }

        @Override
        public String venue() {
            return whole.venue();
        }

        @Override
        public ConnectTarget target() {
            return whole.target();
        }

        @Override
        public List<String> subscribe(List<String> instruments) {
            return whole.subscribe(instruments);
        }

        @Override
        public Optional<String> keepalive() {
            return whole.keepalive();
        }

        @Override
        public FrameDecoder decoder(ShardContext shard) {
            FrameDecoder decoder = whole.decoder(shard);
            return frame -> {
                Decoded decoded = decoder.decode(frame);
                if (new String(frame, 0, Math.min(frame.length, 20), StandardCharsets.UTF_8).contains("ssmd_fault")) {
                    return decoded.withReplies(Collections.nCopies(REPLIES, "{\"method\":\"ping\"}"));
                }
                return decoded;
            };
        }
    }
}
