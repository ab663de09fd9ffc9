package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ssmd.core.settings.NodeConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeOnHostTest {

    private static final Config DEFAULTS = NodeConfig.layered(ConfigFactory.empty());

    @Test
    void nodeNOfThreeTakesTheConfiguredPortsPlusNMinusOneAndTheHostsNodesAsSeeds() {
        Config c = new NodeOnHost(Optional.of(3), 3, Optional.empty(), Optional.empty(), Optional.empty(), List.of())
                .applyTo(DEFAULTS);
        assertThat(c.getInt("ssmd.http.port")).isEqualTo(8082);
        assertThat(c.getInt("pekko.remote.artery.canonical.port")).isEqualTo(25522);
        assertThat(c.getInt("pekko.management.http.port")).isEqualTo(7628);
        assertThat(c.getString("ssmd.node-name")).isEqualTo("node-3");
        assertThat(c.getStringList("pekko.cluster.seed-nodes"))
                .containsExactly(
                        "pekko://ssmd@127.0.0.1:25520", "pekko://ssmd@127.0.0.1:25521", "pekko://ssmd@127.0.0.1:25522");
    }

    @Test
    void explicitPortsAndSeedNodesWin() {
        Config c = new NodeOnHost(
                        Optional.of(2),
                        3,
                        Optional.of(9000),
                        Optional.of(26000),
                        Optional.of(9100),
                        List.of("pekko://ssmd@10.0.0.1:25520"))
                .applyTo(DEFAULTS);
        assertThat(c.getInt("ssmd.http.port")).isEqualTo(9000);
        assertThat(c.getInt("pekko.remote.artery.canonical.port")).isEqualTo(26000);
        assertThat(c.getInt("pekko.management.http.port")).isEqualTo(9100);
        assertThat(c.getStringList("pekko.cluster.seed-nodes")).containsExactly("pekko://ssmd@10.0.0.1:25520");
    }

    @Test
    void withoutNodeNothingChanges() {
        Config c = new NodeOnHost(Optional.empty(), 3, Optional.empty(), Optional.empty(), Optional.empty(), List.of())
                .applyTo(DEFAULTS);
        assertThat(c).isEqualTo(DEFAULTS);
    }

    @Test
    void badNumbersAndAddressesNameTheirOption() {
        assertThatThrownBy(() -> new NodeOnHost(
                                Optional.of(4), 3, Optional.empty(), Optional.empty(), Optional.empty(), List.of())
                        .applyTo(DEFAULTS))
                .hasMessageContaining("--node")
                .hasMessageContaining("1 to --nodes (3)");
        assertThatThrownBy(() -> new NodeOnHost(
                                Optional.empty(),
                                3,
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                List.of("akka://ssmd@127.0.0.1:25520"))
                        .applyTo(DEFAULTS))
                .hasMessageContaining("--seed-node")
                .hasMessageContaining("pekko://ssmd@HOST:PORT");
    }
}
