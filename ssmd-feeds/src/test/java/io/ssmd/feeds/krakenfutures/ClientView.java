package io.ssmd.feeds.krakenfutures;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.feeds.krakenfutures.replay.KrakenFuturesProductSpec;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Kraken Futures client rebuilds from the frames it receives, checked frame by frame: books valid after every
 * delta, {@code seq} continuous per product for books and trades, trades at the touch of the book the client holds,
 * tickers sane, and every price and size written as a plain decimal on the product's tick and lot.
 */
public final class ClientView {

    private static final Pattern NUMBER = Pattern.compile("\"(price|qty)\":([^,}]*)");
    private static final Pattern PLAIN = Pattern.compile("\\d+\\.\\d+");

    private final Map<String, TreeMap<BigDecimal, BigDecimal>> bids = new HashMap<>();
    private final Map<String, TreeMap<BigDecimal, BigDecimal>> asks = new HashMap<>();
    private final Map<String, Long> bookSeq = new HashMap<>();
    private final Map<String, Long> tradeSeq = new HashMap<>();
    private long deltas;
    private long trades;
    private long tickers;

    /** Applies and checks one data frame. */
    public void accept(String text) {
        JsonNode frame = KrakenFuturesTestServer.parse(text);
        String product = frame.get("product_id").asText();
        checkNumbers(text, KrakenFuturesProductSpec.of(product));
        switch (frame.get("feed").asText()) {
            case "book_snapshot" -> snapshot(product, frame);
            case "book" -> delta(product, frame);
            case "trade_snapshot" -> tradeSnapshot(product, frame);
            case "trade" -> trade(product, frame);
            case "ticker" -> ticker(frame);
            default -> throw new AssertionError("unexpected frame " + text);
        }
    }

    public long deltas() {
        return deltas;
    }

    public long trades() {
        return trades;
    }

    public long tickers() {
        return tickers;
    }

    public BigDecimal mid(String product) {
        return bids.get(product).firstKey().add(asks.get(product).firstKey()).divide(BigDecimal.valueOf(2));
    }

    public BigDecimal spread(String product) {
        return asks.get(product).firstKey().subtract(bids.get(product).firstKey());
    }

    private void snapshot(String product, JsonNode frame) {
        TreeMap<BigDecimal, BigDecimal> bidSide = new TreeMap<>(Comparator.reverseOrder());
        TreeMap<BigDecimal, BigDecimal> askSide = new TreeMap<>();
        load(bidSide, frame.get("bids"));
        load(askSide, frame.get("asks"));
        bids.put(product, bidSide);
        asks.put(product, askSide);
        bookSeq.put(product, frame.get("seq").asLong());
        checkBook(product);
    }

    private static void load(TreeMap<BigDecimal, BigDecimal> side, JsonNode levels) {
        BigDecimal previous = null;
        for (JsonNode level : levels) {
            BigDecimal price = level.get("price").decimalValue();
            assertThat(level.get("qty").decimalValue()).isPositive();
            if (previous != null) {
                // Bids best (highest) first, asks best (lowest) first, no price twice.
                assertThat(side.comparator() == null ? price.compareTo(previous) : previous.compareTo(price))
                        .isPositive();
            }
            side.put(price, level.get("qty").decimalValue());
            previous = price;
        }
    }

    private void delta(String product, JsonNode frame) {
        assertThat(bids).as("a delta before the snapshot of " + product).containsKey(product);
        long seq = frame.get("seq").asLong();
        assertThat(seq).as("book seq of " + product).isEqualTo(bookSeq.get(product) + 1);
        bookSeq.put(product, seq);
        TreeMap<BigDecimal, BigDecimal> side =
                "buy".equals(frame.get("side").asText()) ? bids.get(product) : asks.get(product);
        BigDecimal price = frame.get("price").decimalValue();
        BigDecimal qty = frame.get("qty").decimalValue();
        assertThat(qty.signum()).isNotNegative();
        if (qty.signum() == 0) {
            assertThat(side.remove(price))
                    .as("deleted level " + price + " existed")
                    .isNotNull();
        } else {
            side.put(price, qty);
        }
        deltas++;
        checkBook(product);
    }

    private void checkBook(String product) {
        assertThat(bids.get(product)).as("bids of " + product).isNotEmpty();
        assertThat(asks.get(product)).as("asks of " + product).isNotEmpty();
        assertThat(bids.get(product).firstKey())
                .as("best bid below best ask")
                .isLessThan(asks.get(product).firstKey());
        assertThat(bids.get(product).lastKey()).isPositive();
    }

    private void tradeSnapshot(String product, JsonNode frame) {
        long previous = Long.MAX_VALUE;
        for (JsonNode trade : frame.get("trades")) {
            // Newest first, one seq apart.
            assertThat(trade.get("seq").asLong())
                    .isEqualTo(previous == Long.MAX_VALUE ? trade.get("seq").asLong() : previous - 1);
            previous = trade.get("seq").asLong();
        }
        tradeSeq.put(product, frame.get("trades").get(0).get("seq").asLong());
    }

    private void trade(String product, JsonNode frame) {
        long seq = frame.get("seq").asLong();
        assertThat(seq).as("trade seq of " + product).isEqualTo(tradeSeq.get(product) + 1);
        tradeSeq.put(product, seq);
        assertThat(frame.get("qty").decimalValue()).isPositive();
        if (bids.containsKey(product)) {
            boolean takerBuys = "buy".equals(frame.get("side").asText());
            BigDecimal touch =
                    takerBuys ? asks.get(product).firstKey() : bids.get(product).firstKey();
            BigDecimal resting = takerBuys
                    ? asks.get(product).firstEntry().getValue()
                    : bids.get(product).firstEntry().getValue();
            assertThat(frame.get("price").decimalValue())
                    .as("trade at the touch")
                    .isEqualByComparingTo(touch);
            assertThat(frame.get("qty").decimalValue())
                    .as("trade within the level")
                    .isLessThanOrEqualTo(resting);
        }
        trades++;
    }

    private void ticker(JsonNode frame) {
        assertThat(frame.get("bid").decimalValue()).isLessThan(frame.get("ask").decimalValue());
        assertThat(frame.get("bid_size").decimalValue()).isPositive();
        assertThat(frame.get("ask_size").decimalValue()).isPositive();
        assertThat(frame.get("low").decimalValue())
                .isLessThanOrEqualTo(frame.get("last").decimalValue());
        assertThat(frame.get("high").decimalValue())
                .isGreaterThanOrEqualTo(frame.get("last").decimalValue());
        tickers++;
    }

    private static void checkNumbers(String text, KrakenFuturesProductSpec spec) {
        Matcher number = NUMBER.matcher(text);
        while (number.find()) {
            String value = number.group(2);
            assertThat(value).as(number.group(1) + " in " + text).matches(PLAIN);
            int scale = new BigDecimal(value).stripTrailingZeros().scale();
            assertThat(scale)
                    .as(number.group(1) + " on the grid")
                    .isLessThanOrEqualTo(number.group(1).equals("price") ? spec.priceScale() : spec.qtyScale());
        }
    }
}
