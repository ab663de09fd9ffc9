package io.ssmd.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks that only concern one feed file. */
class FeedFileLoaderTest {

    @TempDir
    Path tempDir;

    private ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = ConfigFixture.in(tempDir);
    }

    private static List<ConfigError> errors(Path file, String name) {
        Findings findings = new Findings();
        Optional<FeedDefinition> definition = FeedFileLoader.load(file, name, findings);
        assertThat(definition).isEmpty();
        return findings.errors();
    }

    @Test
    void everyShippedFeedFileIsValid() {
        for (String name : List.of("kraken", "kraken-futures", "kalshi", "polymarket")) {
            Findings findings = new Findings();
            assertThat(FeedFileLoader.load(fixture.feedFile(name), name, findings))
                    .isPresent();
            assertThat(findings.errors()).isEmpty();
        }
    }

    @Test
    void kalshiAuthNamesVariablesNotSecrets() {
        FeedDefinition kalshi = FeedFileLoader.load(fixture.feedFile("kalshi"), "kalshi", new Findings())
                .orElseThrow();
        assertThat(kalshi.auth())
                .isEqualTo(new FeedAuth.KalshiRsaPss(
                        "KALSHI_API_KEY_ID", Optional.of("KALSHI_PRIVATE_KEY_FILE"), Optional.empty()));
    }

    @Test
    void unknownVenueListsTheVenues() {
        Path file = fixture.editFeed("kraken", "venue: kraken", "venue: binance");
        assertThat(errors(file, "kraken")).singleElement().satisfies(e -> {
            assertThat(e.keyPath()).isEqualTo("venue");
            assertThat(e.message())
                    .isEqualTo("expected one of: kalshi, kraken, kraken-futures, polymarket, got 'binance'");
        });
    }

    @Test
    void frameLimitAboveTheNatsPayloadIsRejected() {
        Path file = fixture.editFeed("kraken", "max-frame-bytes: 4MiB", "max-frame-bytes: 65MiB");
        assertThat(errors(file, "kraken"))
                .singleElement()
                .hasToString(file
                        + ": limits.max-frame-bytes: expected more than 0 and at most 64MiB (the largest max_payload a NATS"
                        + " server accepts), got 65MiB");
    }

    @Test
    void aConnectionLimitIsReadWhereTheFeedSetsOneAndMustBePositive() {
        FeedDefinition unlimited = FeedFileLoader.load(fixture.feedFile("kraken"), "kraken", new Findings())
                .orElseThrow();
        assertThat(unlimited.limits().maxConnections()).isEmpty();

        Path limited =
                fixture.editFeed("kraken", "max-frame-bytes: 4MiB", "max-frame-bytes: 4MiB\n  max-connections: 3");
        assertThat(FeedFileLoader.load(limited, "kraken", new Findings())
                        .orElseThrow()
                        .limits()
                        .maxConnections())
                .hasValue(3);

        Path none = fixture.editFeed("kraken", "max-connections: 3", "max-connections: 0");
        assertThat(errors(none, "kraken"))
                .singleElement()
                .hasToString(none + ": limits.max-connections: expected a whole number from 1 to 100000, got 0");
    }

    @Test
    void pingMustComeBeforeTheServerGivesUp() {
        Path file = fixture.editFeed("kraken-futures", "ping-interval: 15s", "ping-interval: 90s");
        assertThat(errors(file, "kraken-futures")).singleElement().satisfies(e -> {
            assertThat(e.keyPath()).isEqualTo("keepalive.ping-interval");
            assertThat(e.message()).startsWith("must be shorter than server-idle-timeout (1m)");
        });

        Path none = fixture.editFeed("kraken-futures", "ping-interval: 90s", "ping-interval: none");
        assertThat(errors(none, "kraken-futures"))
                .singleElement()
                .satisfies(e -> assertThat(e.message()).contains("the venue closes clients silent for 1m"));
    }

    @Test
    void stallWatchdogAndScheduledReconnectsAreReadAndChecked() {
        FeedDefinition polymarket = FeedFileLoader.load(fixture.feedFile("polymarket"), "polymarket", new Findings())
                .orElseThrow();
        assertThat(polymarket.dataSilenceTimeout()).contains(java.time.Duration.ofSeconds(120));
        assertThat(polymarket.scheduledReconnect()).isEmpty();

        Path shortStall = fixture.editFeed("polymarket", "data-silence-timeout: 120s", "data-silence-timeout: 30s");
        assertThat(errors(shortStall, "polymarket")).singleElement().satisfies(e -> {
            assertThat(e.keyPath()).isEqualTo("keepalive.data-silence-timeout");
            assertThat(e.message()).startsWith("(30s) must be longer than silence-timeout (30s)");
        });

        fixture.editFeed("polymarket", "data-silence-timeout: 30s", "data-silence-timeout: 120s");
        Path eager = fixture.editFeed("polymarket", "# scheduled-interval: 6h", "scheduled-interval: 5s");
        assertThat(errors(eager, "polymarket")).singleElement().satisfies(e -> {
            assertThat(e.keyPath()).isEqualTo("reconnect.scheduled-interval");
            assertThat(e.message()).startsWith("5s is too short");
        });

        Path hourly = fixture.editFeed("polymarket", "scheduled-interval: 5s", "scheduled-interval: 6h");
        FeedDefinition scheduled =
                FeedFileLoader.load(hourly, "polymarket", new Findings()).orElseThrow();
        assertThat(scheduled.scheduledReconnect()).contains(java.time.Duration.ofHours(6));
    }

    @Test
    void badUrlAndBookDepthAreReported() {
        fixture.editFeed("kraken", "wss://ws.kraken.com/v2", "https://ws.kraken.com/v2");
        Path file = fixture.editFeed("kraken", "depth: 10", "depth: 20");
        assertThat(errors(file, "kraken"))
                .extracting(ConfigError::keyPath, ConfigError::message)
                .containsExactly(
                        tuple(
                                "endpoints.websocket",
                                "expected an absolute wss or ws URL, got 'https://ws.kraken.com/v2'"),
                        tuple(
                                "book.depth",
                                "20 is not accepted by the venue; expected one of: [10, 25, 100, 500, 1000]"));
    }

    @Test
    void kalshiWithoutAuthAndSigningOnAnotherVenueAreErrors() {
        Path kalshi = fixture.feed("kalshi", """
                name: kalshi
                venue: kalshi
                endpoints: {websocket: wss://api.elections.kalshi.com/trade-api/ws/v2}
                channels: [ticker]
                limits: {max-instruments-per-connection: 10, max-frame-bytes: 1MiB}
                keepalive: {ping-interval: 15s, silence-timeout: 45s}
                """);
        assertThat(errors(kalshi, "kalshi")).singleElement().satisfies(e -> {
            assertThat(e.keyPath()).isEqualTo("auth");
            assertThat(e.message()).startsWith("Kalshi requires authentication on every channel");
        });

        Path kraken = fixture.editFeed(
                "kraken",
                "auth: none",
                "auth: {type: kalshi-rsa-pss, key-id-env: KEY, private-key-file: k.pem, private-key-file-env: F}");
        assertThat(errors(kraken, "kraken")).extracting(ConfigError::keyPath).containsExactly("auth.type", "auth");
    }

    @Test
    void secretsInPlaceOfVariableNamesAreRejected() {
        Path file = fixture.editFeed("kalshi", "key-id-env: KALSHI_API_KEY_ID", "key-id-env: 3f2a-91bc-secret");
        assertThat(errors(file, "kalshi")).singleElement().satisfies(e -> {
            assertThat(e.keyPath()).isEqualTo("auth.key-id-env");
            assertThat(e.message()).contains("never the secret itself").doesNotContain("3f2a-91bc-secret");
        });
    }

    @Test
    void missingRequiredSectionsAreEachReported() {
        Path file = fixture.feed("kraken", """
                name: kraken
                venue: kraken
                """);
        assertThat(errors(file, "kraken"))
                .extracting(ConfigError::keyPath)
                .containsExactly("endpoints", "channels", "limits", "keepalive");
    }

    @Test
    void livenessIsOnForKrakenBooksAndTickersAndOffWhereAQuietMarketIsNormal() {
        FeedDefinition kraken = FeedFileLoader.load(fixture.feedFile("kraken"), "kraken", new Findings())
                .orElseThrow();
        FeedDefinition futures = FeedFileLoader.load(
                        fixture.feedFile("kraken-futures"), "kraken-futures", new Findings())
                .orElseThrow();
        assertThat(kraken.liveness().quietTimes()).containsOnlyKeys("book", "ticker");
        assertThat(kraken.liveness().resubscribeInterval()).isEqualTo(java.time.Duration.ofMinutes(15));
        assertThat(kraken.liveness().resubscribesPerMinute()).isEqualTo(10);
        assertThat(futures.liveness().quietTimes()).containsOnlyKeys("book", "ticker");
        for (String quiet : List.of("kalshi", "polymarket")) {
            FeedDefinition feed = FeedFileLoader.load(fixture.feedFile(quiet), quiet, new Findings())
                    .orElseThrow();
            assertThat(feed.liveness().on()).as(quiet).isFalse();
        }
    }

    @Test
    void aLivenessQuietTimeForAChannelTheFeedDoesNotSubscribeSuggestsTheClosest() {
        Path file = fixture.editFeed("kraken", "    book: 5m", "    bok: 5m");
        assertThat(errors(file, "kraken")).singleElement().satisfies(e -> {
            assertThat(e.keyPath()).isEqualTo("liveness.quiet-time.bok");
            assertThat(e.message()).contains("did you mean 'book'?");
        });
    }

    @Test
    void aLivenessQuietTimeOfNoneLeavesThatChannelUnwatched() {
        Path file = fixture.editFeed("kraken", "    ticker: 15m", "    ticker: none");
        FeedDefinition kraken =
                FeedFileLoader.load(file, "kraken", new Findings()).orElseThrow();
        assertThat(kraken.liveness().quietTimes()).containsOnlyKeys("book");
        Path zero = fixture.editFeed("kraken", "resubscribe-interval: 15m", "resubscribe-interval: 0s");
        assertThat(errors(zero, "kraken"))
                .singleElement()
                .satisfies(e -> assertThat(e.keyPath()).isEqualTo("liveness.resubscribe-interval"));
    }
}
