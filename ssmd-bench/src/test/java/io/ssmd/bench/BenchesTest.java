package io.ssmd.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.feeds.Venues;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchesTest {

    @Test
    void everyBenchmarkHasOneNameAndADescription() {
        List<String> names = Benches.all().stream().map(Bench::name).toList();
        assertThat(names).doesNotHaveDuplicates();
        assertThat(names)
                .contains(
                        "nats-ceiling",
                        "publisher",
                        "replay",
                        "connector-kraken",
                        "connector-polymarket",
                        "connector-kalshi",
                        "connector-kraken-rates",
                        "nats-latency",
                        "connector-kalshi-heap",
                        "decode",
                        "archiver",
                        "gateway",
                        "secmaster",
                        "secmaster-cdc");
        Venues.ids().forEach(venue -> assertThat(names).contains("replay-" + venue));
        assertThat(Benches.all())
                .allSatisfy(bench -> assertThat(bench.description()).isNotBlank());
    }

    @Test
    void theDefaultRunKeepsTheOrderTheDocsReportAndLeavesOutTheGateway() {
        assertThat(Benches.defaultRun())
                .extracting(Bench::name)
                .containsExactly(
                        "publisher-ratio",
                        "replay",
                        "connector-kraken",
                        "connector-polymarket",
                        "connector-kalshi",
                        "archiver");
    }

    @Test
    void aBenchmarkIsFoundByItsNameAndAMisspeltOneGetsASuggestion() {
        assertThat(Benches.named("connector-kalshi")).map(Bench::name).hasValue("connector-kalshi");
        assertThat(Benches.named("conector-kalshi")).isEmpty();
        assertThat(Benches.closestTo("conector-kalshi")).hasValue("connector-kalshi");
        assertThat(Benches.closestTo("replay-krakn")).hasValue("replay-kraken");
        assertThat(Benches.closestTo("everything")).isEmpty();
    }

    @Test
    void aConnectorBenchTakesARatePerConnectionAndAWindowAndRefusesAnythingElseByName() {
        assertThat(ConnectorBench.Arguments.parse("connector-kalshi", List.of()))
                .isEqualTo(ConnectorBench.Arguments.DEFAULT);
        assertThat(ConnectorBench.Arguments.parse("connector-kalshi", List.of("rate=10", "window=128")))
                .isEqualTo(new ConnectorBench.Arguments(10, 128));
        assertThat(ConnectorBench.Arguments.parse("connector-kalshi", List.of("budget=0")))
                .isEqualTo(new ConnectorBench.Arguments(0, 0, 0));
        assertThat(ConnectorBench.Arguments.parse("connector-kalshi", List.of("budget=512"))
                        .connectorSettings()
                        .publishBudget())
                .isEqualTo(512);
        assertThat(ConnectorBench.Arguments.DEFAULT.connectorSettings().publishBudget())
                .isEqualTo(io.ssmd.core.nats.PublishBudget.DEFAULT_MESSAGES);
        assertThatThrownBy(() -> ConnectorBench.Arguments.parse("connector-kalshi", List.of("budget=-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'budget=-1'");
        assertThatThrownBy(() -> ConnectorBench.Arguments.parse("connector-kalshi", List.of("rate=ten")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connector-kalshi")
                .hasMessageContaining("'rate=ten'");
        assertThatThrownBy(() -> ConnectorBench.Arguments.parse("connector-polymarket", List.of("10")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected rate=N, window=N or budget=N");
        assertThatThrownBy(() -> ConnectorBench.Arguments.parse("connector-kraken", List.of("rate=-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rate must be 0");
        assertThatThrownBy(() -> ConnectorBench.Arguments.parse("connector-kraken", List.of("window=-5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window must be 0");
    }

    @Test
    void aWindowBecomesTheEnvironmentsPublishWindow() {
        assertThat(ConnectorBench.transport(0)).isEmpty();
        assertThat(ConnectorBench.transport(128)).isEqualTo("transport:\n  publish:\n    window: 128\n");
    }
}
