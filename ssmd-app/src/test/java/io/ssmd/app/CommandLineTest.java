package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void helpListsEveryCommand() {
        String usage = new CommandLine(new Main()).getUsageMessage();
        assertThat(usage).contains("run", "env", "bench", "test", "--version", "--help");
    }

    @Test
    void everyCommandAtEveryLevelAnswersHelpWithItsUsage() {
        CommandLine root = new CommandLine(new Main());
        java.util.List<String> paths = new java.util.ArrayList<>();
        collect(root, java.util.List.of(), paths);
        assertThat(paths).contains("data inventory", "data gaps", "archive verify", "env validate", "gateway hash-key");
        for (String path : paths) {
            StringWriter help = new StringWriter();
            CommandLine cli = new CommandLine(new Main());
            cli.setOut(new PrintWriter(help));
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(path.split(" ")));
            args.add("--help");
            assertThat(cli.execute(args.toArray(String[]::new)))
                    .as(path + " --help")
                    .isZero();
            assertThat(help.toString()).as(path + " --help").contains("Usage: ssmd " + path);
        }
    }

    private static void collect(CommandLine command, java.util.List<String> prefix, java.util.List<String> paths) {
        command.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) {
                return;
            }
            java.util.List<String> path = new java.util.ArrayList<>(prefix);
            path.add(name);
            paths.add(String.join(" ", path));
            collect(sub, path, paths);
        });
    }

    @Test
    void validatingTheShippedEnvironmentPrintsOneTickPerCheck() {
        Path env = ShippedExchanges.projectDir().resolve("exchanges/environments/default.yaml");
        int code = EnvCommand.Validate.validate(env, Map.of(), print(out), print(err));
        assertThat(code).as(text(err)).isZero();
        assertThat(text(out).lines().filter(line -> line.startsWith("✓ ")).count())
                .isGreaterThanOrEqualTo(3);
        assertThat(text(err)).isEmpty();
    }

    @Test
    void aMisspelledKeyFailsNamingTheKeyAndTheFile() throws IOException {
        Path env = ShippedExchanges.copyInto(dir);
        ShippedExchanges.edit(env, "instruments: [BTC/USD", "instrumnets: [BTC/USD");

        int code = EnvCommand.Validate.validate(env, Map.of(), print(out), print(err));

        assertThat(code).isEqualTo(1);
        assertThat(text(err)).contains(env.toString()).contains("instrumnets");
    }

    @Test
    void secretsPastedIntoEnvKeysAreNeverPrinted() throws IOException {
        Path env = ShippedExchanges.copyInto(dir);
        Path kalshi = env.getParent().getParent().resolve("feeds/kalshi.yaml");
        // What an operator might paste instead of a variable name: a Kalshi key id, an AWS key id (which even
        // passes as a variable name), an AWS secret key.
        String kalshiKeyId = "a952bcbe-ec3b-4b5b-b8f9-11111c0c3f44";
        String awsKeyId = "AKIAIOSFODNN7EXAMPLE";
        String awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        ShippedExchanges.edit(kalshi, "key-id-env: KALSHI_API_KEY_ID", "key-id-env: " + kalshiKeyId);
        ShippedExchanges.edit(
                env, "  rotation: 15m", """
                  rotation: 15m
                  upload:
                    bucket: lab-archive
                    access-key-id-env: %s
                    secret-access-key-env: "%s"
                """.formatted(awsKeyId, awsSecret).stripTrailing());

        int code = EnvCommand.Validate.validate(env, Map.of(), print(out), print(err));

        assertThat(code).isEqualTo(1);
        String printed = text(out) + text(err);
        assertThat(printed)
                .doesNotContain(kalshiKeyId)
                .doesNotContain(awsKeyId)
                .doesNotContain(awsSecret)
                .doesNotContain("EXAMPLE")
                .contains("auth.key-id-env")
                .contains("storage.upload.access-key-id-env")
                .contains("storage.upload.secret-access-key-env")
                .contains("never the secret itself");
    }

    @Test
    void hashKeyPrintsTheSha256OfTheKeyOnStdinAndRefusesNone() throws IOException {
        int code = GatewayCommand.HashKey.hash(
                new java.io.BufferedReader(new java.io.StringReader("abc\n")), print(out), print(err));
        assertThat(code).isZero();
        // SHA-256("abc") from FIPS 180-2's examples.
        assertThat(text(out).strip()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

        int none = GatewayCommand.HashKey.hash(
                new java.io.BufferedReader(new java.io.StringReader("")), print(out), print(err));
        assertThat(none).isEqualTo(2);
        assertThat(text(err)).contains("no key on stdin");
    }

    @Test
    void rolesChooseWhatANodeRunsAndUnknownOnesAreRefused() {
        com.typesafe.config.Config config =
                RunCommand.withRoles(com.typesafe.config.ConfigFactory.empty(), java.util.List.of("archiver"));
        assertThat(config.getStringList("pekko.cluster.roles")).containsExactly("archiver");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        RunCommand.withRoles(com.typesafe.config.ConfigFactory.empty(), java.util.List.of("archivist")))
                .hasMessageContaining("archivist")
                .hasMessageContaining("connector, archiver, gateway");
    }

    @Test
    void benchListsEveryBenchmarkAndRefusesAnUnknownOneWithASuggestion() {
        assertThat(BenchCommand.run(null, true, print(out), print(err))).isZero();
        assertThat(text(out).lines().map(line -> line.split(" ")[0]))
                .containsExactlyElementsOf(io.ssmd.bench.Benches.all().stream()
                        .map(io.ssmd.bench.Bench::name)
                        .toList());

        int code = BenchCommand.run("conector-kraken", false, print(out), print(err));

        assertThat(code).isEqualTo(2);
        assertThat(text(err))
                .contains("unknown benchmark 'conector-kraken'")
                .contains("did you mean 'connector-kraken'");
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
