package io.ssmd.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MarketEventJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static BigDecimal d(String text) {
        return new BigDecimal(text);
    }

    @Test
    void aTradeIsWrittenFieldByFieldWithDecimalsAsTheirWireText() {
        Trade trade = new Trade(
                "kraken",
                "BTC/USD",
                d("62807.0"),
                d("0.50"),
                Side.BUY,
                Optional.of("4665906"),
                1_755_387_423_745_044L,
                false);

        assertThat(MarketEventJson.writeString(trade))
                .isEqualTo("{\"type\":\"trade\",\"feed\":\"kraken\","
                        + "\"ticker\":\"BTC/USD\",\"price\":\"62807.0\",\"size\":\"0.50\",\"side\":\"buy\","
                        + "\"tradeId\":\"4665906\",\"snapshot\":false,\"ts\":1755387423745044}");
    }

    @Test
    void exponentNotationIsWrittenPlainAndTrailingZerosStay() {
        Trade trade = new Trade(
                "kraken-futures", "PI_XBTUSD", d("6.2604214e-11"), d("1E+3"), Side.SELL, Optional.empty(), 0, true);

        String json = MarketEventJson.writeString(trade);

        assertThat(json)
                .contains(
                        "\"price\":\"0.000000000062604214\"",
                        "\"size\":\"1000\"",
                        "\"side\":\"sell\"",
                        "\"snapshot\":true")
                .doesNotContain("tradeId", "E", "e-");
    }

    @Test
    void aTradeWhoseAggressorIsUnknownHasNoSide() {
        Trade trade = new Trade("polymarket", "1", d("0.5"), d("10"), Side.UNKNOWN, Optional.empty(), 3, false);

        assertThat(MarketEventJson.writeString(trade))
                .isEqualTo("{\"type\":\"trade\",\"feed\":\"polymarket\","
                        + "\"ticker\":\"1\",\"price\":\"0.5\",\"size\":\"10\",\"snapshot\":false,\"ts\":3}");
    }

    @Test
    void aTickerLeavesOutWhatTheVenueDidNotSay() throws Exception {
        Ticker ticker = new Ticker(
                "polymarket",
                "8535",
                Optional.of(d("0.73")),
                Optional.empty(),
                Optional.of(d("0.77")),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                1_766_789_469_958_000L);

        JsonNode json = JSON.readTree(MarketEventJson.write(ticker));

        assertThat(json.get("type").asText()).isEqualTo("ticker");
        assertThat(json.get("bid").isTextual()).isTrue();
        assertThat(json.get("bid").asText()).isEqualTo("0.73");
        assertThat(json.get("ask").asText()).isEqualTo("0.77");
        assertThat(json.has("bidSize")).isFalse();
        assertThat(json.has("last")).isFalse();
        assertThat(json.has("volume")).isFalse();
        assertThat(json.get("ts").isIntegralNumber()).isTrue();
        assertThat(json.get("ts").asLong()).isEqualTo(1_766_789_469_958_000L);
        assertThat(json.size()).isEqualTo(6);
    }

    @Test
    void booksAreArraysOfPriceAndSizeStringsMarkedSnapshotOrNot() {
        BookSnapshot snapshot = new BookSnapshot(
                "kraken",
                "BTC/USD",
                List.of(new Level(d("45283.5"), d("0.10000000")), new Level(d("45283.4"), d("1.54582015"))),
                List.of(new Level(d("45285.2"), d("0.00100000"))),
                7);
        BookDelta delta = new BookDelta(
                "kraken", "BTC/USD", List.of(), List.of(new Level(d("62807.0"), d("0.00000000"))), false, 8);

        assertThat(MarketEventJson.writeString(snapshot))
                .isEqualTo("{\"type\":\"orderbook\",\"feed\":\"kraken\","
                        + "\"ticker\":\"BTC/USD\",\"snapshot\":true,\"bids\":[[\"45283.5\",\"0.10000000\"],"
                        + "[\"45283.4\",\"1.54582015\"]],\"asks\":[[\"45285.2\",\"0.00100000\"]],\"ts\":7}");
        assertThat(MarketEventJson.writeString(delta))
                .isEqualTo("{\"type\":\"orderbook\",\"feed\":\"kraken\","
                        + "\"ticker\":\"BTC/USD\",\"snapshot\":false,\"bids\":[],\"asks\":[[\"62807.0\",\"0.00000000\"]],"
                        + "\"ts\":8}");
    }

    @Test
    void anIncrementalDeltaSaysSoSoNoClientTakesItsChangesForSizes() {
        BookDelta delta = new BookDelta(
                "kalshi", "FED-23DEC-T3.00", List.of(new Level(d("0.960"), d("-54.00"))), List.of(), true, 1);

        assertThat(MarketEventJson.writeString(delta))
                .contains("\"snapshot\":false,\"incremental\":true," + "\"bids\":[[\"0.960\",\"-54.00\"]]");
    }

    @Test
    void lifecycleDetailsAreWrittenSortedAndLeftOutWhenEmpty() {
        Lifecycle determined = new Lifecycle(
                "kalshi",
                "KXMLB-1",
                "determined",
                Map.of("result", "no", "determination_ts", "1784501722", "settlement_value", "0.0000"),
                5);
        Lifecycle bare = new Lifecycle("kalshi", "KXMLB-1", "settled", Map.of(), 6);

        assertThat(MarketEventJson.writeString(determined))
                .isEqualTo("{\"type\":\"lifecycle\",\"feed\":\"kalshi\","
                        + "\"ticker\":\"KXMLB-1\",\"event\":\"determined\",\"details\":{\"determination_ts\":\"1784501722\","
                        + "\"result\":\"no\",\"settlement_value\":\"0.0000\"},\"ts\":5}");
        assertThat(MarketEventJson.writeString(bare))
                .isEqualTo("{\"type\":\"lifecycle\",\"feed\":\"kalshi\","
                        + "\"ticker\":\"KXMLB-1\",\"event\":\"settled\",\"ts\":6}");
    }

    @Test
    void textThatNeedsEscapingIsEscaped() throws Exception {
        Lifecycle created =
                new Lifecycle("polymarket", "1", "new_market", Map.of("question", "Will \"Yes\" win?\nReally"), 0);

        JsonNode json = JSON.readTree(MarketEventJson.write(created));

        assertThat(json.get("details").get("question").asText()).isEqualTo("Will \"Yes\" win?\nReally");
    }

    @Test
    void theRawVenueMessageIsEmbeddedAsJsonWhenAsked() throws Exception {
        Trade trade = new Trade("kraken", "MATIC/USD", d("0.5117"), d("40.0"), Side.SELL, Optional.empty(), 1, false);
        byte[] raw = "{\"channel\":\"trade\",\"data\":[{\"price\":0.5117}]}".getBytes(StandardCharsets.UTF_8);

        JsonNode json = JSON.readTree(MarketEventJson.write(trade, raw));

        assertThat(json.get("raw").get("channel").asText()).isEqualTo("trade");
        assertThat(json.get("raw").get("data").get(0).get("price").decimalValue())
                .isEqualByComparingTo("0.5117");
        assertThat(json.get("price").asText()).isEqualTo("0.5117");
    }
}
