package io.ssmd.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

    private static Config config(String application) {
        return NodeConfig.layered(ConfigFactory.parseString(application));
    }

    private static NodeSettings node(Config config) {
        return NodeSettings.create(config, Map.of());
    }

    @Test
    void aNodeWithNoSeedNodesOrOnlyItselfRunsAloneAndMayEmbedNatsAndH2() {
        Config none = config("pekko.remote.artery.canonical.port = 25530");
        Config self = config("""
                pekko.remote.artery.canonical.port = 25530
                pekko.cluster.seed-nodes = ["pekko://ssmd@127.0.0.1:25530"]
                """);
        for (Config c : new Config[] {none, self}) {
            ClusterSettings cluster = ClusterSettings.create(c);
            assertThat(cluster.multiNode()).isFalse();
            assertThat(cluster.refusals(node(c))).isEmpty();
        }
    }

    @Test
    void aSeedNodeOtherThanItselfMakesANodeOneOfSeveralWhichRefusesEmbeddedNatsAndH2() {
        Config c = config("""
                pekko.remote.artery.canonical.port = 25531
                pekko.cluster.seed-nodes = ["pekko://ssmd@127.0.0.1:25530", "pekko://ssmd@127.0.0.1:25531"]
                """);
        ClusterSettings cluster = ClusterSettings.create(c);
        assertThat(cluster.multiNode()).isTrue();
        assertThat(cluster.refusals(node(c)))
                .satisfiesExactly(
                        nats -> assertThat(nats)
                                .contains("pekko.cluster.seed-nodes names pekko://ssmd@127.0.0.1:25530")
                                .contains("set ssmd.nats.url (or SSMD_NATS_URL)"),
                        h2 -> assertThat(h2).contains("set ssmd.db.url (or SSMD_DB_URL)"));
        Config external = config("""
                pekko.remote.artery.canonical.port = 25531
                pekko.cluster.seed-nodes = ["pekko://ssmd@127.0.0.1:25530"]
                ssmd.nats.url = "nats://127.0.0.1:4222"
                ssmd.db.url = "jdbc:postgresql://127.0.0.1/ssmd"
                """);
        assertThat(ClusterSettings.create(external).refusals(node(external))).isEmpty();
    }

    @Test
    void kubernetesBootstrapAndMinNrOfMembersAlsoMeanSeveralNodes() {
        Config k8s = config("ssmd.cluster.bootstrap = kubernetes");
        assertThat(ClusterSettings.create(k8s).refusals(node(k8s)))
                .hasSize(2)
                .allSatisfy(line -> assertThat(line).contains("ssmd.cluster.bootstrap = kubernetes"));
        Config min = config("pekko.cluster.min-nr-of-members = 3");
        assertThat(ClusterSettings.create(min).whyMultiNode()).isEqualTo("pekko.cluster.min-nr-of-members = 3");
    }

    @Test
    void anUnknownBootstrapIsRefusedWithTheKeyAndASuggestion() {
        assertThatThrownBy(() -> ClusterSettings.create(config("ssmd.cluster.bootstrap = kubernets")))
                .hasMessageContaining("ssmd.cluster.bootstrap")
                .hasMessageContaining("did you mean kubernetes?");
    }
}
