package io.ssmd.feeds.shard;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.shard.ConnectTarget;
import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.shard.FrameDecoder;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.core.testkit.NatsServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decoder is touched by one thread at a time: instrument changes reach it through its connection's stream, between
 * two frames, never from the shard's actor while a frame is being decoded.
 */
class LiveChangeTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("live-change-replay");

    /**
     * Changes sent at once, each burst within the connection's inlet (a fuller one reconnects, which is not what this
     * test is about), and how many bursts: an odd total, so that the last change adds SOL/USD and its subscribe must
     * reach the venue.
     */
    private static final int BURST = 25;

    private static final int BURSTS = 9;

    private static final List<String> TWO = List.of("BTC/USD", "ETH/USD");
    private static final List<String> THREE = List.of("BTC/USD", "ETH/USD", "SOL/USD");

    @TempDir
    Path dir;

    private ReplayedFeed feed;

    @AfterEach
    void stop() {
        if (feed != null) {
            feed.close();
        }
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    @Test
    void decodeAndChangeNeverOverlapWhileInstrumentsChangeUnderAFastFeed() {
        Watch watch = new Watch();
        feed = ReplayedFeed.start(
                SERVERS.system(),
                NATS.connect(),
                dir,
                "kraken",
                1000,
                11,
                TWO,
                Map.of("min-backoff: 1s", "min-backoff: 100ms", "max-backoff: 60s", "max-backoff: 1s"),
                enabled -> new WatchedConnector(new WholeFrameConnector(enabled), watch));
        ShardRig rig = feed.rig();
        rig.startShards(1.0);
        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.CONNECTED, "kraken-0").size() == 1 && watch.decodes.get() > 200);

        var shard = FeedShard.ref(rig.system(), "kraken-0");
        int sent = 0;
        for (int burst = 0; burst < BURSTS; burst++) {
            for (int i = 0; i < BURST; i++, sent++) {
                shard.tell(new FeedShard.Start("kraken", 0, sent % 2 == 0 ? THREE : TWO));
            }
            long expected = sent;
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> watch.changes.get() == expected);
        }
        assertThat(watch.overlaps.get())
                .as("calls that entered the decoder while another was inside it")
                .isZero();
        // Every change was made on the open connection, and the last one's subscribe reached the venue.
        await().atMost(WAIT)
                .until(() -> !rig.published(s -> s.contains(".json.") && s.endsWith(".SOL-USD"))
                        .isEmpty());
        assertThat(rig.control(ControlEvent.CONNECTED, "kraken-0")).hasSize(1);
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-0")).isEmpty();
    }

    /** Counts the decoder's calls and every call that found another one inside. */
    private static final class Watch {
        /** How long each call stays inside: long enough that calls from two threads would meet. */
        private static final long HOLD_NANOS = 200_000;

        final AtomicInteger inside = new AtomicInteger();
        final AtomicLong decodes = new AtomicLong();
        final AtomicLong changes = new AtomicLong();
        final AtomicLong overlaps = new AtomicLong();

        void enter() {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            long until = System.nanoTime() + HOLD_NANOS;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }

        void exit() {
            inside.decrementAndGet();
        }
    }

    /** A connector that changes instruments live with the venue's subscribe, and whose decoders are watched. */
    private static final class WatchedConnector implements VenueConnector {
        private final WholeFrameConnector delegate;
        private final Watch watch;

        WatchedConnector(WholeFrameConnector delegate, Watch watch) {
            this.delegate = delegate;
            this.watch = watch;
        }

        @Override
        public String venue() {
            return delegate.venue();
        }

        @Override
        public ConnectTarget target() {
            return delegate.target();
        }

        @Override
        public List<String> subscribe(List<String> instruments) {
            return delegate.subscribe(instruments);
        }

        @Override
        public Optional<String> keepalive() {
            return delegate.keepalive();
        }

        @Override
        public List<String> addLive(List<String> instruments) {
            return delegate.subscribe(instruments);
        }

        @Override
        public boolean changesLive() {
            return true;
        }

        @Override
        public FrameDecoder decoder(ShardContext shard) {
            FrameDecoder inner = delegate.decoder(shard);
            return new FrameDecoder() {
                @Override
                public Decoded decode(byte[] frame) {
                    watch.enter();
                    try {
                        watch.decodes.incrementAndGet();
                        return inner.decode(frame);
                    } finally {
                        watch.exit();
                    }
                }

                @Override
                public Optional<List<String>> change(List<String> added, List<String> removed) {
                    watch.enter();
                    try {
                        watch.changes.incrementAndGet();
                        return Optional.empty();
                    } finally {
                        watch.exit();
                    }
                }
            };
        }
    }
}
