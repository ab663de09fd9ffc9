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
    void aConnectorBenchTakesARatePerConnectionAndRefusesAnythingElseByName() {
        assertThat(ConnectorBench.rate("connector-kalshi", List.of())).isZero();
        assertThat(ConnectorBench.rate("connector-kalshi", List.of("rate=10"))).isEqualTo(10);
        assertThatThrownBy(() -> ConnectorBench.rate("connector-kalshi", List.of("rate=ten")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connector-kalshi")
                .hasMessageContaining("'rate=ten'");
        assertThatThrownBy(() -> ConnectorBench.rate("connector-polymarket", List.of("10")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected rate=N");
        assertThatThrownBy(() -> ConnectorBench.rate("connector-kraken", List.of("rate=-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rate must be 0");
    }
}
