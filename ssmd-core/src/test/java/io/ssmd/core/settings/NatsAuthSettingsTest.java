package io.ssmd.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ssmd.nats.auth}: each secret from a variable or a file, one way at a time, never shown. */
class NatsAuthSettingsTest {

    @TempDir
    Path dir;

    @Test
    void noAuthByDefault() {
        assertThat(read("", Map.of())).isEqualTo(NatsAuth.None.INSTANCE);
    }

    @Test
    void aTokenFromAVariable() {
        NatsAuth auth = read("ssmd.nats.auth.token-env = SSMD_NATS_TOKEN", Map.of("SSMD_NATS_TOKEN", "t0k3n"));
        assertThat(auth).isInstanceOf(NatsAuth.Token.class);
        assertThat(((NatsAuth.Token) auth).token()).containsExactly("t0k3n".toCharArray());
        assertThat(auth.source()).isEqualTo("environment variable SSMD_NATS_TOKEN");
        assertThat(auth.toString()).doesNotContain("t0k3n");
    }

    @Test
    void aUserAndAPasswordFromAFileWithoutItsTrailingNewline() throws IOException {
        Path file = Files.writeString(dir.resolve("nats-password"), "pa55word\n");
        NatsAuth auth = read("ssmd.nats.auth { user = ssmd, password-file = \"" + file + "\" }", Map.of());
        NatsAuth.UserPassword up = (NatsAuth.UserPassword) auth;
        assertThat(up.user()).isEqualTo("ssmd");
        assertThat(up.password()).containsExactly("pa55word".toCharArray());
        assertThat(auth.toString()).doesNotContain("pa55word");
        NodeSettings settings = settings("ssmd.nats.auth { user = ssmd, password-file = \"" + file + "\" }", Map.of());
        assertThat(settings.toString()).doesNotContain("pa55word");
    }

    @Test
    void anNKeySeedFromAFile() throws IOException {
        Path file =
                Files.writeString(dir.resolve("seed"), "SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTC4\n");
        NatsAuth auth = read("ssmd.nats.auth.nkey-seed-file = \"" + file + "\"", Map.of());
        assertThat(auth).isInstanceOf(NatsAuth.NKeySeed.class);
        assertThat(auth.toString()).doesNotContain("SUAIB");
    }

    @Test
    void aCredsFileMustExist() throws IOException {
        Path creds = Files.writeString(dir.resolve("user.creds"), "-----BEGIN NATS USER JWT-----\n");
        assertThat(read("ssmd.nats.auth.creds-file = \"" + creds + "\"", Map.of()))
                .isEqualTo(new NatsAuth.CredsFile(creds));
        assertThatThrownBy(() -> read("ssmd.nats.auth.creds-file = \"" + dir.resolve("none.creds") + "\"", Map.of()))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("ssmd.nats.auth.creds-file")
                .hasMessageContaining("none.creds");
    }

    @Test
    void anUnsetVariableIsNamedAndTwoWaysAtOnceAreRefused() {
        assertThatThrownBy(() -> read("ssmd.nats.auth.token-env = SSMD_NATS_TOKEN", Map.of()))
                .hasMessageContaining("ssmd.nats.auth.token-env")
                .hasMessageContaining("SSMD_NATS_TOKEN is not set");
        assertThatThrownBy(() -> read(
                        "ssmd.nats.auth { token-env = A_TOKEN, user = u, password-env = A_PASSWORD }",
                        Map.of("A_TOKEN", "x", "A_PASSWORD", "y")))
                .hasMessageContaining("not several");
        assertThatThrownBy(() -> read("ssmd.nats.auth.user = u", Map.of()))
                .hasMessageContaining("ssmd.nats.auth.password-env")
                .hasMessageContaining("no password");
    }

    @Test
    void aSecretPastedIntoAnEnvKeyIsNeverRepeated() {
        String pasted = "Zm9vYmFyc2VjcmV0dG9rZW4";
        assertThatThrownBy(() -> read("ssmd.nats.auth.token-env = \"" + pasted + "\"", Map.of()))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("ssmd.nats.auth.token-env")
                .hasMessageContaining("never the secret itself")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(pasted));
        String seed = "SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTC4";
        assertThatThrownBy(() -> read("ssmd.nats.auth.nkey-seed-env = \"" + seed + "\"", Map.of()))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(seed));
    }

    @Test
    void theUrlIsRedactedInTheSettingsText() {
        NodeSettings settings = settings("ssmd.nats.url = \"nats://ssmd:hunter2@nats.internal:4222\"", Map.of());
        assertThat(settings.nats().url()).contains("nats://ssmd:hunter2@nats.internal:4222");
        assertThat(settings.toString()).doesNotContain("hunter2").contains("nats://ssmd:***@nats.internal:4222");
    }

    private NatsAuth read(String conf, Map<String, String> env) {
        return settings(conf, env).nats().auth();
    }

    private NodeSettings settings(String conf, Map<String, String> env) {
        try {
            Path file = Files.writeString(dir.resolve("application.conf"), "ssmd.data-dir = \"" + dir + "\"\n" + conf);
            return NodeSettings.create(NodeConfig.load(Optional.of(file), env), env);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
