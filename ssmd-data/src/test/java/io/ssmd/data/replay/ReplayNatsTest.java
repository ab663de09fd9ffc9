package io.ssmd.data.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.StreamContents;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code ssmd data replay --nats}: an archive made by the real archiver, republished into a real nats-server. */
class ReplayNatsTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit KIT = ActorTestKit.create();

    @TempDir
    Path dir;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    private static ReplayResult replay(
            Connection nats, ReplayArchiveFixture archive, String env, String runId, ReplayFilter filter)
            throws Exception {
        ReplaySettings settings = ReplaySettings.create(ConfigFactory.load());
        ReplayRun run = new ReplayRun(
                new ReplayPacer(Double.POSITIVE_INFINITY, ReplayClock.SYSTEM), ReplayClock.SYSTEM, Optional.empty());
        try (NatsReplayTarget target =
                        NatsReplayTarget.start(KIT.system(), nats, env, ReplayArchiveFixture.FEED, runId, settings);
                ReplayMessages messages = ReplayMessages.open(archive.selection(), filter)) {
            return run.run(messages, target);
        }
    }

    @ParameterizedTest
    @EnumSource(StorageSettings.Format.class)
    void republishesEveryArchivedMessageByteForByteInOrderWithItsHeadersAndASecondRunIsStoredAgain(
            StorageSettings.Format format) throws Exception {
        Connection nats = NATS.connect();
        ReplayArchiveFixture archive = ReplayArchiveFixture.archive(KIT.system(), nats, dir, format);
        List<ReplayArchiveFixture.Published> published = archive.published;

        // A server per class: each format replays under an environment of its own.
        String env = "replay" + format.id();
        ReplayResult first = replay(nats, archive, env, "run1", ReplayFilter.ALL);

        assertThat(first.sent()).isEqualTo(published.size());
        assertThat(first.delivery()).contains(published.size() + " stored", "0 failed");
        String stream = Subjects.streamName(env, ReplayArchiveFixture.FEED);
        List<MessageInfo> stored = StreamContents.readAll(nats, stream);
        assertThat(stored).hasSize(published.size());
        for (int i = 0; i < published.size(); i++) {
            ReplayArchiveFixture.Published original = published.get(i);
            MessageInfo m = stored.get(i);
            assertThat(m.getSubject())
                    .as("subject %d", i)
                    .isEqualTo(env + original.subject().substring(4));
            assertThat(m.getData()).as("frame %d (%s)", i, original.subject()).isEqualTo(original.data());
            assertThat(m.getHeaders().getFirst(PublishHeaders.MSG_ID)).isEqualTo("run1:" + original.id());
            assertThat(m.getHeaders().getFirst(NatsReplayTarget.ORIGINAL_MSG_ID))
                    .isEqualTo(original.id());
            assertThat(m.getHeaders().getFirst(NatsReplayTarget.ORIGINAL_SUBJECT))
                    .isEqualTo(original.subject());
            assertThat(m.getHeaders().getFirst(PublishHeaders.RECEIVED_AT)).isEqualTo(Long.toString(original.ts()));
            assertThat(m.getHeaders().getFirst(PublishHeaders.SHARD)).isEqualTo(ReplayArchiveFixture.SHARD);
            assertThat(Long.parseLong(m.getHeaders().getFirst(NatsReplayTarget.REPLAYED_AT)))
                    .isGreaterThan(original.ts());
        }

        ReplayResult second = replay(nats, archive, env, "run2", ReplayFilter.ALL);

        assertThat(second.delivery()).contains(published.size() + " stored", "0 duplicates");
        List<MessageInfo> both = StreamContents.readAll(nats, stream);
        assertThat(both).hasSize(2 * published.size());
        assertThat(both.get(published.size()).getHeaders().getFirst(PublishHeaders.MSG_ID))
                .isEqualTo("run2:" + published.get(0).id());
        assertThat(both.get(published.size()).getData())
                .isEqualTo(published.get(0).data());
    }

    @ParameterizedTest
    @EnumSource(value = StorageSettings.Format.class, names = "ZSTD")
    void symbolsTypesAndTheWindowChooseWhatIsSent(StorageSettings.Format format) throws Exception {
        Connection nats = NATS.connect();
        ReplayArchiveFixture archive = ReplayArchiveFixture.archive(KIT.system(), nats, dir, format);
        long from = ReplayArchiveFixture.DAY0 + 30_000_000L;
        long to = ReplayArchiveFixture.DAY0 + 90_000_000L;
        ReplayFilter filter = new ReplayFilter(
                Optional.of(from),
                Optional.of(to),
                ReplayFilter.tokensOf(List.of("BTC/USD", "MATIC-USD")),
                Set.of("trade"),
                false);

        ReplayResult result = replay(nats, archive, "filtered", "f", filter);

        List<ReplayArchiveFixture.Published> expected = archive.published.stream()
                .filter(p -> p.ts() >= from && p.ts() < to && p.subject().contains(".json.trade."))
                .toList();
        assertThat(expected).hasSize(61).anyMatch(p -> p.subject().endsWith("MATIC-USD"));
        assertThat(result.sent()).isEqualTo(expected.size());
        List<MessageInfo> stored = StreamContents.readAll(nats, Subjects.streamName("filtered", "kraken"));
        assertThat(stored)
                .extracting(m -> m.getHeaders().getFirst(NatsReplayTarget.ORIGINAL_MSG_ID))
                .containsExactlyElementsOf(expected.stream()
                        .map(ReplayArchiveFixture.Published::id)
                        .toList());
    }
}
