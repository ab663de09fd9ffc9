package io.ssmd.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.shard.ShardHealth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daily cycle's steps where they decide alone: the renew step refuses a feed whose venue connection limit leaves
 * no room for a renewal's second connection (before it asks any shard), and the verify step's day.
 */
class CycleStepsTest {

    @TempDir
    Path dir;

    @Test
    void aFeedWhoseMaxConnectionsLeavesNoRoomForASecondConnectionFailsTheRenewStepNamingIt() throws Exception {
        Environment environment = environment("  max-connections: 2\n");
        List<ShardHealth> shards = List.of(shard("kraken-0"), shard("kraken-1"));
        CycleSteps steps = new CycleSteps(new CycleSteps.Parts(
                null,
                environment,
                null,
                () -> CompletableFuture.completedFuture(shards),
                null,
                List.of(),
                Runnable::run,
                new CycleSettings("connector", Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ZERO),
                Clock.systemUTC()));

        DailyCycle.Step renew = steps.steps("rolling").get(1);
        assertThat(renew.name()).isEqualTo("renew");
        CompletableFuture<String> result = renew.run().toCompletableFuture();

        assertThat(result)
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .withMessageContaining("kraken: limits.max-connections 2")
                .withMessageContaining("kraken.yaml")
                .withMessageContaining("no room for a second connection beside its 2 shards");
    }

    @Test
    void everyModeHasItsStepsTheTeardownBothHalvesAndAnUnknownModeIsRefusedWithWhy() throws Exception {
        CycleSteps steps = new CycleSteps(new CycleSteps.Parts(
                null,
                environment(""),
                null,
                null,
                null,
                List.of(),
                Runnable::run,
                new CycleSettings("connector", Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ZERO),
                Clock.systemUTC()));

        assertThat(steps.steps("rolling"))
                .extracting(DailyCycle.Step::name)
                .containsExactly("sync", "renew", "verify", "health");
        assertThat(steps.steps("stop"))
                .extracting(DailyCycle.Step::name)
                .containsExactly("drain", "stop-connectors", "flush-archiver", "verify");
        assertThat(steps.steps("start"))
                .extracting(DailyCycle.Step::name)
                .containsExactly("sync", "start-connectors", "start-gateway", "health");
        assertThat(steps.steps("teardown"))
                .extracting(DailyCycle.Step::name)
                .containsExactly(
                        "drain",
                        "stop-connectors",
                        "flush-archiver",
                        "verify",
                        "sync",
                        "start-connectors",
                        "start-gateway",
                        "health");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> steps.steps("sideways"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown cycle mode 'sideways'");
    }

    @Test
    void theDayVerifiedIsTheLatestThatEndedARotationAgo() throws Exception {
        Environment environment = environment("");

        // Rotation 15 min: at 00:10 the day before yesterday, at 00:20 yesterday.
        assertThat(CycleSteps.dayToVerify(environment, Instant.parse("2026-12-06T00:10:00Z")))
                .isEqualTo(LocalDate.of(2026, 12, 4));
        assertThat(CycleSteps.dayToVerify(environment, Instant.parse("2026-12-06T00:20:00Z")))
                .isEqualTo(LocalDate.of(2026, 12, 5));
        assertThat(LocalDate.ofInstant(Instant.parse("2026-12-06T00:20:00Z"), ZoneOffset.UTC))
                .isEqualTo(LocalDate.of(2026, 12, 6));
    }

    private static ShardHealth shard(String name) {
        return new ShardHealth(
                "kraken",
                name,
                "node-1",
                ShardHealth.STREAMING,
                0,
                0,
                Map.of(),
                0,
                List.of(),
                Map.of(),
                null,
                System.currentTimeMillis());
    }

    /** The shipped Kraken feed with {@code limits} lines added, 15-minute files. */
    private Environment environment(String limits) throws Exception {
        Path feeds = Files.createDirectories(dir.resolve("feeds"));
        String feed = shipped().replace("limits:\n", "limits:\n" + limits);
        Files.writeString(feeds.resolve("kraken.yaml"), feed);
        Path envFile = Files.writeString(
                dir.resolve("cycle.yaml"),
                "name: cycle\nfeeds-dir: " + feeds + "\nfeeds:\n  kraken:\n    enabled: true\n"
                        + "    instruments: [BTC/USD, ETH/USD]\nstorage:\n  archive-root: " + dir.resolve("archive")
                        + "\n  rotation: 15m\n");
        return EnvironmentLoader.load(envFile, Map.of());
    }

    private static String shipped() throws Exception {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path file = d.resolve("exchanges/feeds/kraken.yaml");
            if (Files.isRegularFile(file)) {
                return Files.readString(file);
            }
        }
        throw new IllegalStateException("exchanges/feeds not found above the working directory");
    }
}
