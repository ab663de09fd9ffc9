package io.ssmd.feeds.shard;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.replay.Faults;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard against a NATS server whose {@code max_payload} is far below the feed's {@code limits.max-frame-bytes}
 * (DESIGN §4): a frame that fits with ssmd's headers is published whole, one that does not (just under
 * {@code max_payload}, or over it) goes to the unparsed subject truncated, with its full size in a header; nothing
 * fails and the connection goes on.
 */
class PublishLimitsTest {

    private static final int MAX_PAYLOAD = 64 * 1024;

    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.withMaxPayload(MAX_PAYLOAD);

    private static final ActorTestKit SERVERS = ActorTestKit.create("replay-servers");

    @TempDir
    Path dir;

    private ReplayedFeed feed;
    private Faults faults;
    private ShardRig rig;

    @BeforeEach
    void start() {
        feed = ReplayedFeed.start(
                SERVERS.system(),
                NATS.connect(),
                dir,
                "kraken",
                50,
                7,
                List.of("BTC/USD"),
                Map.of("min-backoff: 1s", "min-backoff: 100ms"),
                WholeFrameConnector::new);
        faults = feed.faults();
        rig = feed.rig();
    }

    @AfterEach
    void stop() {
        feed.close();
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    @Test
    void aFrameThatDoesNotFitWithItsHeadersGoesToUnparsedTruncatedWithItsSize() {
        rig.startShards(0.8);
        await().atMost(WAIT).until(() -> data().size() > 5);
        int room = MAX_PAYLOAD - PublishHeaders.reserve("kraken-0");

        int fits = room - 100;
        sendFrame(fits);
        await().atMost(WAIT).until(() -> !system(fits).isEmpty());
        assertThat(system(fits).get(0).headers().getFirst(PublishHeaders.FRAME_SIZE))
                .as("a frame published whole has no size header")
                .isNull();

        int justUnder = MAX_PAYLOAD - 10;
        sendFrame(justUnder);
        await().atMost(WAIT).until(() -> unparsed().size() == 1);
        int over = MAX_PAYLOAD + 5000;
        sendFrame(over);
        await().atMost(WAIT).until(() -> unparsed().size() == 2);

        List<ShardRig.Published> unparsed = unparsed();
        assertThat(unparsed)
                .extracting(p -> PublishHeaders.frameSize(p.headers()))
                .containsExactly(OptionalLong.of(justUnder), OptionalLong.of(over));
        assertThat(unparsed).allSatisfy(p -> {
            assertThat(p.data().length).isEqualTo(room);
            assertThat(new String(p.data(), 0, 30, StandardCharsets.UTF_8)).startsWith("{\"ssmd_fault\":\"oversized\"");
        });
        assertThat(rig.counter("ssmd_connector_frames_truncated")).isEqualTo(2);

        // Nothing failed: no publish gave up, the connection never dropped, and data goes on after the big frames.
        int before = data().size();
        await().atMost(WAIT).until(() -> data().size() > before + 5);
        assertThat(rig.outcomes()).noneMatch(o -> o.status() == PublishOutcome.Status.FAILED);
        assertThat(rig.control(ControlEvent.PUBLISH_FAILED, "kraken-0")).isEmpty();
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-0")).isEmpty();
    }

    /** The replay server sends one frame of exactly {@code bytes} bytes (a JSON object the connector routes as system). */
    private void sendFrame(int bytes) {
        faults.oversizedBytes(bytes);
        faults.oversized().add(1);
    }

    private List<ShardRig.Published> data() {
        return rig.published(s -> s.contains(".json.") && s.endsWith(".BTC-USD"));
    }

    private List<ShardRig.Published> system(int length) {
        return rig.published(s -> s.contains(".json.system.")).stream()
                .filter(p -> p.data().length == length)
                .toList();
    }

    private List<ShardRig.Published> unparsed() {
        return rig.published(s -> s.contains(".json.unparsed."));
    }
}
