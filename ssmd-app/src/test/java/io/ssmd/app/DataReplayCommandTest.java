package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.StreamContents;
import io.ssmd.data.replay.ReplayArchiveFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ssmd data replay} from the command line: validation before anything starts (feed, range, symbols, speed) with
 * its exit codes, and a whole replay into NATS, over an archive the real archiver wrote.
 */
class DataReplayCommandTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorSystem<Void> SYSTEM = ActorSystem.create(Behaviors.empty(), "data-replay-test");

    @TempDir
    static Path dir;

    private static Path root;
    private static Path config;

    @BeforeAll
    static void archive() throws Exception {
        root = dir.resolve("archive");
        ReplayArchiveFixture.archive(SYSTEM, NATS.connect(), root, StorageSettings.Format.GZIP);
        // No database reachable: the command checks against the manifests under --root.
        config = Files.writeString(dir.resolve("unreachable.conf"), """
                ssmd {
                  data-dir = "%s"
                  db { url = "jdbc:postgresql://127.0.0.1:1/none", connect-timeout = 1s }
                }
                """.formatted(dir.resolve("node")));
    }

    @AfterAll
    static void shutdown() {
        SYSTEM.terminate();
    }

    /** What one run of the CLI printed and returned. */
    record Run(int code, String out, String err) {}

    private static Run replay(String... args) {
        List<String> all = new ArrayList<>(List.of("data", "replay", "--root", root.toString(), "--config"));
        all.add(config.toString());
        all.addAll(List.of(args));
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cli = new CommandLine(new Main());
            cli.setErr(new java.io.PrintWriter(System.err, true));
            int code = cli.execute(all.toArray(String[]::new));
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    @Test
    void replaysARangeIntoNatsUnderAnotherEnvironmentAndSaysWhatItDid() {
        Run run = replay(
                "--feed",
                "kraken",
                "--date",
                "2026-01-01",
                "--to",
                "2026-01-02",
                "--types",
                "trade",
                "--speed",
                "max",
                "--nats",
                NATS.url(),
                "--env",
                "cli");

        assertThat(run.code()).as(run.err()).isZero();
        // The gaps of the range are listed before it starts (here the open connection_lost of the silent shard).
        assertThat(run.err()).contains("gaps in the range: ", "connection_lost");
        assertThat(run.out())
                .contains("under cli (run ")
                .contains("replay done: 171 messages sent")
                .contains("NATS cli: 171 stored, 0 duplicates, 0 failed");
        assertThat(StreamContents.count(NATS.connect(), "CLI_KRAKEN")).isEqualTo(171);

        Run json = replay(
                "--feed",
                "kraken",
                "--date",
                "2026-01-01",
                "--types",
                "ticker",
                "--speed",
                "max",
                "--json",
                "--nats",
                NATS.url(),
                "--env",
                "clijson");

        assertThat(json.code()).as(json.err()).isZero();
        assertThat(json.out().lines().filter(l -> l.startsWith("{")))
                .singleElement()
                .satisfies(l -> assertThat(l).contains("\"stopped\":false", "\"sent\":1,"));
    }

    /** The real command in a JVM of its own, as a user runs it; its stdout goes to {@code out}. */
    private static Process start(Path out, String... args) throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "data",
                "replay",
                "--root",
                root.toString(),
                "--config",
                config.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("SSMD_"));
        builder.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }

    @Test
    void ctrlCStopsAPacedReplayAfterFlushingWhatWasSentAndSigtermStopsAServer() throws Exception {
        Path out = dir.resolve("sigint.out");
        // At the recorded pace the range takes two days: it is stopped after its first messages.
        Process replay =
                start(out, "--feed", "kraken", "--date", "2026-01-01", "--nats", NATS.url(), "--env", "sigint");
        try {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> streamCount("SIGINT_KRAKEN") >= 5);
            new ProcessBuilder("kill", "-INT", Long.toString(replay.pid()))
                    .start()
                    .waitFor();
            assertThat(replay.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
        } finally {
            replay.destroyForcibly();
        }
        String printed = Files.readString(out);
        assertThat(replay.exitValue()).as(printed).isEqualTo(130);
        java.util.regex.Matcher sent = java.util.regex.Pattern.compile("replay stopped: (\\d+) messages sent")
                .matcher(printed);
        assertThat(sent.find()).as(printed).isTrue();
        // Everything it counted as sent was acknowledged before it exited.
        assertThat(streamCount("SIGINT_KRAKEN")).isEqualTo(Long.parseLong(sent.group(1)));
        assertThat(printed).contains(" 0 failed");

        Path gatewayOut = dir.resolve("sigterm.out");
        Process gateway = start(gatewayOut, "--feed", "kraken", "--date", "2026-01-01", "--gateway", "0");
        try {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> Files.readString(gatewayOut).contains("starts at the first subscription"));
            gateway.destroy();
            assertThat(gateway.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
        } finally {
            gateway.destroyForcibly();
        }
        assertThat(gateway.exitValue()).isEqualTo(143);
        assertThat(Files.readString(gatewayOut)).contains("replay stopped: 0 messages sent");
    }

    private static long streamCount(String stream) {
        try {
            return StreamContents.count(NATS.connect(), stream);
        } catch (IllegalStateException e) {
            return 0;
        }
    }

    @Test
    void anUnknownFeedFailsWithTheClosestName() {
        Run run = replay("--feed", "krakn", "--date", "2026-01-01", "--nats", NATS.url());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("krakn").contains("Did you mean 'kraken'");
    }

    @Test
    void aDayWithoutDataSaysWhichIsTheLatest() {
        Run run = replay("--feed", "kraken", "--date", "2026-03-01", "--nats", NATS.url());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("No archived data for kraken on 2026-03-01", "latest available: 2026-01-02");
    }

    @Test
    void anUnknownSymbolOrTypeFailsWithTheClosestTheArchiveHolds() {
        Run symbol = replay("--feed", "kraken", "--date", "2026-01-01", "--symbols", "BTC/USDT", "--nats", NATS.url());
        Run type = replay("--feed", "kraken", "--date", "2026-01-01", "--types", "trades", "--nats", NATS.url());

        assertThat(symbol.code()).isEqualTo(1);
        assertThat(symbol.err()).contains("BTC/USDT").contains("Did you mean 'BTC-USD'");
        assertThat(type.code()).isEqualTo(1);
        assertThat(type.err()).contains("Did you mean 'trade'");
    }

    @Test
    void aBadSpeedOrNoTargetIsAUsageError() {
        Run word = replay("--feed", "kraken", "--date", "2026-01-01", "--speed", "fast", "--nats");
        Run zero = replay("--feed", "kraken", "--date", "2026-01-01", "--speed", "0", "--nats");
        Run none = replay("--feed", "kraken", "--date", "2026-01-01");
        Run two = replay("--feed", "kraken", "--date", "2026-01-01", "--ws", "0", "--gateway", "0");

        assertThat(word.code()).isEqualTo(2);
        assertThat(word.err()).contains("--speed").contains("'fast' is neither a number nor max");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("'0' must be more than 0");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--nats", "--ws", "--gateway");
        assertThat(two.code()).isEqualTo(2);
        assertThat(two.err()).contains("mutually exclusive");
    }
}
