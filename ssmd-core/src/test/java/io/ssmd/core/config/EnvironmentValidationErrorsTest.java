package io.ssmd.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way an environment can be wrong, and that the error names the file, the key path and the fix. */
class EnvironmentValidationErrorsTest {

    @TempDir
    Path tempDir;

    private ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = ConfigFixture.in(tempDir);
    }

    private static List<ConfigError> errors(Path envFile) {
        return errors(envFile, Map.of());
    }

    private static List<ConfigError> errors(Path envFile, Map<String, String> env) {
        ValidationReport report = EnvironmentLoader.validate(envFile, env);
        assertThat(report.ok()).isFalse();
        assertThat(report.environment()).isEmpty();
        return report.errors();
    }

    @Test
    void misspelledKeyNamesTheFileThePathAndTheRightKey() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken:
                    instrumnets: [BTC/USD]
                """);

        List<ConfigError> errors = errors(file);

        assertThat(errors).anySatisfy(e -> {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.keyPath()).isEqualTo("feeds.kraken.instrumnets");
            assertThat(e.message())
                    .isEqualTo("unknown key 'instrumnets' (did you mean 'instruments'?); "
                            + "expected one of: enabled, instruments, categories, exclude-categories, series, discovery,"
                            + " custom-features");
        });
        assertThat(errors.get(0).toString()).startsWith(file + ": feeds.kraken.instrumnets: unknown key");
    }

    @Test
    void polymarketDiscoveryFiltersAreReadAndRefusedElsewhere() {
        Path good = fixture.env("pm", """
                name: pm
                feeds:
                  polymarket:
                    custom-features: true
                    discovery: {max-instruments: 800, min-volume: 1000.50, min-liquidity: 250, tags: ["2", "100"]}
                """);
        ValidationReport report = EnvironmentLoader.validate(good, Map.of());
        assertThat(report.errors()).isEmpty();
        EnabledFeed polymarket =
                report.environment().orElseThrow().feed("polymarket").orElseThrow();
        assertThat(polymarket.customFeatures()).isTrue();
        Discovery discovery = polymarket.discovery().orElseThrow();
        assertThat(discovery.maxInstruments()).hasValue(800);
        assertThat(discovery.minVolume().orElseThrow()).isEqualByComparingTo("1000.50");
        assertThat(discovery.minLiquidity())
                .map(java.math.BigDecimal::toPlainString)
                .contains("250");
        assertThat(discovery.tags()).containsExactly("2", "100");

        Path bad = fixture.env("kr", """
                name: kr
                feeds:
                  kraken:
                    custom-features: true
                    instruments: [BTC/USD]
                  polymarket:
                    discovery: {min-volume: -5, tags: [2]}
                """);
        assertThat(errors(bad))
                .extracting(ConfigError::keyPath, ConfigError::message)
                .contains(
                        tuple(
                                "feeds.kraken.custom-features",
                                "applies only to Polymarket feeds (custom_feature_enabled); feed 'kraken' is kraken"),
                        tuple(
                                "feeds.polymarket.discovery.min-volume",
                                "expected a number of 0 or more, got the number -5"),
                        tuple(
                                "feeds.polymarket.discovery.tags[0]",
                                "expected a string, got the number 2; quote values that look like numbers (\"2\")"));
    }

    @Test
    void misspelledKeyInAFeedFileNamesThatFile() {
        Path feed = fixture.editFeed("kraken", "silence-timeout:", "silence-timout:");
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD]}
                """);

        assertThat(errors(file))
                .anySatisfy(e -> {
                    assertThat(e.file()).isEqualTo(feed);
                    assertThat(e.keyPath()).isEqualTo("keepalive.silence-timout");
                    assertThat(e.message()).contains("did you mean 'silence-timeout'?");
                })
                .anySatisfy(e -> {
                    assertThat(e.file()).isEqualTo(feed);
                    assertThat(e.keyPath()).isEqualTo("keepalive.silence-timeout");
                    assertThat(e.message()).startsWith("required key is missing");
                });
    }

    @Test
    void wrongTypeSaysWhatWasExpected() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken:
                    enabled: sometimes
                    instruments: BTC/USD
                transport:
                  publish:
                    window: lots
                """);

        assertThat(errors(file))
                .extracting(ConfigError::toString)
                .containsExactlyInAnyOrder(
                        file + ": feeds.kraken.enabled: expected one of: true, false, if-credentials, got 'sometimes'",
                        file + ": feeds.kraken.instruments: expected a list, got 'BTC/USD'",
                        file + ": transport.publish.window: expected a whole number from 1 to 1000000, got 'lots'");
    }

    @Test
    void unquotedNumericIdIsRejectedWithAHint() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  polymarket:
                    instruments: [12345]
                """);

        assertThat(errors(file)).singleElement().satisfies(e -> {
            assertThat(e.keyPath()).isEqualTo("feeds.polymarket.instruments[0]");
            assertThat(e.message()).contains("quote values that look like numbers");
        });
    }

    @Test
    void badDurationAndSizeNameTheirKeys() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD]}
                streams:
                  defaults:
                    max-age: 7 days
                    max-bytes: 10GB
                storage:
                  rotation: 7m
                """);

        assertThat(errors(file))
                .extracting(ConfigError::keyPath, ConfigError::message)
                .containsExactly(
                        tuple(
                                "streams.defaults.max-bytes",
                                "expected a size like 512KiB, 8MiB, 10GiB or a plain number of bytes, or none, got '10GB'"
                                        + " (units are binary and spelled KiB, MiB, GiB, TiB)"),
                        tuple(
                                "streams.defaults.max-age",
                                "expected a duration like 250ms, 30s, 15m, 2h or 7d, or none, got '7 days'"),
                        tuple(
                                "storage.rotation",
                                "must be a whole number of minutes that divides a day (such as 1m, 5m, 10m, 15m, 30m, 1h, 6h,"
                                        + " 1d), so windows line up in UTC; got 7m"));
    }

    @Test
    void missingFeedFileNamesTheExpectedPath() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  bitstamp: {instruments: [BTC/USD]}
                """);

        assertThat(errors(file)).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.keyPath()).isEqualTo("feeds.bitstamp");
            assertThat(e.message())
                    .contains("no feed file for 'bitstamp'")
                    .contains(tempDir.resolve("feeds/bitstamp.yaml").toString());
        });
    }

    @Test
    void missingEnvironmentFileAndFeedsDirAreErrors() {
        Path absent = tempDir.resolve("environments/nope.yaml");
        assertThat(errors(absent)).singleElement().hasToString(absent + ": file not found");

        Path file = fixture.env("lab", """
                name: lab
                feeds-dir: ../nowhere
                feeds:
                  kraken: {instruments: [BTC/USD]}
                """);
        assertThat(errors(file)).singleElement().satisfies(e -> {
            assertThat(e.keyPath()).isEqualTo("feeds-dir");
            assertThat(e.message()).contains("directory " + tempDir.resolve("nowhere") + " not found");
        });
    }

    @Test
    void feedFileWhoseNameDiffersIsAnError() {
        Path feed = fixture.editFeed("kraken", "name: kraken", "name: kraken-spot");
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD]}
                """);

        assertThat(errors(file)).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo(feed);
            assertThat(e.keyPath()).isEqualTo("name");
            assertThat(e.message())
                    .contains("the file says 'kraken-spot' but the environment names this feed 'kraken'");
        });
    }

    @Test
    void archiverNamingAnUnknownStreamIsAnError() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD]}
                  kraken-futures: {instruments: [PF_XBTUSD]}
                archivers:
                  - name: main
                    streams: [LAB_KRAKEN, LAB_KRAKN]
                """);

        assertThat(errors(file)).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.keyPath()).isEqualTo("archivers[0].streams[1]");
            assertThat(e.message())
                    .isEqualTo("unknown stream 'LAB_KRAKN' (did you mean 'LAB_KRAKEN'?); "
                            + "configured streams: LAB_KRAKEN, LAB_KRAKEN_FUTURES");
        });
    }

    @Test
    void archiverNamingTheStreamOfADisabledFeedSaysSo() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD]}
                  kalshi: {enabled: if-credentials, instruments: [KXBTC-26JAN01-T1]}
                archivers:
                  - name: main
                    streams: [LAB_KALSHI]
                """);

        assertThat(errors(file)).singleElement().satisfies(e -> {
            assertThat(e.keyPath()).isEqualTo("archivers[0].streams[0]");
            assertThat(e.message()).contains("belongs to feed kalshi, which does not run");
        });
    }

    @Test
    void kalshiEnabledWithoutCredentialsNamesTheVariables() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kalshi:
                    enabled: true
                    instruments: [KXBTC-26JAN01-T1]
                """);

        assertThat(errors(file, Map.of("KALSHI_PRIVATE_KEY_FILE", "/etc/hosts")))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.keyPath()).isEqualTo("feeds.kalshi.enabled");
                    assertThat(e.message())
                            .contains("credentials are missing: set KALSHI_API_KEY_ID")
                            .contains("enabled: if-credentials")
                            .doesNotContain("KALSHI_PRIVATE_KEY_FILE and");
                });
    }

    @Test
    void categoriesAndExcludedCategoriesTogetherAreAnErrorNamingTheKey() throws Exception {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kalshi:
                    enabled: if-credentials
                    categories: [Crypto]
                    exclude-categories: [Sports]
                    discovery: {}
                """);

        assertThat(errors(file)).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.keyPath()).isEqualTo("feeds.kalshi.exclude-categories");
            assertThat(e.message()).contains("categories and exclude-categories cannot be used together");
        });
    }

    @Test
    void seriesAndExcludedCategoriesNeedDiscoveryAndAKalshiFeed() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kalshi:
                    enabled: if-credentials
                    instruments: [KXBTC-26JAN01-T1]
                    series: [KXBTCD, KXBTCD]
                  kraken:
                    instruments: [BTC/USD]
                    exclude-categories: [Sports]
                """);

        assertThat(errors(file))
                .extracting(ConfigError::keyPath, ConfigError::message)
                .contains(
                        tuple(
                                "feeds.kalshi.series",
                                "series narrow discovery; add discovery: {} or list instruments instead"),
                        tuple("feeds.kalshi.series[1]", "series 'KXBTCD' is listed twice"),
                        tuple(
                                "feeds.kraken.exclude-categories",
                                "exclude-categories narrow discovery; add discovery: {} or"
                                        + " list instruments instead"));
        assertThat(errors(file)).anySatisfy(e -> {
            assertThat(e.keyPath()).isEqualTo("feeds.kraken.exclude-categories");
            assertThat(e.message())
                    .startsWith(
                            "exclude-categories apply only to venues whose subjects carry a" + " category (kalshi)");
        });
    }

    @Test
    void kalshiKeyFileThatDoesNotExistIsAnErrorWithoutPrintingTheKeyId() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kalshi: {enabled: if-credentials, instruments: [KXBTC-26JAN01-T1]}
                """);
        Path missing = tempDir.resolve("gone.pem");

        List<ConfigError> errors = errors(
                file, Map.of("KALSHI_API_KEY_ID", "secret-key-id", "KALSHI_PRIVATE_KEY_FILE", missing.toString()));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.keyPath()).isEqualTo("feeds.kalshi");
            assertThat(e.message())
                    .isEqualTo("private key file " + missing + " (named by KALSHI_PRIVATE_KEY_FILE) does not exist");
        });
        assertThat(errors.toString()).doesNotContain("secret-key-id");
    }

    @Test
    void instrumentsWhoseTokensCollideAreAnError() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kalshi:
                    enabled: if-credentials
                    instruments: [KXETHD-26FEB1217-T1819.99, KXETHD-26FEB1217-T1819_99]
                """);

        assertThat(errors(file)).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.keyPath()).isEqualTo("feeds.kalshi.instruments[1]");
            assertThat(e.message())
                    .contains("'KXETHD-26FEB1217-T1819.99' (feeds.kalshi.instruments[0])")
                    .contains("'KXETHD-26FEB1217-T1819_99' both map to subject token 'KXETHD-26FEB1217-T1819_99'");
        });
    }

    @Test
    void duplicateInstrumentsAndEmptyListsAreErrors() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD, ETH/USD, BTC/USD]}
                  kraken-futures: {instruments: []}
                """);

        assertThat(errors(file))
                .extracting(ConfigError::keyPath, ConfigError::message)
                .containsExactly(
                        tuple(
                                "feeds.kraken.instruments[2]",
                                "duplicate instrument 'BTC/USD' (also at feeds.kraken.instruments[0])"),
                        tuple(
                                "feeds.kraken-futures.instruments",
                                "empty list; an enabled feed"
                                        + " needs at least one instrument, or discovery: {max-instruments: N}"));
    }

    @Test
    void subjectCoveredByTwoStreamsIsAnError() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD]}
                streams:
                  custom:
                    - name: LAB_KRAKEN_TRADES
                      subjects: [lab.kraken.json.trade.>]
                """);

        assertThat(errors(file)).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.keyPath()).isEqualTo("streams");
            assertThat(e.message())
                    .isEqualTo("subject lab.kraken.json.*.* is covered by 2 streams "
                            + "(LAB_KRAKEN, LAB_KRAKEN_TRADES); it must be covered by exactly one");
        });
    }

    @Test
    void subjectCoveredByNoStreamIsAnError() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD]}
                streams:
                  custom:
                    - name: LAB_KRAKEN
                      subjects: [lab.kraken.json.>, lab.kraken.ssmd.>]
                """);

        assertThat(errors(file)).singleElement().satisfies(e -> {
            assertThat(e.keyPath()).isEqualTo("streams");
            assertThat(e.message()).startsWith("subject lab.kraken.control.*.* is covered by no stream");
        });
    }

    @Test
    void duplicateWindowMustFitMaxAgeAndOutlastRetries() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD]}
                transport:
                  publish: {max-attempts: 10, ack-timeout: 10s}
                streams:
                  defaults: {max-age: 1m, duplicate-window: 5m}
                  custom:
                    - name: LAB_SPARE
                      subjects: [other.>]
                      duplicate-window: 1s
                      max-age: none
                """);

        assertThat(errors(file))
                .extracting(ConfigError::keyPath, ConfigError::message)
                .containsExactly(
                        tuple(
                                "streams.defaults.duplicate-window",
                                "(5m) must not exceed max-age (1m); NATS refuses such a stream"),
                        tuple(
                                "streams.custom[0].duplicate-window",
                                "(1s) is shorter than a publish may keep retrying (228s with"
                                        + " transport.publish max-attempts 10, ack-timeout 10s, retry-backoff 250ms): a late retry"
                                        + " would be stored twice"));
    }

    @Test
    void customStreamsMayReplaceTheGeneratedLayout() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD]}
                streams:
                  per-feed: false
                  custom:
                    - name: LAB_ALL
                      subjects: [lab.>]
                      max-age: 1d
                """);

        Environment environment = EnvironmentLoader.load(file, Map.of());

        assertThat(environment.streams()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("LAB_ALL");
            assertThat(s.maxAge()).hasToString("PT24H");
        });
    }

    @Test
    void yamlSyntaxErrorGivesLineAndColumn() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken:
                    instruments: [BTC/USD, ETH/USD
                  kraken-futures: {}
                """);

        assertThat(errors(file)).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.keyPath()).isEmpty();
            assertThat(e.message())
                    .startsWith("YAML syntax error at line 5, column")
                    .contains("flow sequence that starts at line 4");
        });
    }

    @Test
    void duplicateKeysAreSyntaxErrors() {
        Path file = fixture.env("lab", """
                name: lab
                name: other
                feeds: {}
                """);

        assertThat(errors(file))
                .singleElement()
                .satisfies(e -> assertThat(e.message())
                        .startsWith("YAML syntax error at line 2")
                        .contains("Duplicate field 'name'"));
    }

    @Test
    void collectsEveryErrorAcrossFilesInOneRun() throws Exception {
        Path feed = fixture.editFeed("polymarket", "max-frame-bytes: 8MiB", "max-frame-bytes: 65MiB");
        Files.delete(fixture.feedFile("kraken-futures"));
        Path file = fixture.env("lab", """
                name: lab
                colour: blue
                feeds:
                  kraken: {instruments: [BTC/USD], enabeld: true}
                  kraken-futures: {instruments: [PF_XBTUSD]}
                  polymarket: {discovery: {max-instruments: 0}}
                archivers:
                  - name: main
                    streams: [NOPE]
                gateway: {api-keys-file: missing.txt}
                """);

        assertThat(errors(file))
                .extracting(e -> e.file().getFileName() + " " + e.keyPath())
                .containsExactly(
                        "lab.yaml colour",
                        "lab.yaml feeds.kraken.enabeld",
                        "lab.yaml feeds.kraken-futures",
                        "polymarket.yaml limits.max-frame-bytes",
                        "lab.yaml feeds.polymarket.discovery.max-instruments",
                        "lab.yaml archivers[0].streams[0]",
                        "lab.yaml gateway.api-keys-file");
        assertThat(errors(file).get(3).message()).contains("at most 64MiB").contains("got 65MiB");
    }

    @Test
    void gatewayKeysFileWithAKeyInTheClearAndAZeroMaxLagAreErrors() {
        fixture.file("environments/keys.txt", "# hashes only\n" + "0f".repeat(32) + "\nmy-secret-key\n");
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD]}
                gateway: {api-keys-file: keys.txt, max-lag: 0s, close-grace: 0s}
                """);

        List<ConfigError> errors = errors(file);
        assertThat(errors)
                .extracting(ConfigError::keyPath)
                .containsExactlyInAnyOrder("gateway.api-keys-file", "gateway.max-lag", "gateway.close-grace");
        assertThat(errors)
                .filteredOn(e -> e.keyPath().equals("gateway.api-keys-file"))
                .singleElement()
                .satisfies(e -> assertThat(e.message()).contains("line 3 of").contains("not a SHA-256 hash"));
    }

    @Test
    void aScheduleWithABadTimeAMisspelledZoneAndModeNamesEachWithTheRightValue() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken:
                    instruments: [BTC/USD]
                schedule:
                  time: "24:30"
                  timezone: America/New_Yrok
                  mode: rollin
                """);

        assertThat(errors(file))
                .extracting(ConfigError::toString)
                .containsExactlyInAnyOrder(
                        file + ": schedule.time: expected a time of day HH:MM from 00:00 to 23:59, got '24:30'",
                        file + ": schedule.timezone: unknown time zone 'America/New_Yrok' (did you mean"
                                + " 'America/New_York'?); expected an IANA name such as UTC or America/New_York",
                        file + ": schedule.mode: expected one of: rolling, teardown, got 'rollin'"
                                + " (did you mean 'rolling'?)");
    }

    @Test
    void aScheduleNeedsItsTimeAndKnowsItsKeys() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken:
                    instruments: [BTC/USD]
                schedule:
                  mdoe: teardown
                """);

        assertThat(errors(file))
                .extracting(ConfigError::keyPath)
                .containsExactlyInAnyOrder("schedule.mdoe", "schedule.time");
        assertThat(errors(file))
                .anySatisfy(e -> assertThat(e.message()).contains("(did you mean 'mode'?)"))
                .anySatisfy(e -> assertThat(e.message()).contains("HH:MM in quotes"));
    }

    @Test
    void aScheduleReadsWithRollingAndUtcByDefault() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken:
                    instruments: [BTC/USD]
                schedule:
                  time: "00:15"
                """);

        ValidationReport report = EnvironmentLoader.validate(file, Map.of());

        assertThat(report.errors()).isEmpty();
        ScheduleSpec schedule = report.environment().orElseThrow().schedule().orElseThrow();
        assertThat(schedule.time()).isEqualTo(java.time.LocalTime.of(0, 15));
        assertThat(schedule.zone()).isEqualTo(java.time.ZoneOffset.UTC);
        assertThat(schedule.mode()).isEqualTo(ScheduleSpec.ROLLING);
        assertThat(report.passed())
                .anySatisfy(line -> assertThat(line).isEqualTo("schedule: daily rolling cycle at 00:15 Z"));
    }
}
