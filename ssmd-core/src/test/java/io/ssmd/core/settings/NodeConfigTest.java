package io.ssmd.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreTheEmbeddedNode() {
        NodeSettings settings = NodeSettings.create(
                NodeConfig.load(Optional.of(write("ssmd.data-dir = \"" + dir + "\"")), Map.of()), Map.of());
        assertThat(settings.nats().url()).isEmpty();
        assertThat(settings.nats().embedded().dir()).isEqualTo(dir.resolve("nats"));
        assertThat(settings.nats().embedded().port()).isEqualTo(4222);
        assertThat(settings.nats().embedded().maxPayload()).isEqualTo(8 * 1024 * 1024);
        assertThat(settings.db().url())
                .isEqualTo("jdbc:h2:file:" + dir.resolve("db/ssmd") + ";MODE=PostgreSQL;AUTO_SERVER=TRUE");
        assertThat(settings.db().embedded()).isTrue();
        assertThat(settings.http().port()).isEqualTo(8080);
        assertThat(settings.http().iface()).as("loopback unless configured").isEqualTo("127.0.0.1");
    }

    @Test
    void externalServicesAndThePasswordVariable() {
        Config config = NodeConfig.load(Optional.of(write("""
                ssmd.nats.url = "nats://nats.internal:4222"
                ssmd.db.url = "jdbc:postgresql://db:5432/ssmd"
                ssmd.db.user = ssmd
                """)), Map.of());
        NodeSettings settings = NodeSettings.create(config, Map.of("SSMD_DB_PASSWORD", "s3cret"));
        assertThat(settings.nats().url()).contains("nats://nats.internal:4222");
        assertThat(settings.db().embedded()).isFalse();
        assertThat(settings.db().password()).contains("s3cret");
        assertThat(settings.db().toString()).doesNotContain("s3cret");
    }

    @Test
    void aMisspelledKeyNamesTheFileTheLineAndTheKey() {
        Path file = write("ssmd {\n  http {\n    prot = 9090\n  }\n}\n");
        assertThatThrownBy(() -> NodeConfig.load(Optional.of(file), Map.of()))
                .isInstanceOf(NodeConfig.InvalidNodeConfigException.class)
                .hasMessageContaining(file.getFileName().toString())
                .hasMessageContaining(": 3")
                .hasMessageContaining("ssmd.http.prot");
    }

    @Test
    void ssmdsPekkoSettingsBeatTheLibrariesDefaultsAndLoseToTheUsers() {
        Config config = NodeConfig.forNode(
                NodeConfig.load(Optional.of(write("pekko.remote.artery.canonical.port = 2600")), Map.of()));
        assertThat(config.getString("pekko.actor.provider")).isEqualTo("cluster");
        assertThat(config.getStringList("pekko.cluster.roles")).contains("connector", "archiver", "gateway");
        assertThat(config.getString("pekko.cluster.downing-provider-class")).contains("SplitBrainResolverProvider");
        assertThat(config.getString("pekko.cluster.sharding.passivation.strategy"))
                .isEqualTo("none");
        assertThat(config.getStringList("pekko.loggers")).containsExactly("org.apache.pekko.event.slf4j.Slf4jLogger");
        assertThat(config.getInt("pekko.remote.artery.canonical.port")).isEqualTo(2600);
        assertThat(config.getString("pekko.actor.serialization-bindings.\"io.ssmd.core.CborSerializable\""))
                .isEqualTo("jackson-cbor");
    }

    @Test
    void aMissingExplicitFileIsAnError() {
        Path missing = dir.resolve("nope.conf");
        assertThatThrownBy(() -> NodeConfig.load(Optional.of(missing), Map.of()))
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("not found");
    }

    @Test
    void aWrongTypeNamesTheKey() {
        Path file = write("ssmd.http.port = eighty\n");
        assertThatThrownBy(() -> NodeSettings.create(NodeConfig.load(Optional.of(file), Map.of()), Map.of()))
                .hasMessageContaining("http.port");
    }

    @Test
    void theBackpressureGapAfterIsFiveSecondsAndMustBeAboveZero() {
        NodeSettings settings = NodeSettings.create(
                NodeConfig.load(Optional.of(write("ssmd.data-dir = \"" + dir + "\"")), Map.of()), Map.of());
        assertThat(settings.connectors().backpressureGapAfter()).isEqualTo(java.time.Duration.ofSeconds(5));
        Path file = write("ssmd.connectors.backpressure-gap-after = 0s\n");
        assertThatThrownBy(() -> NodeSettings.create(NodeConfig.load(Optional.of(file), Map.of()), Map.of()))
                .hasMessageContaining("ssmd.connectors.backpressure-gap-after")
                .hasMessageContaining("above 0");
    }

    @Test
    void theFailureRangeLimitsAreSettingsAndRefuseNonsenseNamingTheKey() {
        NodeSettings settings = NodeSettings.create(
                NodeConfig.load(Optional.of(write("ssmd.data-dir = \"" + dir + "\"")), Map.of()), Map.of());
        assertThat(settings.connectors().failureRanges())
                .isEqualTo(new io.ssmd.core.nats.FailureRangeLimits(java.time.Duration.ofSeconds(10), 10_000, 100));
        NodeSettings changed = NodeSettings.create(NodeConfig.load(Optional.of(write("""
                ssmd.connectors.publish-failed.max-age = 3s
                ssmd.connectors.publish-failed.max-messages = 50
                ssmd.connectors.publish-failed.max-instruments = 7
                """)), Map.of()), Map.of());
        assertThat(changed.connectors().failureRanges())
                .isEqualTo(new io.ssmd.core.nats.FailureRangeLimits(java.time.Duration.ofSeconds(3), 50, 7));
        Path file = write("ssmd.connectors.publish-failed.max-messages = 0\n");
        assertThatThrownBy(() -> NodeSettings.create(NodeConfig.load(Optional.of(file), Map.of()), Map.of()))
                .hasMessageContaining("ssmd.connectors.publish-failed.max-messages")
                .hasMessageContaining("at least 1");
    }

    @Test
    void thePublishBudgetIsReadOnceReachesTheShardsAndRefusesANegativeNamingTheKey() {
        NodeSettings settings = NodeSettings.create(
                NodeConfig.load(Optional.of(write("ssmd.data-dir = \"" + dir + "\"")), Map.of()), Map.of());
        assertThat(settings.connectors().publishBudget()).isEqualTo(4096);
        assertThat(settings.connectors().shards().publishBudget()).isEqualTo(4096);
        NodeSettings none = NodeSettings.create(
                NodeConfig.load(Optional.of(write("ssmd.connectors.publish-budget = 0\n")), Map.of()), Map.of());
        assertThat(none.connectors().shards().publishBudget()).isZero();
        Path file = write("ssmd.connectors.publish-budget = -1\n");
        assertThatThrownBy(() -> NodeSettings.create(NodeConfig.load(Optional.of(file), Map.of()), Map.of()))
                .hasMessageContaining("ssmd.connectors.publish-budget")
                .hasMessageContaining("at least 0");
    }

    @Test
    void theRenewalSettingsAreReadOnceAndRefuseNonsenseNamingTheKey() {
        NodeSettings settings = NodeSettings.create(
                NodeConfig.load(Optional.of(write("ssmd.data-dir = \"" + dir + "\"")), Map.of()), Map.of());
        assertThat(settings.connectors().renew()).isEqualTo(io.ssmd.core.shard.RenewSettings.defaults());
        NodeSettings changed = NodeSettings.create(NodeConfig.load(Optional.of(write("""
                ssmd.connectors.renew.timeout = 2m
                ssmd.connectors.renew.max-held = 5000
                """)), Map.of()), Map.of());
        assertThat(changed.connectors().renew())
                .isEqualTo(new io.ssmd.core.shard.RenewSettings(java.time.Duration.ofMinutes(2), 5000));
        Path file = write("ssmd.connectors.renew.max-held = 0\n");
        assertThatThrownBy(() -> NodeSettings.create(NodeConfig.load(Optional.of(file), Map.of()), Map.of()))
                .hasMessageContaining("ssmd.connectors.renew.max-held")
                .hasMessageContaining("at least 1");
    }

    @Test
    void relativeFilesMissingHereAreFoundInTheHomeDirectory() throws IOException {
        Files.createDirectories(dir.resolve("exchanges/environments"));
        Files.writeString(dir.resolve("exchanges/environments/lab.yaml"), "name: lab\n");
        Path relative = Path.of("exchanges/environments/lab.yaml");
        assertThat(NodeConfig.resolve(relative, Map.of("SSMD_HOME", dir.toString())))
                .isEqualTo(dir.resolve("exchanges/environments/lab.yaml"));
        assertThat(NodeConfig.resolve(relative, Map.of())).isEqualTo(relative);
    }

    private Path write(String text) {
        try {
            Path file = Files.createTempFile(dir, "application", ".conf");
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
