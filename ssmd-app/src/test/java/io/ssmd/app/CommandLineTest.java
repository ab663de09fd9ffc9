package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    void validatingTheShippedEnvironmentPrintsOneTickPerCheck() {
        Path env = projectDir().resolve("exchanges/environments/default.yaml");
        int code = EnvCommand.Validate.validate(env, Map.of(), print(out), print(err));
        assertThat(code).as(text(err)).isZero();
        assertThat(text(out).lines().filter(line -> line.startsWith("✓ ")).count()).isGreaterThanOrEqualTo(3);
        assertThat(text(err)).isEmpty();
    }

    @Test
    void aMisspelledKeyFailsNamingTheKeyAndTheFile() throws IOException {
        Path exchanges = dir.resolve("exchanges");
        Files.createDirectories(exchanges.resolve("environments"));
        Files.createDirectories(exchanges.resolve("feeds"));
        try (var feeds = Files.list(projectDir().resolve("exchanges/feeds"))) {
            for (Path feed : feeds.toList()) {
                Files.copy(feed, exchanges.resolve("feeds").resolve(feed.getFileName()));
            }
        }
        String original = Files.readString(projectDir().resolve("exchanges/environments/default.yaml"));
        assertThat(original).contains("instruments:");
        Path env = exchanges.resolve("environments/default.yaml");
        Files.writeString(env, original.replaceFirst("instruments:", "instrumnets:"));

        int code = EnvCommand.Validate.validate(env, Map.of(), print(out), print(err));

        assertThat(code).isEqualTo(1);
        assertThat(text(err)).contains(env.toString()).contains("instrumnets");
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Path projectDir() {
        return Path.of(System.getProperty("ssmd.project.dir", ".."));
    }
}
