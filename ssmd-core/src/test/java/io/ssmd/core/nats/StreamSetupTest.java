package io.ssmd.core.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.subject.Venue;
import io.ssmd.core.testkit.NatsServerExtension;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StreamSetupTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private JetStreamManagement jsm;
    private String env;

    @BeforeEach
    void freshEnvironment() throws Exception {
        jsm = NATS.connect().jetStreamManagement();
        env = NatsServerExtension.freshName("env").toLowerCase(Locale.ROOT);
    }

    @Test
    void createsThenLeavesUnchangedThenUpdatesAChangedMaxAge() throws Exception {
        StreamSpec kraken = spec("kraken", Duration.ofHours(1));
        StreamSpec polymarket = spec("polymarket", Duration.ofHours(1));
        List<String> publishable = publishable("kraken", "polymarket");
        StreamSetup setup = new StreamSetup(jsm);

        assertThat(setup.apply(List.of(kraken, polymarket), publishable))
                .containsExactly(
                        Map.entry(kraken.name(), StreamSetup.Outcome.CREATED),
                        Map.entry(polymarket.name(), StreamSetup.Outcome.CREATED));
        assertThat(setup.apply(List.of(kraken, polymarket), publishable))
                .containsExactly(
                        Map.entry(kraken.name(), StreamSetup.Outcome.UNCHANGED),
                        Map.entry(polymarket.name(), StreamSetup.Outcome.UNCHANGED));

        StreamSpec longer = spec("kraken", Duration.ofHours(6));
        assertThat(setup.apply(List.of(longer, polymarket), publishable))
                .containsExactly(
                        Map.entry(kraken.name(), StreamSetup.Outcome.UPDATED),
                        Map.entry(polymarket.name(), StreamSetup.Outcome.UNCHANGED));

        StreamConfiguration onServer = jsm.getStreamInfo(kraken.name()).getConfiguration();
        assertThat(onServer.getMaxAge()).isEqualTo(Duration.ofHours(6));
        assertThat(onServer.getDuplicateWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(onServer.getSubjects()).containsExactly(env + ".kraken.>");
        assertThat(onServer.getStorageType()).isEqualTo(StorageType.File);
    }

    @Test
    void aSubjectCoveredByNoStreamIsRefusedAndNothingIsCreated() throws Exception {
        StreamSpec kraken = spec("kraken", Duration.ofHours(1));

        assertThatThrownBy(() -> new StreamSetup(jsm).apply(List.of(kraken), publishable("kraken", "polymarket")))
                .isInstanceOf(StreamSetupException.class)
                .hasMessageContaining("subject " + env + ".polymarket.json.*.* is covered by no stream");
        assertThat(jsm.getStreamNames()).doesNotContain(kraken.name());
    }

    @Test
    void aSubjectCoveredByTwoStreamsIsRefused() {
        StreamSpec kraken = spec("kraken", Duration.ofHours(1));
        StreamSpec overlapping = new StreamSpec(
                NatsServerExtension.freshName("OVERLAP"),
                List.of(env + ".kraken.json.>"),
                -1,
                Duration.ofHours(1),
                Duration.ofMinutes(2),
                StreamSpec.Storage.FILE,
                1);

        assertThatThrownBy(() -> new StreamSetup(jsm).apply(List.of(kraken, overlapping), publishable("kraken")))
                .isInstanceOf(StreamSetupException.class)
                .hasMessageContaining("is covered by 2 streams (" + kraken.name() + ", " + overlapping.name() + ")");
    }

    @Test
    void aStreamAlreadyOnTheServerThatOverlapsIsReported() throws Exception {
        String foreign = NatsServerExtension.freshName("LEFTOVER");
        jsm.addStream(StreamConfiguration.builder()
                .name(foreign)
                .subjects(env + ".kraken.json.trade.*")
                .storageType(StorageType.Memory)
                .build());
        StreamSpec kraken = spec("kraken", Duration.ofHours(1));

        assertThatThrownBy(() -> new StreamSetup(jsm).apply(List.of(kraken), publishable("kraken")))
                .isInstanceOf(StreamSetupException.class)
                .hasMessageContaining("covered by 2 streams")
                .hasMessageContaining(
                        "streams already on the NATS server that the environment does not name: " + foreign);
        assertThat(jsm.getStreamNames()).doesNotContain(kraken.name());
    }

    @Test
    void aLostStreamIsCreatedAgainAndAPresentOneLeftAlone() throws Exception {
        StreamSpec kraken = spec("kraken", Duration.ofHours(1));
        StreamSetup setup = new StreamSetup(jsm);
        setup.apply(List.of(kraken), publishable("kraken"));
        assertThat(setup.recreateIfMissing(kraken)).isFalse();

        jsm.deleteStream(kraken.name());
        assertThat(setup.recreateIfMissing(kraken)).isTrue();
        StreamConfiguration onServer = jsm.getStreamInfo(kraken.name()).getConfiguration();
        assertThat(onServer.getSubjects()).containsExactly(env + ".kraken.>");
        assertThat(onServer.getMaxAge()).isEqualTo(Duration.ofHours(1));
        assertThat(setup.recreateIfMissing(kraken)).isFalse();
    }

    private StreamSpec spec(String feed, Duration maxAge) {
        return new StreamSpec(
                Subjects.streamName(env, feed),
                List.of(Subjects.streamSubjects(env, feed)),
                -1,
                maxAge,
                Duration.ofMinutes(2),
                StreamSpec.Storage.FILE,
                1);
    }

    private List<String> publishable(String... feeds) {
        return Arrays.stream(feeds)
                .flatMap(feed -> Subjects.publishable(env, feed, Venue.KRAKEN).stream())
                .toList();
    }
}
