package io.ssmd.core.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.model.MarketEventSchemas;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonSchemaGeneratorTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Map<String, Object> schema) {
        return (Map<String, Object>) schema.get("properties");
    }

    @Test
    void theTradeSchemaIsWhatMarketEventJsonWrites() {
        Map<String, Object> trade = MarketEventSchemas.generated().get("trade");
        Map<String, Object> props = properties(trade);

        assertThat(props)
                .containsOnlyKeys("type", "feed", "ticker", "price", "size", "side", "tradeId", "ts", "snapshot");
        assertThat(props.get("price"))
                .isEqualTo(Map.of("type", "string", "pattern", JsonSchemaGenerator.DECIMAL_PATTERN));
        assertThat(props.get("side")).isEqualTo(Map.of("type", "string", "enum", List.of("buy", "sell", "unknown")));
        assertThat(props.get("type")).isEqualTo(Map.of("type", "string", "const", "trade"));
        assertThat(trade.get("required"))
                .isEqualTo(List.of("feed", "price", "size", "snapshot", "ticker", "ts", "type"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void bookLevelsArePriceSizePairs() {
        Map<String, Object> delta = MarketEventSchemas.generated().get("orderbook-delta");
        @SuppressWarnings("unchecked")
        Map<String, Object> level =
                (Map<String, Object>) ((Map<String, Object>) properties(delta).get("bids")).get("items");
        assertThat(level)
                .containsEntry("type", "array")
                .containsEntry("minItems", 2)
                .containsEntry("maxItems", 2);
        assertThat((List<Object>) delta.get("required"))
                .doesNotContain("incremental")
                .contains("snapshot");
    }

    @Test
    void theSameRecordAlwaysGivesTheSameText() {
        assertThat(JsonSchemaGenerator.canonical(MarketEventSchemas.generated().get("ticker")))
                .isEqualTo(JsonSchemaGenerator.canonical(
                        MarketEventSchemas.generated().get("ticker")));
    }

    record Unmappable(Object anything) {}

    @Test
    void aTypeWithoutAMappingIsNamed() {
        assertThatThrownBy(() -> JsonSchemaGenerator.generate("x", Unmappable.class, JsonConventions.none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unmappable.anything of type java.lang.Object");
    }
}
